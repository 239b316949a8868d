/**
 * RemediateStep: one planned step per invocation (the state machine loops), run by the executor of
 * its action target. A failure of the step is an outcome, never an exception: it stops the loop
 * and counts towards the target's repeated-failure guard. An exception (a lost lock, a throttled
 * write) goes to Escalate, which undoes what the run changed before people are told.
 */
import { appendAudit, withRunbook } from '../audit-writer.js';
import { cooldownKey } from '../dedupe.js';
import { recordFailure } from '../failure-history.js';
import type { RemediationProgress } from '../model.js';
import type { Clock, WorkflowPorts } from '../ports.js';
import { renewLocks } from '../lock-lease.js';
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
  // Before changing anything: the lock must still be ours, and it must last through this step.
  await renewLocks(ports, 'RemediateStep', executionId, intake);
  if (progress.nextStep === 0 && plan.runbookId) {
    for (const t of plan.targets)
      await ports.state.put(
        cooldownKey(plan.runbookId, t),
        { at: clock.now().toISOString(), executionId },
        COOLDOWN_RETENTION_SECONDS,
      );
  }
  // The intent before the act: if the `step` entry below is never written (a throttled append, the
  // Lambda killed mid-action), the trail still names what may have run, and Escalate's rollback
  // undoes it when it has an inverse (rollback-run.ts).
  await appendAudit(
    ports,
    clock,
    executionId,
    intake,
    'step-started',
    {
      step: step.index,
      action: step.action,
      document: step.document ?? null,
      targets: step.invocations.map((inv) => inv.target),
    },
    withRunbook(plan.runbookId),
  );
  const outcomes = await executeStep(step, intake.targets, executionId, executorsOf(ports, clock));
  const failed = outcomes.some((o) => o.status === 'failed');
  for (const o of outcomes)
    if (o.status === 'failed') await recordFailure(ports.state, clock, o.target, executionId);
  await appendAudit(
    ports,
    clock,
    executionId,
    intake,
    'step',
    { step: step.index, action: step.action, document: step.document ?? null, outcomes },
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
