/**
 * A runbook by id. Its own file: the steps that only look a runbook up (Intake, Plan) then have no
 * static path to the classifier and its regex engine through stored-classification.ts.
 */
import type { CompiledRulebook } from '../classify/compile.js';
import type { Runbook } from '../runbook/model.js';

/** A runbook by id (the rulebook is small: a scan is cheaper than keeping an index in sync). */
export function runbookOf(
  rulebook: Pick<CompiledRulebook, 'runbooks'>,
  id: string | null | undefined,
): Runbook | undefined {
  return id ? rulebook.runbooks.find((r) => r.id === id) : undefined;
}
