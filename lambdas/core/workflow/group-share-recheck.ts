/**
 * The group share preconditions judged again when a step is about to act, on the target's group as
 * it is then. Plan judged them before the approval wait, which lasts up to days: members that went
 * out of service (NotReady, Standby, cordoned) or that another execution took meanwhile would
 * otherwise not be seen, and an approved step would take more of the group out at once than the
 * precondition allows. Only the preconditions that read the group share are judged again: the others
 * read the triage evidence, which is what it was at Plan (it is not collected again).
 */
import pMap from 'p-map';
import { EVIDENCE_SCHEMA } from '../evidence/bundle.js';
import { GROUP_SECTION, readsGroupShare } from '../remediation/group-share.js';
import { preconditionHold } from '../remediation/precondition-hold.js';
import type { TargetPreconditionOutcomes } from '../remediation/preconditions.js';
import type { Runbook } from '../runbook/model.js';
import type { Plan, PlannedStep, PreconditionResult, Target, TargetGroupShare } from './model.js';
import { groupEvidence, type PreconditionsModule } from './precondition-evidence.js';
import type { WorkflowPorts } from './ports.js';
import { STORED_BUNDLES_AT_ONCE } from './stored-bundle-reads.js';

/** What the re-check reads: the targets' groups and their members' leases. */
export type GroupShareRecheckPorts = Pick<WorkflowPorts, 'locks' | 'groups'>;

/** The step's group share preconditions as judged now, and the targets they hold (none: the step may act). */
export interface GroupShareRecheck {
  readonly results: readonly PreconditionResult[];
  readonly held: Plan['held'];
  readonly groups: readonly TargetGroupShare[];
}

/** True when some precondition of the runbook reads the group share: only then is the evaluator loaded to re-check. */
export function needsGroupShareRecheck(runbook: Runbook | undefined): runbook is Runbook {
  return readsGroupShare(runbook?.remediation.preconditions);
}

/**
 * Judges the group share preconditions guarding `step` on each of its targets' groups as they are
 * now, with the same reading of the group (groupEvidence) and the same evaluator as Plan. Without
 * the `groups` port the preconditions cannot decide and hold the target, as at Plan.
 * @example const { held } = await recheckGroupShare(await import('../remediation/preconditions.js'), runbook, step, intake.targets, ports, executionId);
 */
export async function recheckGroupShare(
  module: PreconditionsModule,
  runbook: Runbook,
  step: PlannedStep,
  known: readonly Target[],
  ports: GroupShareRecheckPorts,
  executionId: string,
  collectedAt: string,
): Promise<GroupShareRecheck> {
  const guarding = module.preconditionsOf(runbook, step).filter((p) => readsGroupShare([p]));
  if (guarding.length === 0) return { results: [], held: [], groups: [] };
  const rechecked: Runbook = {
    ...runbook,
    remediation: { ...runbook.remediation, preconditions: guarding },
  };
  const judge = module.preconditionJudge(rechecked);
  const targets = step.invocations
    .map((inv) => known.find((t) => t.id === inv.target))
    .filter((t): t is Target => t !== undefined);
  const judgedTargets = await pMap(
    targets,
    async (target) => {
      const read = ports.groups
        ? await groupEvidence(target, ports.groups, ports.locks, executionId)
        : undefined;
      // The group section alone, as the runbooks write these preconditions (`sections: [paramedic.group]`);
      // one that also read a triage section would find it missing and hold the target, never pass it.
      const outcomes: TargetPreconditionOutcomes = judge({
        schema: EVIDENCE_SCHEMA,
        target: { platform: target.platform, instanceId: target.instanceId ?? null },
        collectedAt,
        sections: read ? { [GROUP_SECTION]: read.section } : {},
      });
      return { target: target.id, outcomes, share: read?.share };
    },
    { concurrency: STORED_BUNDLES_AT_ONCE },
  );
  const results = module.evaluatePreconditions(
    rechecked,
    [step],
    new Map(judgedTargets.map((j) => [j.target, j.outcomes])),
  );
  const held = targets.flatMap((t) => {
    const reason = preconditionHold(results, t.id);
    return reason ? [{ target: t.id, reason }] : [];
  });
  return {
    results,
    held,
    groups: judgedTargets.flatMap((j) => (j.share ? [j.share] : [])),
  };
}
