/** The `targets` port: Auto Scaling groups and EC2 private DNS names expanded into instances. */
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { EC2Client } from '@aws-sdk/client-ec2';
import { AutoScalingDirectory } from '../../adapters/autoscaling/auto-scaling-directory.js';
import { LocatedClients } from '../../adapters/sts/spoke-credentials.js';
import type { PortFactory } from '../aws-ports.js';
import { credentialsProviderFrom } from './spoke-credentials.js';

/** Target directory over the Auto Scaling and EC2 APIs, of the hub or of the target's spoke. */
export const autoScalingTargetPorts: PortFactory = {
  provides: ['targets'],
  create: (env) => {
    const credentials = credentialsProviderFrom(env);
    return { targets: new AutoScalingDirectory(new LocatedClients(credentials, (c) => new AutoScalingClient(c)), new LocatedClients(credentials, (c) => new EC2Client(c))) };
  },
};
