/**
 * The `groups` port: the Auto Scaling group or EKS node group of a target (read-only), for the
 * group share precondition. A lazy port: the Kubernetes, EKS and Auto Scaling clients load on the
 * first group read (a runbook with a group precondition), in their own chunk (group-clients.ts).
 */
import type { GroupMembership } from '../../core/workflow/ports.js';
import type { PortFactory } from '../aws-ports.js';
import { lazyPort } from './lazy-port.js';

/** Group membership over the cluster's nodes and the Auto Scaling API. */
export const groupMembershipPorts: PortFactory = {
  provides: ['groups'],
  create: (env) => ({
    groups: lazyPort<GroupMembership>(async () =>
      (await import('./group-clients.js')).groupMembership(env),
    ),
  }),
};
