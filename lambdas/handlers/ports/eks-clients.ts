/**
 * The EKS clusters' API through the function's role (eks:DescribeCluster for endpoint and CA, a
 * k8s-aws-v1 token; the role's EKS access entry maps it to its Kubernetes group), and the
 * catalogue's Kubernetes and AWS node actions. Loaded with `import()` by eks-ports.ts: this module
 * brings @kubernetes/client-node and the EKS and Auto Scaling clients, which only invocations with
 * a Kubernetes target need.
 */
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { EKSClient } from '@aws-sdk/client-eks';
import {
  clusterActionExecutors,
  KubernetesClusterPort,
} from '../../adapters/kubernetes/cluster-port.js';
import { eksAccessFor } from '../../adapters/kubernetes/incident-evidence.js';
import type { KubeAccessFor } from '../../adapters/kubernetes/incident-evidence.js';
import { KubeAccessError } from '../../adapters/kubernetes/kube-access.js';
import type { ActionExecutor, ClusterPort } from '../../core/workflow/ports.js';

const clock = { now: () => new Date() };

/**
 * EKS access with the function's own credentials, in the function's region (AWS_REGION, which
 * Lambda sets). Without a region every cluster read fails with the reason, at the read, where
 * the workflow records it; the cold start itself never fails for it.
 */
function eksAccess(env: NodeJS.ProcessEnv): { accessFor: KubeAccessFor; eks: EKSClient } {
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const eks = new EKSClient(region ? { region } : {});
  if (!region) {
    const error = new KubeAccessError(
      'AWS_REGION is not set, so the EKS endpoint and token region are unknown; run in Lambda or set AWS_REGION',
    );
    return { eks, accessFor: () => ({ clients: () => Promise.reject(error) }) };
  }
  return {
    eks,
    accessFor: eksAccessFor({ eks, region, credentials: eks.config.credentials, clock }),
  };
}

/** Read-only cluster access: alarm resolution, the incident view, Verify's state re-read. */
export function eksClusterPort(env: NodeJS.ProcessEnv): ClusterPort {
  return new KubernetesClusterPort({ accessFor: eksAccess(env).accessFor, clock });
}

/** The one executor of the catalogue's `kubernetes` and `aws` actions (dry run when the deployment is). */
export function eksActionExecutor(env: NodeJS.ProcessEnv, dryRun: boolean): ActionExecutor {
  const { accessFor, eks } = eksAccess(env);
  const executors = clusterActionExecutors({
    accessFor,
    eks,
    autoScaling: new AutoScalingClient({}),
    clock,
    dryRun,
  });
  return executors.kubernetes!;
}
