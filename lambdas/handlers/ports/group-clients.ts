/**
 * The clients behind the `groups` port, loaded with `import()` by group-ports.ts: node targets are
 * read through the cluster (their node group label, who is cordoned or not Ready), then Auto
 * Scaling; in the target's spoke account when it is in one.
 */
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { AutoScalingGroupMembership } from '../../adapters/autoscaling/auto-scaling-group-membership.js';
import { NodeGroupMembership } from '../../adapters/kubernetes/node-group-membership.js';
import { LocatedClients } from '../../adapters/sts/spoke-credentials.js';
import { firstGroupOf } from '../../core/remediation/group-share.js';
import type { GroupMembership } from '../../core/workflow/ports.js';
import { eksClusterAccess } from './eks-sites.js';

/** Group membership over the cluster's nodes (of the target's account) and the Auto Scaling API. */
export function groupMembership(env: NodeJS.ProcessEnv): GroupMembership {
  const { accessFor, credentials } = eksClusterAccess(env);
  const sources: GroupMembership[] = [];
  if (env.AWS_REGION ?? env.AWS_DEFAULT_REGION) sources.push(new NodeGroupMembership(accessFor));
  sources.push(
    new AutoScalingGroupMembership(
      new LocatedClients(credentials, (c) => new AutoScalingClient(c)),
    ),
  );
  return firstGroupOf(sources);
}
