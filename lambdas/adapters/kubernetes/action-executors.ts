import { replaceNode, scaleUpNodegroup } from './aws-node-actions.js';
import type { ActionExecutor } from './executor.js';
import { cordonNode, drainNode, uncordonNode } from './node-actions.js';
import { deletePod, restartCoreDns, rolloutRestartWorkload } from './workload-actions.js';

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
