/** Kubernetes adapter: EKS/kubeconfig access, the cluster reader, and executors for the catalogue's Kubernetes and AWS node actions. */
export * from './executor.js';
export * from './eks-token.js';
export * from './kube-access.js';
export * from './cluster-reader.js';
export * from './paged-list.js';
export * from './eks-access-for.js';
export * from './incident-evidence.js';
export * from './target-lookup.js';
export * from './state-reader.js';
export * from './workflow-executor.js';
export * from './action-executors.js';
export * from './cluster-port.js';
