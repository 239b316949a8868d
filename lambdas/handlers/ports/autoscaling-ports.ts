/**
 * The `targets` port: Auto Scaling groups and EC2 private DNS names expanded into instances. The
 * EC2 client (the SDK's largest, ~550 KiB) is a lazy port: it loads, in its own chunk, only when
 * an alarm names a node by private DNS name.
 */
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { AutoScalingDirectory } from '../../adapters/autoscaling/auto-scaling-directory.js';
import type { PrivateDnsDirectory } from '../../adapters/ec2/ec2-private-dns.js';
import type { PortFactory } from '../aws-ports.js';
import { lazyPort } from './lazy-port.js';

/** Private DNS names through EC2, loaded on first use. */
async function ec2PrivateDns(): Promise<PrivateDnsDirectory> {
  const [{ EC2Client }, { Ec2PrivateDnsDirectory }] = await Promise.all([import('@aws-sdk/client-ec2'), import('../../adapters/ec2/ec2-private-dns.js')]);
  return new Ec2PrivateDnsDirectory(new EC2Client({}));
}

/** Target directory over the Auto Scaling and EC2 APIs. */
export const autoScalingTargetPorts: PortFactory = {
  provides: ['targets'],
  create: () => ({ targets: new AutoScalingDirectory(new AutoScalingClient({}), lazyPort<PrivateDnsDirectory>(ec2PrivateDns)) }),
};
