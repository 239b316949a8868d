/**
 * What binds an approver's identity proof to one decision. The proof is a presigned STS
 * GetCallerIdentity request (the scheme EKS tokens and Vault's AWS auth use): only the holder of the
 * principal's credentials can make one, the approve function learns the principal by sending it to
 * STS, and because the request signs this header, a proof made for one decision proves nothing for
 * another execution or the opposite answer.
 */

/** The signed header that carries the decision a proof was made for. */
export const APPROVAL_BINDING_HEADER = 'x-paramedic-approval';

/** How long a proof stays valid after it was signed (the CLI signs it just before it posts). */
export const IDENTITY_PROOF_MAX_AGE_SECONDS = 120;

/**
 * The value of the binding header for one decision.
 * @example approvalBinding({ executionId: 'arn:aws:states:eu-west-1:123456789012:execution:Wf:abc', approved: true }) // 'approve arn:aws:states:…:abc'
 */
export function approvalBinding(decision: {
  readonly executionId: string;
  readonly approved: boolean;
}): string {
  return `${decision.approved ? 'approve' : 'reject'} ${decision.executionId}`;
}

/**
 * The regional STS endpoint a proof must be signed for: the approve function's own region, so a
 * proof never makes the function call any other host.
 * @example stsHostOf('eu-west-1') // 'sts.eu-west-1.amazonaws.com'
 */
export function stsHostOf(region: string): string {
  return `sts.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;
}
