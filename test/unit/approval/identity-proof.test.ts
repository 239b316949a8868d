import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presignCallerIdentity } from '../../../cli/aws/caller-identity-proof.js';
import {
  IdentityProofError,
  verifyCallerIdentityProof,
} from '../../../lambdas/adapters/sts/caller-identity-proof.js';
import { approvalBinding } from '../../../lambdas/core/workflow/approval-identity.js';
import { startFakeSts, type FakeSts } from '../../support/fake-sts.js';

const REGION = 'eu-west-1';
const EXECUTION = 'arn:aws:states:eu-west-1:123456789012:execution:ParamedicWorkflow:abc';
const ALICE = {
  accessKeyId: 'ASIAALICEEXAMPLE',
  secretAccessKey: 'alice-secret',
  sessionToken: 'alice-session',
  arn: 'arn:aws:sts::123456789012:assumed-role/Ops/alice',
};
const MALLORY = { accessKeyId: 'AKIAMALLORYEXAMPLE', secretAccessKey: 'mallory-secret' };
let sts: FakeSts;

beforeAll(async () => {
  sts = await startFakeSts([ALICE]);
});
afterAll(() => sts.stop());

const approve = approvalBinding({ executionId: EXECUTION, approved: true });
const proofBy = (
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
  binding = approve,
  region = REGION,
  signingDate = new Date(),
) => presignCallerIdentity({ credentials, region }, binding, signingDate);
const verify = (proof: unknown, binding = approve, region = REGION) =>
  verifyCallerIdentityProof(proof, binding, { region, now: new Date(), fetch: sts.fetch });

describe('approver identity proof (presigned STS GetCallerIdentity bound to the decision)', () => {
  it('STS names the signer of a proof made for this decision', async () => {
    await expect(verify(await proofBy(ALICE))).resolves.toBe(ALICE.arn);
    expect(sts.calls.at(-1)).toEqual({ binding: `approve ${EXECUTION}`, status: 200 });
  });

  it('a proof made for one decision proves nothing for the opposite answer or another execution (STS: SignatureDoesNotMatch)', async () => {
    const proof = await proofBy(ALICE);
    await expect(
      verify(proof, approvalBinding({ executionId: EXECUTION, approved: false })),
    ).rejects.toThrow(/STS did not accept the identity proof \(HTTP 403, SignatureDoesNotMatch\)/);
    await expect(
      verify(proof, approvalBinding({ executionId: `${EXECUTION}x`, approved: true })),
    ).rejects.toThrow(IdentityProofError);
  });

  it('credentials STS does not know prove nothing', async () => {
    await expect(verify(await proofBy(MALLORY))).rejects.toThrow(/InvalidClientTokenId/);
  });

  it('refuses without calling anyone: another host, another region, no binding header, a long or stale proof, not a URL', async () => {
    const before = sts.calls.length;
    const good = new URL(await proofBy(ALICE));
    const elsewhere = new URL(good);
    elsewhere.hostname = 'sts.attacker.test';
    await expect(verify(elsewhere.toString())).rejects.toThrow(
      /must be a presigned request to https:\/\/sts\.eu-west-1\.amazonaws\.com\//,
    );
    await expect(verify(await proofBy(ALICE, approve, 'us-east-1'))).rejects.toThrow(
      /this function's region/,
    );
    const unbound = new URL(good);
    unbound.searchParams.set('X-Amz-SignedHeaders', 'host');
    await expect(verify(unbound.toString())).rejects.toThrow(/does not sign x-paramedic-approval/);
    const long = new URL(good);
    long.searchParams.set('X-Amz-Expires', '3600');
    await expect(verify(long.toString())).rejects.toThrow(/must expire within 120 s/);
    await expect(
      verify(await proofBy(ALICE, approve, REGION, new Date(Date.now() - 20 * 60_000))),
    ).rejects.toThrow(/has expired/);
    const other = new URL(good);
    other.searchParams.set('Action', 'AssumeRole');
    await expect(verify(other.toString())).rejects.toThrow(/must be a GetCallerIdentity request/);
    await expect(verify('not a url')).rejects.toThrow(/is not a URL/);
    await expect(verify(undefined)).rejects.toThrow(/identityProof is required/);
    expect(sts.calls.length).toBe(before);
  });
});
