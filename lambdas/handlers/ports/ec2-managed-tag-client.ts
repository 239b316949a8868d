/** The EC2 client behind the managed tag check, loaded with `import()` by ec2-managed-tag-ports.ts (see lazy-port.ts for why a module of its own). */
import { EC2Client } from '@aws-sdk/client-ec2';
import {
  Ec2ManagedTagDirectory,
  type ManagedInstanceTagValue,
} from '../../adapters/ec2/ec2-managed-tags.js';
import { LocatedClients } from '../../adapters/sts/spoke-credentials.js';
import type { ManagedTagDirectory } from '../../core/workflow/ports.js';
import { credentialsProviderFrom } from './spoke-credentials.js';

/** The managed tag check through EC2, with the function's credentials or the target's spoke role. */
export function ec2ManagedTagDirectory(
  env: NodeJS.ProcessEnv,
  tag: ManagedInstanceTagValue,
): ManagedTagDirectory {
  const clients = new LocatedClients(credentialsProviderFrom(env), (c) => new EC2Client(c));
  return new Ec2ManagedTagDirectory((location) => clients.for(location), tag);
}
