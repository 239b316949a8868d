/**
 * The running invocation's deadline, for adapters built once per cold start (the SSM runner stops
 * polling and cancels what still runs by then). A Lambda container runs one invocation at a time,
 * so one value per module is the current invocation's.
 */

/** Time kept back from the Lambda's remaining time to cancel commands, record the outcome and return. */
export const DEADLINE_MARGIN_MS = 30_000;

let deadlineMs: number | undefined;

/** Called by the task handler at the start of each invocation. */
export function startInvocation(
  context: { getRemainingTimeInMillis(): number } | undefined,
  now: number = Date.now(),
): void {
  deadlineMs =
    context && typeof context.getRemainingTimeInMillis === 'function'
      ? now + Math.max(0, context.getRemainingTimeInMillis() - DEADLINE_MARGIN_MS)
      : undefined;
}

/** Epoch ms by which the current invocation must wrap up, or undefined outside a Lambda invocation. */
export function invocationDeadline(): number | undefined {
  return deadlineMs;
}
