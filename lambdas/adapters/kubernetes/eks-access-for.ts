/**
 * EKS access per cluster and per account and region: each cluster is reached through the EKS
 * client, token region and credentials of the account and region it lives in (the function's own,
 * or a spoke role's), so a cluster in a spoke account is described there and its token is signed by
 * the spoke role, for the cluster's region. Cached per (account, region, cluster): a warm Lambda
 * describes each cluster once and reuses its token until it (or its credentials) nears expiry.
 */
import type { EKSClient } from '@aws-sdk/client-eks';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { TargetLocation } from '../../core/workflow/ports.js';
import { EksKubeAccess, type KubeAccess } from './kube-access.js';

/**
 * Gives the API access of a cluster by name, in `location` (absent: the function's own account and
 * region). EKS: DescribeCluster + token; tests and local runs: a kubeconfig, whatever the location.
 */
export type KubeAccessFor = (cluster: string, location?: TargetLocation) => KubeAccess;

/** How the clusters of one account and region are reached. */
export interface EksSite {
  /** DescribeCluster (endpoint and CA) in that account and region. */
  readonly eks: Pick<EKSClient, 'send'>;
  /** The region the token is signed for (the clusters' region). */
  readonly region: string;
  /** The credentials that sign the token: what the cluster's access entry names. */
  readonly credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
}

/** What EKS access needs: the site of each location, and a clock for token refresh. */
export interface EksAccessForOptions {
  /** The site of `location` (absent: the function's own); throws when it cannot be known (no region). */
  readonly siteOf: (location?: TargetLocation) => EksSite;
  readonly clock?: { now(): Date };
}

/**
 * EKS access per cluster and location, cached.
 * @example const accessFor = eksAccessFor({ siteOf: () => ({ eks, region: 'eu-west-1', credentials: eks.config.credentials }) })
 */
export function eksAccessFor(options: EksAccessForOptions): KubeAccessFor {
  const cache = new Map<string, KubeAccess>();
  return (cluster, location) => {
    const key = `${location ? `${location.account}/${location.region}` : ''}/${cluster}`;
    let access = cache.get(key);
    if (!access) {
      let site: EksSite;
      try {
        site = options.siteOf(location);
      } catch (error) {
        // Not cached: the read that asked fails with the reason, where the workflow records it.
        return { clients: () => Promise.reject(error) };
      }
      access = new EksKubeAccess({
        clusterName: cluster,
        ...site,
        ...(options.clock ? { clock: options.clock } : {}),
      });
      cache.set(key, access);
    }
    return access;
  };
}
