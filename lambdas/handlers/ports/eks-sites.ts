/**
 * Where the hub's functions reach EKS clusters: per account and region, the EKS client
 * (DescribeCluster: endpoint and CA) and the region and credentials that sign the cluster token,
 * all from the shared credentials provider (spoke-credentials.ts): the function's own at the hub,
 * the spoke role's in a spoke, whose access entry maps it to the Paramedic groups there. Used by the
 * cluster port, the executors and the group port, each loaded lazily (this module brings the EKS client).
 */
import { EKSClient } from '@aws-sdk/client-eks';
import { eksAccessFor, type KubeAccessFor } from '../../adapters/kubernetes/eks-access-for.js';
import { KubeAccessError } from '../../adapters/kubernetes/kube-access.js';
import { type CredentialsProvider, LocatedClients } from '../../adapters/sts/spoke-credentials.js';
import type { TargetLocation } from '../../core/workflow/ports.js';
import { credentialsProviderFrom } from './spoke-credentials.js';

/** Cluster API access and the EKS clients behind it, per account and region. */
export interface EksClusterAccess {
  /** The Kubernetes API of a cluster in `location` (absent or the hub's own: the function's credentials). */
  readonly accessFor: KubeAccessFor;
  /** The EKS client of `location` (node group actions). */
  readonly eksIn: (location?: TargetLocation) => EKSClient;
  /** The provider the clients come from (other AWS clients of the same location use it too). */
  readonly credentials: CredentialsProvider;
}

/**
 * EKS access for this function's environment. Without a region at the hub every hub cluster read
 * fails with the reason, at the read, where the workflow records it; the cold start never fails for it.
 */
export function eksClusterAccess(env: NodeJS.ProcessEnv): EksClusterAccess {
  const credentials = credentialsProviderFrom(env);
  const eks = new LocatedClients(credentials, (config) => new EKSClient(config));
  const functionRegion = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const located = eksAccessFor({
    clock: { now: () => new Date() },
    siteOf: (location) => {
      const config = credentials.clientConfigFor(location);
      const region = config.region ?? functionRegion;
      if (!region)
        throw new KubeAccessError(
          'AWS_REGION is not set, so the EKS endpoint and token region are unknown; run in Lambda or set AWS_REGION',
        );
      const client = eks.for(location);
      // A spoke's token is signed by the spoke role (its access entry), a hub cluster's by the function's role.
      return { eks: client, region, credentials: config.credentials ?? client.config.credentials };
    },
  });
  return {
    // One cache entry per cluster at the hub, whether its targets name the hub's account or nothing.
    accessFor: (cluster, location) =>
      located(cluster, credentials.isHub(location) ? undefined : location),
    eksIn: (location) => eks.for(location),
    credentials,
  };
}
