/** Plan: the runbook's remediation on the eligible targets, with the decision of how (or whether) it may run. */
import { appendAudit, withRunbook } from '../audit-writer.js';
import { runbookOf } from '../runbook-lookup.js';
import { dryRunOnHosts } from '../../remediation/host-dry-run.js';
import type { TargetPreconditionOutcomes } from '../../remediation/preconditions.js';
import { historyOf } from '../failure-history.js';
import type { Plan, TargetGroupShare } from '../model.js';
import { buildPlan } from '../plan.js';
import { judgeStoredEvidence, type PreconditionsModule } from '../precondition-evidence.js';
import type { Clock, WorkflowPorts } from '../ports.js';
import { renewLocks } from '../lock-lease.js';
import { requireState, type TaskInput } from '../task-input.js';

/** What Plan uses. */
export type PlanPorts = Pick<
  WorkflowPorts,
  'audit' | 'state' | 'rulebook' | 'config' | 'evidence' | 'commands' | 'locks' | 'groups'
>;

/** Plan: an alarm run acts only on the targets whose evidence shows the failure; a manual run on what was asked. */
export async function runPlan(
  { executionId, state }: TaskInput,
  ports: PlanPorts,
  clock: Clock,
): Promise<Plan> {
  const intake = requireState('Plan', state.intake, 'intake');
  // The approval wait comes next: the locks must last through it from here, not from AcquireLock
  // (Collect, Classify and Plan are long Tasks, each throttled Task may wait too).
  await renewLocks(ports, 'Plan', executionId, intake);
  const classification = requireState('Plan', state.classification, 'classification');
  const runbook = runbookOf(ports.rulebook, classification.runbookId);
  const matched = new Set(
    classification.targets
      .filter((t) => t.runbookId === classification.runbookId)
      .map((t) => t.target),
  );
  const targets =
    intake.mode === 'alarm' ? intake.targets.filter((t) => matched.has(t.id)) : intake.targets;
  const history = runbook
    ? await historyOf(
        ports.state,
        runbook.id,
        targets.map((t) => t.id),
      )
    : [];
  const { dryRun, automaticRemediation, documentPrefix } = ports.config;
  // Preconditions read the triage evidence: only fetched when the runbook declares some.
  let judged = new Map<string, TargetPreconditionOutcomes>();
  let groups: TargetGroupShare[] = [];
  let preconditions: PreconditionsModule | undefined;
  if (runbook && (runbook.remediation.preconditions?.length ?? 0) > 0) {
    // Preconditions compile their patterns (the classifier and its RE2 engine, ~180 KiB bundled):
    // loaded for a runbook that declares some, so Plan's cold start for the others does not load them.
    preconditions = await import('../../remediation/preconditions.js');
    ({ judged, groups } = await judgeStoredEvidence(
      preconditions,
      runbook,
      targets,
      state.collection?.evidence ?? [],
      ports,
      executionId,
    ));
  }
  const built = buildPlan({
    runbook,
    mode: intake.mode,
    targets,
    history,
    switches: { dryRun, automaticRemediation, documentPrefix },
    now: clock.now(),
    preconditions: (steps) =>
      runbook && preconditions ? preconditions.evaluatePreconditions(runbook, steps, judged) : [],
  });
  // A dry run asks the hosts what they would change (each action script's own dry run); a replay has no hosts to ask.
  const withGroups = groups.length > 0 ? { ...built, groups } : built;
  const plan =
    withGroups.decision === 'dry-run' && !intake.replay
      ? {
          ...withGroups,
          hostDryRun: await dryRunOnHosts(withGroups.steps, targets, ports.commands, clock),
        }
      : withGroups;
  await appendAudit(
    ports,
    clock,
    executionId,
    intake,
    'planned',
    { plan },
    withRunbook(plan.runbookId),
  );
  if (plan.preconditions?.length)
    await appendAudit(
      ports,
      clock,
      executionId,
      intake,
      'preconditions',
      {
        results: plan.preconditions,
        held: plan.held.filter((h) => h.reason.startsWith('precondition ')),
        ...(plan.groups ? { groups: plan.groups } : {}),
      },
      withRunbook(plan.runbookId),
    );
  return plan;
}
