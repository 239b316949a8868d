/**
 * Who started a manual run, as authenticated by the medium that started it, never as the input
 * says. A manual input's `invokedBy` is a claim anyone who may call StartExecution (or put a run
 * request on the bus) can write; the audit actor comes from this port instead, and the claim is
 * kept beside it as `requestedBy` so a mismatch is visible in the trail.
 */

/** The authenticated principal of an execution (local: the OS user; AWS: see handlers/caller-identity). */
export interface CallerIdentity {
  /** `user:<name>` locally, `iam:…` on AWS; never derived from the execution's input. */
  authenticatedActor(executionId: string): Promise<string>;
}

/** The actor when no identity port is wired: recorded as such, never replaced by the claim. */
export const UNAUTHENTICATED_ACTOR = 'unauthenticated';

/** The audit actor of a manual run, and the input's claim when it says someone else. */
export async function manualRunActor(
  caller: CallerIdentity | undefined,
  executionId: string,
  claim: string,
): Promise<{ actor: string; requestedBy: string }> {
  const actor = caller ? await caller.authenticatedActor(executionId) : UNAUTHENTICATED_ACTOR;
  return { actor, requestedBy: claim };
}
