/**
 * Makes the approver's identity proof: an STS GetCallerIdentity request presigned with your
 * credential chain, for the approve function's region, signing the decision's binding header. The
 * approve function sends it to STS and records the ARN STS answers with (see
 * lambdas/adapters/sts/caller-identity-proof.ts). Only `--aws` approvals load it.
 */
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import {
  APPROVAL_BINDING_HEADER,
  IDENTITY_PROOF_MAX_AGE_SECONDS,
  stsHostOf,
} from '../../lambdas/core/workflow/approval-identity.js';
import type { SigningIdentity } from './signed-post.js';

/**
 * The presigned URL, valid for at most a minute, bound to `binding` (approvalBinding of the decision).
 * @example await presignCallerIdentity({ credentials, region: 'eu-west-1' }, approvalBinding({ executionId, approved: true }))
 */
export async function presignCallerIdentity(
  signer: SigningIdentity,
  binding: string,
  signingDate = new Date(),
): Promise<string> {
  const hostname = stsHostOf(signer.region);
  const request = new HttpRequest({
    method: 'GET',
    protocol: 'https:',
    hostname,
    path: '/',
    query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
    headers: { host: hostname, [APPROVAL_BINDING_HEADER]: binding },
  });
  const presigned = await new SignatureV4({
    service: 'sts',
    region: signer.region,
    credentials: signer.credentials,
    sha256: Hash.bind(null, 'sha256'),
  }).presign(request, { expiresIn: Math.min(60, IDENTITY_PROOF_MAX_AGE_SECONDS), signingDate });
  const url = new URL(`https://${hostname}/`);
  for (const [key, value] of Object.entries(presigned.query ?? {}))
    url.searchParams.set(key, String(value));
  return url.toString();
}
