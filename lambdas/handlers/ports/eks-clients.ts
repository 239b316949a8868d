/**
 * The EKS clusters' API through the function's role, or through the spoke role for a cluster in a
 * spoke account (eks-sites.ts: eks:DescribeCluster for endpoint and CA, a k8s-aws-v1 token; the
 * role's EKS access entry maps it to its Kubernetes group), and the catalogue's Kubernetes and AWS
 * node actions. Loaded with `import()` by eks-ports.ts: this module brings @kubernetes/client-node
 * and the EKS and Auto Scaling clients, which only invocations with a Kubernetes target need.
 */
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import {
  clusterActionExecutors,
  KubernetesClusterPort,
} from '../../adapters/kubernetes/cluster-port.js';
import { LocatedClients } from '../../adapters/sts/spoke-credentials.js';
import type { ActionExecutor, ClusterPort } from '../../core/workflow/ports.js';
import { invocationDeadline } from '../invocation-deadline.js';
import { eksClusterAccess } from './eks-sites.js';

const clock = { now: () => new Date() };

/** Read-only cluster access: alarm resolution, the incident view, Verify's state re-read. */
export function eksClusterPort(env: NodeJS.ProcessEnv): ClusterPort {
  return new KubernetesClusterPort({
    accessFor: eksClusterAccess(env).accessFor,
    clock,
    deadline: invocationDeadline,
  });
}

/** The one executor of the catalogue's `kubernetes` and `aws` actions (dry run when the deployment is), in each target's account and region. */
export function eksActionExecutor(env: NodeJS.ProcessEnv, dryRun: boolean): ActionExecutor {
  const { accessFor, eksIn, credentials } = eksClusterAccess(env);
  const autoScaling = new LocatedClients(credentials, (config) => new AutoScalingClient(config));
  const executors = clusterActionExecutors({
    accessFor,
    eksIn,
    autoScalingIn: (location) => autoScaling.for(location),
    clock,
    dryRun,
  });
  return executors.kubernetes!;
}
