/** Host-side dry run: every host step of a plan runs its script's own dry run on its targets (SSM on AWS, the local runner locally). */
import type { PlannedStep, StepOutcome, Target } from '../workflow/model.js';
import type { Clock, CommandRunner } from '../workflow/ports.js';
import { documentExecutor } from './document-executor.js';

/**
 * The outcome of each host step's dry run, in plan order; `detail` holds what the script printed it
 * would change. Steps without a document (Kubernetes, AWS API, report) have no host to ask.
 * @example await dryRunOnHosts(plan.steps, targets, commands, clock)
 */
export async function dryRunOnHosts(
  steps: readonly PlannedStep[],
  targets: readonly Target[],
  commands: CommandRunner,
  clock: Clock,
): Promise<StepOutcome[]> {
  const executor = documentExecutor(commands, clock, 600, { dryRun: true });
  const outcomes: StepOutcome[] = [];
  for (const step of steps.filter((s) => s.document)) {
    const on = targets.filter((t) => step.invocations.some((inv) => inv.target === t.id));
    outcomes.push(...(await executor.execute(step, on, { executionId: 'dry-run' })));
  }
  return outcomes;
}
