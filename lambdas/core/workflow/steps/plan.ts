/** Plan: the runbook's remediation on the eligible targets, with the decision of how (or whether) it may run. */
import pMap from 'p-map';
import { appendAudit, withRunbook } from '../audit-writer.js';
import { runbookOf } from '../runbook-lookup.js';
import { dryRunOnHosts } from '../../remediation/host-dry-run.js';
import type { EvidenceBundle, EvidenceSection } from '../../evidence/bundle.js';
import { historyOf } from '../failure-history.js';
import {
  GROUP_SECTION,
  groupSection,
  groupShare,
  readsGroupShare,
} from '../../remediation/group-share.js';
import { lockKey } from '../dedupe.js';
import type { Plan, Target, TargetGroupShare } from '../model.js';
import { buildPlan } from '../plan.js';
import type { Clock, WorkflowPorts } from '../ports.js';
import { renewLocks } from '../lock-lease.js';
import { STORED_BUNDLES_AT_ONCE } from '../stored-bundle-reads.js';
import { requireState, type TaskInput } from '../task-input.js';

/** evaluatePreconditions of remediation/preconditions.ts, loaded with `import()` when a runbook declares preconditions. */
type PreconditionEvaluator =
  typeof import('../../remediation/preconditions.js').evaluatePreconditions;

/** What Plan uses. */
export type PlanPorts = Pick<
  WorkflowPorts,
  'audit' | 'state' | 'rulebook' | 'config' | 'evidence' | 'commands' | 'locks' | 'groups'
>;

/**
 * Each target's group as it is now (members, who is out of service, whose lease another execution
 * holds), written into its bundle for the group share preconditions. Without the `groups` port the
 * section is left out, so those preconditions cannot decide and hold the target.
 */
async function addGroupSections(
  bundles: Map<string, EvidenceBundle>,
  targets: readonly Target[],
  ports: PlanPorts,
  executionId: string,
): Promise<TargetGroupShare[]> {
  const shares: TargetGroupShare[] = [];
  if (!ports.groups) return shares;
  for (const target of targets) {
    const bundle = bundles.get(target.id);
    if (!bundle) continue;
    let section: EvidenceSection;
    try {
      const group = await ports.groups.groupOf(target);
      const holders = new Map<string, string>();
      for (const member of group?.members ?? []) {
        const owner = await ports.locks.leaseOwner?.(lockKey(member));
        if (owner) holders.set(member, owner);
      }
      const share = groupShare(target, group, holders, executionId);
      shares.push({ target: target.id, ...share });
      section = groupSection(target, share);
    } catch (error) {
      // The group could not be read (API refused, list cut): recorded, and the precondition cannot decide.
      section = {
        command: 'paramedic group-membership',
        exitCode: null,
        output: '',
        error: `group of ${target.id} could not be read: ${(error as Error).message.slice(0, 300)}`,
      };
    }
    bundles.set(target.id, {
      ...bundle,
      sections: { ...bundle.sections, [GROUP_SECTION]: section },
    });
  }
  return shares;
}

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
  const bundles = new Map<string, EvidenceBundle>();
  const groups: TargetGroupShare[] = [];
  let evaluatePreconditions: PreconditionEvaluator | undefined;
  if (runbook && (runbook.remediation.preconditions?.length ?? 0) > 0) {
    // Preconditions compile their patterns (the classifier and its RE2 engine, ~180 KiB bundled):
    // loaded for a runbook that declares some, so Plan's cold start for the others does not load them.
    ({ evaluatePreconditions } = await import('../../remediation/preconditions.js'));
    const planned = new Set(targets.map((t) => t.id));
    const read = (state.collection?.evidence ?? []).filter((e) => e.ref && planned.has(e.target));
    // A fleet's reads overlap, as Classify's do (1,000 GETs one after another are most of a minute).
    const got = await pMap(
      read,
      async (e) => [e.target, await ports.evidence.get(e.ref!)] as const,
      {
        concurrency: STORED_BUNDLES_AT_ONCE,
      },
    );
    for (const [target, bundle] of got) bundles.set(target, bundle);
    if (readsGroupShare(runbook.remediation.preconditions))
      groups.push(...(await addGroupSections(bundles, targets, ports, executionId)));
  }
  const built = buildPlan({
    runbook,
    mode: intake.mode,
    targets,
    history,
    switches: { dryRun, automaticRemediation, documentPrefix },
    now: clock.now(),
    preconditions: (steps) =>
      runbook && evaluatePreconditions ? evaluatePreconditions(runbook, steps, bundles) : [],
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
