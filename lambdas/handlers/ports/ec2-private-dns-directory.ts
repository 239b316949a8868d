/** The EC2 client behind private DNS lookups, loaded with `import()` by autoscaling-clients.ts (see lazy-port.ts for why a module of its own). */
import { EC2Client } from '@aws-sdk/client-ec2';
import type { PrivateDnsDirectory } from '../../adapters/autoscaling/auto-scaling-directory.js';
import { Ec2PrivateDnsDirectory } from '../../adapters/ec2/ec2-private-dns.js';
import { LocatedClients, type CredentialsProvider } from '../../adapters/sts/spoke-credentials.js';

/** Private DNS names through EC2, with the function's credentials or the target's spoke role. */
export function ec2PrivateDnsDirectory(credentials: CredentialsProvider): PrivateDnsDirectory {
  const clients = new LocatedClients(credentials, (c) => new EC2Client(c));
  return new Ec2PrivateDnsDirectory((location) => clients.for(location));
}
