/**
 * RemediateStep: one planned step per invocation (the state machine loops), run by the executor of
 * its action target. A failure of the step is an outcome, never an exception: it stops the loop
 * and counts towards the target's repeated-failure guard. An exception (a lost lock, a throttled
 * write) goes to Escalate, which undoes what the run changed before people are told. Before acting,
 * the step's group share preconditions are judged again on the groups as they are now
 * (group-share-recheck.ts): a target they hold stops the loop before anything of the step runs,
 * and the run escalates.
 */
import { appendAudit, withRunbook } from '../audit-writer.js';
import { cooldownKey } from '../dedupe.js';
import { recordFailure } from '../failure-history.js';
import type {
  IntakeResult,
  Plan,
  PlannedStep,
  RemediationProgress,
  StepOutcome,
} from '../model.js';
import type { Clock, WorkflowPorts } from '../ports.js';
import { actingDeadline } from '../acting-deadline.js';
import { endActing, renewLocks } from '../lock-lease.js';
import { executeStep, executorsOf } from '../step-execution.js';
import { needsGroupShareRecheck, recheckGroupShare } from '../group-share-recheck.js';
import { runbookOf } from '../runbook-lookup.js';
import { publishStatus } from '../status-events.js';
import { requireState, type TaskInput } from '../task-input.js';

/** What RemediateStep uses. */
export type RemediateStepPorts = Pick<
  WorkflowPorts,
  | 'audit'
  | 'state'
  | 'locks'
  | 'commands'
  | 'notifier'
  | 'executors'
  | 'events'
  | 'config'
  | 'rulebook'
  | 'groups'
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
  // The group share judged again on the groups as they are now (a step it holds runs nothing),
  // before the lock is marked acting.
  const held = await heldNow(executionId, intake, plan, step, ports, clock);
  if (held.length > 0) {
    // The run escalates next, and its rollback needs the lock: renewed, not marked acting.
    await renewLocks(ports, 'RemediateStep', executionId, intake);
    return stoppedByPreconditions(progress, step, held, clock);
  }
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

/**
 * The targets of `step` its group share preconditions hold now, recorded in the trail (a
 * `preconditions` entry with the groups as read now, then the step's `skipped` outcomes) when there
 * are any. The approval wait between Plan and here lasts up to days: Plan's reading is stale.
 */
async function heldNow(
  executionId: string,
  intake: IntakeResult,
  plan: Plan,
  step: PlannedStep,
  ports: RemediateStepPorts,
  clock: Clock,
): Promise<Plan['held']> {
  const runbook = runbookOf(ports.rulebook, plan.runbookId);
  if (!needsGroupShareRecheck(runbook)) return [];
  // The evaluator compiles patterns (classifier, RE2): loaded only for a runbook with a group share precondition.
  const recheck = await recheckGroupShare(
    await import('../../remediation/preconditions.js'),
    runbook,
    step,
    intake.targets,
    ports,
    executionId,
    clock.now().toISOString(),
  );
  if (recheck.held.length === 0) return [];
  await appendAudit(
    ports,
    clock,
    executionId,
    intake,
    'preconditions',
    { results: recheck.results, held: recheck.held, groups: recheck.groups },
    withRunbook(plan.runbookId),
  );
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
      outcomes: heldOutcomes(step, recheck.held),
    },
    withRunbook(plan.runbookId),
  );
  return recheck.held;
}

/**
 * The step's outcomes when a precondition holds some of its targets: nothing of it runs, on any
 * target. The approval (or the automatic decision) was for the plan as a whole, and Verify and the
 * rollback judge the plan's targets as a whole: acting on part of them is a person's decision.
 */
function heldOutcomes(step: PlannedStep, held: Plan['held']): StepOutcome[] {
  const reasons = new Map(held.map((h) => [h.target, h.reason]));
  return step.invocations.map((inv) => ({
    step: step.index,
    action: step.action,
    target: inv.target,
    status: 'skipped',
    detail: reasons.has(inv.target)
      ? `held when the step was to act: ${reasons.get(inv.target)}`.slice(0, 1000)
      : `not run: ${held.map((h) => h.target).join(', ')} held by a precondition when the step was to act`.slice(
          0,
          1000,
        ),
  }));
}

/** The loop stopped before `step` (Escalate undoes the completed steps and says which precondition held what). */
function stoppedByPreconditions(
  progress: RemediationProgress,
  step: PlannedStep,
  held: Plan['held'],
  clock: Clock,
): RemediationProgress {
  return {
    nextStep: progress.nextStep,
    done: true,
    failed: true,
    held,
    outcomes: [...progress.outcomes, ...heldOutcomes(step, held)],
    finishedAt: clock.now().toISOString(),
  };
}
