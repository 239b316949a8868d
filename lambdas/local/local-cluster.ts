/**
 * The local root's cluster wiring: with `--kubeconfig` the workflow reads and acts on the cluster
 * through the same KubernetesClusterPort and executors the deployed Lambdas use (there with an EKS
 * token); without it the cluster port stays unwired, and an EKS target's record carries an explicit
 * "no Kubernetes API access" section instead of the cluster's view.
 */
import {
  clusterActionExecutors,
  KubernetesClusterPort,
} from '../adapters/kubernetes/cluster-port.js';
import { KubeconfigAccess } from '../adapters/kubernetes/kube-access.js';
import { NodeGroupMembership } from '../adapters/kubernetes/node-group-membership.js';
import type { Clock, WorkflowPorts } from '../core/workflow/ports.js';

/** A kubeconfig file and, optionally, the context to use (default: its current-context). */
export interface LocalKubeconfig {
  readonly file: string;
  readonly context?: string;
}

/**
 * The cluster and executors ports over a kubeconfig; nothing without one.
 * @throws KubeAccessError when the file cannot be read or has no such context (before anything runs).
 */
export function localClusterPorts(
  kubeconfig: LocalKubeconfig | undefined,
  clock: Clock,
  dryRun: boolean,
): Pick<WorkflowPorts, 'cluster' | 'executors' | 'groups'> {
  if (!kubeconfig) return {};
  const access = new KubeconfigAccess(kubeconfig.file, kubeconfig.context);
  // One kubeconfig, one cluster: every cluster name an alarm gives is read through its context.
  const accessFor = () => access;
  return {
    cluster: new KubernetesClusterPort({ accessFor, clock }),
    executors: clusterActionExecutors({ accessFor, clock, dryRun }),
    groups: new NodeGroupMembership(accessFor),
  };
}
