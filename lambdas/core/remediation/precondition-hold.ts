/**
 * Why a target is held by its precondition results. Apart from preconditions.ts, which compiles
 * the patterns (the classifier and its regex engine): planning reads the results through this file
 * and loads the evaluator only for a runbook that declares preconditions.
 */
import type { PreconditionResult } from '../workflow/model.js';

/** Why a target is held by its failed preconditions, or undefined when every one held. */
export function preconditionHold(
  results: readonly PreconditionResult[],
  target: string,
): string | undefined {
  const failed = results.filter((r) => r.target === target && r.held !== true);
  if (failed.length === 0) return undefined;
  const ids = [
    ...new Set(
      failed.map(
        (r) =>
          `${r.id} (${r.held === null ? 'evidence cannot decide' : 'not met'}: ${r.description})`,
      ),
    ),
  ];
  return `precondition ${ids.join('; ')}`;
}
