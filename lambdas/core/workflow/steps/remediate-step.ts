/**
 * RemediateStep: one planned step per invocation (the state machine loops), run by the executor of
 * its action target. A failure of the step is an outcome, never an exception: it stops the loop
 * and counts towards the target's repeated-failure guard.
 */
import { appendAudit, withRunbook } from '../audit-writer.js';
import { cooldownKey } from '../dedupe.js';
import { recordFailure } from '../failure-history.js';
import type { RemediationProgress } from '../model.js';
import type { Clock, WorkflowPorts } from '../ports.js';
import { actingDeadline } from '../acting-deadline.js';
import { endActing, renewLocks } from '../lock-lease.js';
import { executeStep, executorsOf } from '../step-execution.js';
import { publishStatus } from '../status-events.js';
import { requireState, type TaskInput } from '../task-input.js';

/** What RemediateStep uses. */
export type RemediateStepPorts = Pick<
  WorkflowPorts,
  'audit' | 'state' | 'locks' | 'commands' | 'notifier' | 'executors' | 'events' | 'config'
>;

/** How long a runbook's last remediation is remembered for its cooldown guard, seconds. */
const COOLDOWN_RETENTION_SECONDS = 7 * 24 * 3600;

/** RemediateStep: runs `plan.steps[nextStep]` and returns the progress of the loop. */
export async function runRemediateStep(
  { executionId, state }: TaskInput,
  ports: RemediateStepPorts,
  clock: Clock,
): Promise<RemediationProgress> {
  const intake = requireState('RemediateStep', state.intake, 'intake');
  const plan = requireState('RemediateStep', state.plan, 'plan');
  const progress: RemediationProgress = state.remediation ?? {
    nextStep: 0,
    done: plan.steps.length === 0,
    failed: false,
    outcomes: [],
  };
  const step = plan.steps[progress.nextStep];
  if (!step || progress.failed) return { ...progress, done: true };
  // Before changing anything: the lock must still be ours, and it must last through this step. Its
  // targets' locks are marked acting until the action's deadline: stopping the execution does not
  // stop this invocation nor its commands, so no release may free them while the action can run.
  const acting = {
    targets: new Set(step.invocations.map((inv) => inv.target)),
    until: actingDeadline(step, clock.now()),
  };
  await renewLocks(ports, 'RemediateStep', executionId, intake, acting);
  if (progress.nextStep === 0 && plan.runbookId) {
    for (const t of plan.targets)
      await ports.state.put(
        cooldownKey(plan.runbookId, t),
        { at: clock.now().toISOString(), executionId },
        COOLDOWN_RETENTION_SECONDS,
      );
  }
  const outcomes = await executeStep(step, intake.targets, executionId, executorsOf(ports, clock));
  const releasedAfterAction = await endActing(ports, executionId, [...acting.targets]);
  const failed = outcomes.some((o) => o.status === 'failed');
  for (const o of outcomes)
    if (o.status === 'failed') await recordFailure(ports.state, clock, o.target, executionId);
  await appendAudit(
    ports,
    clock,
    executionId,
    intake,
    'step',
    {
      step: step.index,
      action: step.action,
      document: step.document ?? null,
      outcomes,
      ...(releasedAfterAction.length ? { releasedAfterAction } : {}),
    },
    withRunbook(plan.runbookId),
  );
  const nextStep = progress.nextStep + 1;
  const done = failed || nextStep >= plan.steps.length;
  if (done && !failed)
    await publishStatus(ports, clock, executionId, intake, 'remediated', {
      runbookId: plan.runbookId,
      summary: `${plan.steps.map((s) => s.action).join(', ')} ran on ${plan.targets.join(', ')}`,
    });
  return {
    nextStep,
    done,
    failed,
    outcomes: [...progress.outcomes, ...outcomes],
    ...(done ? { finishedAt: clock.now().toISOString() } : {}),
  };
}
