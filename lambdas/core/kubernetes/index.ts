/** Pure Kubernetes logic: selectors, NetworkPolicy and ingress evaluation, drain planning, kubectl-style renderers. */
export * from './types.js';
export * from './label-selector.js';
export * from './network-policy.js';
export * from './ingress-backends.js';
export * from './drain-plan.js';
export * from './render/tab-writer.js';
export * from './render/time-format.js';
export * from './render/quantity.js';
export * from './render/describe-common.js';
export * from './render/describe-pod.js';
export * from './render/describe-node.js';
export * from './render/get-tables.js';
export * from './render/describe-network.js';
export * from './render/describe-service.js';
export * from './render/cluster-status.js';
