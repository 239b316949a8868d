/**
 * The `targets` port: Auto Scaling groups and EC2 private DNS names expanded into instances, of the
 * hub or of the target's spoke. Both clients are lazy ports, each in its own chunk: Auto Scaling
 * loads only when an alarm names a group or a node, EC2 (the SDK's largest client) only when one
 * names a node by private DNS name; an alarm on one instance needs neither.
 */
import type { TargetDirectory } from '../../core/workflow/ports.js';
import type { PortFactory } from '../aws-ports.js';
import { lazyPort } from './lazy-port.js';

/** Target directory over the Auto Scaling and EC2 APIs, of the hub or of the target's spoke. */
export const autoScalingTargetPorts: PortFactory = {
  provides: ['targets'],
  create: (env) => ({
    targets: lazyPort<TargetDirectory>(async () =>
      (await import('./autoscaling-clients.js')).autoScalingDirectory(env),
    ),
  }),
};
