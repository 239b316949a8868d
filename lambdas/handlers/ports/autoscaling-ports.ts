/** The `targets` port: Auto Scaling groups and EC2 private DNS names expanded into instances. */
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { EC2Client } from '@aws-sdk/client-ec2';
import { AutoScalingDirectory } from '../../adapters/autoscaling/auto-scaling-directory.js';
import type { PortFactory } from '../aws-ports.js';

/** Target directory over the Auto Scaling and EC2 APIs. */
export const autoScalingTargetPorts: PortFactory = {
  provides: ['targets'],
  create: () => ({ targets: new AutoScalingDirectory(new AutoScalingClient({}), new EC2Client({})) }),
};
