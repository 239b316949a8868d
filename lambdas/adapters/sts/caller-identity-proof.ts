/**
 * Verifies an approver's identity proof: a presigned STS GetCallerIdentity URL that signs the
 * decision's binding header (core/workflow/approval-identity.ts). STS checks the signature and
 * answers with the signer's ARN, so the approve function learns who approves from AWS itself,
 * never from its event (a direct Invoke can hand-craft a Function URL event; it cannot sign as
 * someone else). Only the function's own regional STS endpoint is ever called.
 */
import {
  APPROVAL_BINDING_HEADER,
  IDENTITY_PROOF_MAX_AGE_SECONDS,
  stsHostOf,
} from '../../core/workflow/approval-identity.js';

/** The proof is malformed, stale, made for another decision, or STS did not accept it. */
export class IdentityProofError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IdentityProofError';
  }
}

/** Where and when the proof is checked; `fetch` is replaceable so tests can route STS to loopback. */
export interface IdentityProofCheck {
  /** The approve function's region: the proof must be signed for its STS endpoint. */
  readonly region: string;
  readonly now: Date;
  readonly fetch?: typeof fetch;
  /** Per-call timeout. @default 5000 */
  readonly timeoutMs?: number;
}

const MAX_PROOF_LENGTH = 4096;
const CLOCK_SKEW_MS = 5 * 60_000;
const HOW_TO = 'make a new one with "paramedic approve|reject <execution> --aws"';

/** `20261123T093000Z` as a Date, or undefined. */
function amzDate(value: string | null): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value ?? '');
  return m ? new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)) : undefined;
}

/** Checks the proof's shape before anything is sent: the right host, action, binding header and age. */
function checkedProofUrl(proof: unknown, check: IdentityProofCheck): URL {
  if (typeof proof !== 'string' || proof.length === 0)
    throw new IdentityProofError(
      `identityProof is required (a presigned STS GetCallerIdentity URL): ${HOW_TO}`,
    );
  if (proof.length > MAX_PROOF_LENGTH)
    throw new IdentityProofError(`identityProof is longer than ${MAX_PROOF_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(proof);
  } catch {
    throw new IdentityProofError(`identityProof is not a URL: ${HOW_TO}`);
  }
  const host = stsHostOf(check.region);
  if (
    url.protocol !== 'https:' ||
    url.hostname !== host ||
    url.port !== '' ||
    url.pathname !== '/' ||
    url.username ||
    url.password ||
    url.hash
  ) {
    throw new IdentityProofError(
      `identityProof must be a presigned request to https://${host}/ (this function's region), not ${url.protocol}//${url.host}${url.pathname}`,
    );
  }
  const q = url.searchParams;
  if (q.get('Action') !== 'GetCallerIdentity' || q.get('Version') !== '2011-06-15')
    throw new IdentityProofError(
      'identityProof must be a GetCallerIdentity request (Action=GetCallerIdentity, Version=2011-06-15)',
    );
  if (
    q.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256' ||
    !q.get('X-Amz-Signature') ||
    !q.get('X-Amz-Credential')
  )
    throw new IdentityProofError(`identityProof is not SigV4-presigned: ${HOW_TO}`);
  const signed = (q.get('X-Amz-SignedHeaders') ?? '').split(';');
  if (!signed.includes('host') || !signed.includes(APPROVAL_BINDING_HEADER))
    throw new IdentityProofError(
      `identityProof does not sign ${APPROVAL_BINDING_HEADER}, so it is not bound to this decision: ${HOW_TO}`,
    );
  const expires = Number(q.get('X-Amz-Expires'));
  if (!Number.isInteger(expires) || expires <= 0 || expires > IDENTITY_PROOF_MAX_AGE_SECONDS)
    throw new IdentityProofError(
      `identityProof must expire within ${IDENTITY_PROOF_MAX_AGE_SECONDS} s (X-Amz-Expires=${String(q.get('X-Amz-Expires')).slice(0, 20)})`,
    );
  const signedAt = amzDate(q.get('X-Amz-Date'));
  const now = check.now.getTime();
  if (
    !signedAt ||
    signedAt.getTime() > now + CLOCK_SKEW_MS ||
    signedAt.getTime() + expires * 1000 < now - CLOCK_SKEW_MS
  ) {
    throw new IdentityProofError(
      `identityProof has expired or is dated in the future (X-Amz-Date=${String(q.get('X-Amz-Date')).slice(0, 20)}): ${HOW_TO}`,
    );
  }
  return url;
}

/** The error code in an STS error answer (XML or JSON), for the operator. */
function stsErrorCode(text: string): string {
  return (
    /<Code>([^<]{1,100})<\/Code>/.exec(text)?.[1] ??
    /"Code"\s*:\s*"([^"]{1,100})"/.exec(text)?.[1] ??
    'no error code'
  );
}

/**
 * Sends the proof to STS with the decision's binding header and returns the ARN STS answers with.
 * Throws {@link IdentityProofError} when the proof is malformed, stale, bound to another decision
 * (STS answers SignatureDoesNotMatch) or STS refuses it.
 * @example const approver = await verifyCallerIdentityProof(body.identityProof, approvalBinding(body), { region: 'eu-west-1', now: new Date() })
 */
export async function verifyCallerIdentityProof(
  proof: unknown,
  binding: string,
  check: IdentityProofCheck,
): Promise<string> {
  const url = checkedProofUrl(proof, check);
  const send = check.fetch ?? fetch;
  let response: Response;
  try {
    response = await send(url, {
      method: 'GET',
      headers: { [APPROVAL_BINDING_HEADER]: binding, accept: 'application/json' },
      redirect: 'error',
      signal: AbortSignal.timeout(check.timeoutMs ?? 5000),
    });
  } catch (error) {
    throw new Error(
      `STS (${url.host}) could not be reached to check the approver's identity: ${(error as Error).message}; the approve function needs outbound HTTPS to its regional STS endpoint`,
      { cause: error },
    );
  }
  const text = await response.text();
  if (response.status !== 200) {
    throw new IdentityProofError(
      `STS did not accept the identity proof (HTTP ${response.status}, ${stsErrorCode(text)}): it was made for another decision, by other credentials, or has expired; ${HOW_TO}`,
    );
  }
  let arn: unknown;
  try {
    arn = (
      JSON.parse(text) as {
        GetCallerIdentityResponse?: { GetCallerIdentityResult?: { Arn?: unknown } };
      }
    ).GetCallerIdentityResponse?.GetCallerIdentityResult?.Arn;
  } catch {
    /* reported below */
  }
  if (typeof arn !== 'string' || !arn.startsWith('arn:'))
    throw new Error(`STS answered GetCallerIdentity without an ARN (${text.slice(0, 200)})`);
  return arn;
}
