/**
 * The `managedTags` port: Intake names the instance targets SendCommand will be denied on for lack
 * of the managed tag. The EC2 client (the SDK's largest) loads in its own chunk on the first check,
 * so the bundle's cold start does not carry it; without a managed tag in the environment (the stack
 * set none) there is no port and nothing is checked.
 */
import { managedInstanceTagFrom } from '../../adapters/ssm/ssm-runner-environment.js';
import type { ManagedTagDirectory } from '../../core/workflow/ports.js';
import type { PortFactory } from '../aws-ports.js';
import { lazyPort } from './lazy-port.js';

/** Instances without the managed tag or not found, through DescribeInstances in the target's account. */
export const ec2ManagedTagPorts: PortFactory = {
  provides: ['managedTags'],
  create: (env) => {
    const tag = managedInstanceTagFrom(env);
    if (!tag) return {};
    const directory = lazyPort<Pick<ManagedTagDirectory, 'lookUp'>>(async () =>
      (await import('./ec2-managed-tag-client.js')).ec2ManagedTagDirectory(env, tag),
    );
    // The name is known without EC2: only the lookup is lazy.
    const managedTags: ManagedTagDirectory = {
      tag: `${tag.key}=${tag.value}`,
      lookUp: (ids, location) => directory.lookUp(ids, location),
    };
    return { managedTags };
  },
};
