/**
 * The managed tag check words its message from what EC2 found: tagged, untagged, not found (each
 * apart), or skipped. A fake directory stands in for EC2; the adapter has its own tests
 * (test/unit/handlers/intake-managed-tag.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { awsErrorWording } from '../../../lambdas/adapters/aws-sdk/aws-error-message.js';
import { checkManagedTag } from '../../../lambdas/core/workflow/managed-tag-check.js';
import type { Target } from '../../../lambdas/core/workflow/model.js';
import type {
  ManagedTagDirectory,
  ManagedTagLookup,
  TargetLocation,
} from '../../../lambdas/core/workflow/ports.js';

const TAG = 'paramedic:managed=true';
const [A, B, C] = ['i-0000000000000000a', 'i-0000000000000000b', 'i-0000000000000000c'];

/** A directory answering from `byLocation` ('' for the deployment's own account and region). */
function directory(byLocation: Record<string, ManagedTagLookup | Error>): ManagedTagDirectory {
  return {
    tag: TAG,
    lookUp: async (_ids, location?: TargetLocation) => {
      const found = byLocation[location ? `${location.account}/${location.region}` : '']!;
      if (found instanceof Error) throw found;
      return found;
    },
  };
}

const target = (id: string, account?: string): Target =>
  ({ id, platform: 'docker', ...(account ? { account, region: 'eu-west-1' } : {}) }) as Target;

describe('checkManagedTag', () => {
  it('counts only the instances found with the tag in its all-clear', async () => {
    const check = await checkManagedTag(
      [target(A), target(B)],
      directory({ '': { untagged: [], notFound: [] } }),
      awsErrorWording,
    );
    expect(check).toEqual({
      tag: TAG,
      checked: 2,
      untagged: [],
      notFound: [],
      message: `all 2 instance target(s) carry the managed tag ${TAG}`,
    });
  });

  it('names untagged and not-found targets apart, and where the not-found ones were looked for', async () => {
    const check = await checkManagedTag(
      [target(A), target(B), target(C)],
      directory({ '': { untagged: [A], notFound: [C] } }),
      awsErrorWording,
    );
    expect(check).toMatchObject({ checked: 3, untagged: [A], notFound: [C] });
    expect(check!.message).toMatch(/^1 of 3 instance target\(s\) lack the managed tag/);
    expect(check!.message).toContain(
      `; 1 of 3 instance target(s) were not found in the deployment's own account/region (${C}; not described, or terminated): SendCommand will refuse them; check that the alarm's account and region are where the instances run and that the target ids are right`,
    );
    expect(check!.message).not.toMatch(/carry the managed tag/);
  });

  it('says a lookup was skipped without calling the instances it did not look up tagged', async () => {
    const check = await checkManagedTag(
      [target(A), target(B, '222222222222')],
      directory({
        '': { untagged: [], notFound: [] },
        '222222222222/eu-west-1': Object.assign(new Error('denied'), { name: 'AccessDenied' }),
      }),
      awsErrorWording,
    );
    expect(check).toMatchObject({ checked: 2, untagged: [], notFound: [] });
    expect(check!.skipped).toBe(
      'DescribeInstances in 222222222222/eu-west-1 failed: AccessDenied: denied',
    );
    expect(check!.message).not.toMatch(/carry the managed tag/);
  });
});
