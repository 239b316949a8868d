/** The `targets` port: Auto Scaling groups expanded into instances. */
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { AutoScalingDirectory } from '../../adapters/autoscaling/auto-scaling-directory.js';
import type { PortFactory } from '../aws-ports.js';

/** Target directory over the Auto Scaling API. */
export const autoScalingTargetPorts: PortFactory = {
  provides: ['targets'],
  create: () => ({ targets: new AutoScalingDirectory(new AutoScalingClient({})) }),
};
