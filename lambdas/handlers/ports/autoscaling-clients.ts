/** The Auto Scaling client behind the `targets` port, loaded with `import()` by autoscaling-ports.ts; EC2 loads later still, on the first private DNS name. */
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { AutoScalingDirectory } from '../../adapters/autoscaling/auto-scaling-directory.js';
import type { PrivateDnsDirectory } from '../../adapters/autoscaling/auto-scaling-directory.js';
import { LocatedClients } from '../../adapters/sts/spoke-credentials.js';
import type { TargetDirectory } from '../../core/workflow/ports.js';
import { lazyPort } from './lazy-port.js';
import { credentialsProviderFrom } from './spoke-credentials.js';

/** Groups through Auto Scaling; private DNS names through EC2, loaded on first use; both in the target's account (spoke role) when it has one. */
export function autoScalingDirectory(env: NodeJS.ProcessEnv): TargetDirectory {
  const credentials = credentialsProviderFrom(env);
  const privateDns = lazyPort<PrivateDnsDirectory>(async () =>
    (await import('./ec2-private-dns-directory.js')).ec2PrivateDnsDirectory(credentials),
  );
  return new AutoScalingDirectory(
    new LocatedClients(credentials, (c) => new AutoScalingClient(c)),
    privateDns,
  );
}
