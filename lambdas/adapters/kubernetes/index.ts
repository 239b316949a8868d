/** Kubernetes adapter: EKS/kubeconfig access, the cluster reader, and executors for the catalogue's Kubernetes and AWS node actions. */
import { replaceNode, scaleUpNodegroup } from './aws-node-actions.js';
import type { ActionExecutor } from './executor.js';
import { cordonNode, drainNode, uncordonNode } from './node-actions.js';
import { deletePod, restartCoreDns, rolloutRestartWorkload } from './workload-actions.js';

export * from './executor.js';
export * from './eks-token.js';
export * from './kube-access.js';
export * from './cluster-reader.js';
export * from './paged-list.js';
export * from './incident-evidence.js';
export * from './target-lookup.js';
export * from './state-reader.js';
export * from './workflow-executor.js';

/** Executors by catalogue action id (lambdas/core/remediation/catalog.ts). */
export const kubernetesActionExecutors: Readonly<Record<string, ActionExecutor>> = {
  'k8s-cordon-node': cordonNode,
  'k8s-uncordon-node': uncordonNode,
  'k8s-drain-node': drainNode,
  'k8s-delete-pod': deletePod,
  'k8s-rollout-restart': rolloutRestartWorkload,
  'k8s-restart-coredns': restartCoreDns,
  'node-replace': replaceNode,
  'nodegroup-scale-up': scaleUpNodegroup,
};
