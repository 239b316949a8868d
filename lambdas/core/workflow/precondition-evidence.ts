/**
 * The evidence Plan judges a runbook's preconditions on: each planned target's stored triage bundle,
 * with its group section when the preconditions read the group share. Its own file so Plan's step
 * reads as the step; the preconditions module itself (classifier, RE2) comes in as an argument,
 * loaded with `import()` by Plan only for a runbook that declares preconditions.
 */
import pMap from 'p-map';
import type { EvidenceSection } from '../evidence/bundle.js';
import {
  GROUP_SECTION,
  groupSection,
  groupShare,
  readsGroupShare,
} from '../remediation/group-share.js';
import type { TargetPreconditionOutcomes } from '../remediation/preconditions.js';
import type { Runbook } from '../runbook/model.js';
import { lockKey } from './dedupe.js';
import type { CollectedEvidence, EvidenceRef, Target, TargetGroupShare } from './model.js';
import type { GroupMembership, LockStore, WorkflowPorts } from './ports.js';
import { STORED_BUNDLES_AT_ONCE } from './stored-bundle-reads.js';

/** remediation/preconditions.ts, which Plan loads with `import()` when a runbook declares preconditions. */
export type PreconditionsModule = typeof import('../remediation/preconditions.js');

/** What judging the stored evidence reads: the bundles, the groups and their members' leases. */
export type PreconditionEvidencePorts = Pick<WorkflowPorts, 'evidence' | 'locks' | 'groups'>;

/**
 * The target's group as it is now (members, who is out of service, whose lease another execution
 * holds), as the evidence section the group share preconditions read. A group that cannot be read
 * becomes an error section, which no such precondition accepts: the target is held. Plan reads it
 * here, and RemediateStep again before it acts (group-share-recheck.ts).
 */
export async function groupEvidence(
  target: Target,
  groups: GroupMembership,
  locks: LockStore,
  executionId: string,
): Promise<{ section: EvidenceSection; share?: TargetGroupShare }> {
  try {
    const group = await groups.groupOf(target);
    const holders = new Map<string, string>();
    for (const member of group?.members ?? []) {
      const owner = await locks.leaseOwner?.(lockKey(member));
      if (owner) holders.set(member, owner);
    }
    const share = groupShare(target, group, holders, executionId);
    return { section: groupSection(target, share), share: { target: target.id, ...share } };
  } catch (error) {
    // The group could not be read (API refused, list cut): recorded, and the precondition holds the target.
    return {
      section: {
        command: 'paramedic group-membership',
        exitCode: null,
        output: '',
        error: `group of ${target.id} could not be read: ${(error as Error).message.slice(0, 300)}`,
      },
    };
  }
}

/**
 * Each planned target's stored triage evidence judged on every precondition of the runbook, with
 * its group section added first when the preconditions read the group share (and the `groups` port
 * is there; without it they cannot decide and hold the target). A bundle is let go once judged, so
 * Plan holds at most {@link STORED_BUNDLES_AT_ONCE} of them (up to 1 MiB each) whatever the fleet;
 * only the outcomes (a few lines each) stay.
 */
export async function judgeStoredEvidence(
  module: PreconditionsModule,
  runbook: Runbook,
  targets: readonly Target[],
  evidence: readonly CollectedEvidence[],
  ports: PreconditionEvidencePorts,
  executionId: string,
): Promise<{ judged: Map<string, TargetPreconditionOutcomes>; groups: TargetGroupShare[] }> {
  // Compiled once for the fleet, not per target.
  const judge = module.preconditionJudge(runbook);
  const groups = readsGroupShare(runbook.remediation.preconditions) ? ports.groups : undefined;
  // A target stored more than once is judged on its last bundle.
  const refs = new Map<string, EvidenceRef>();
  for (const e of evidence) if (e.ref) refs.set(e.target, e.ref);
  // A fleet's reads overlap, as Classify's do (1,000 GETs one after another are most of a minute).
  const judgedTargets = await pMap(
    targets.filter((t) => refs.has(t.id)),
    async (target) => {
      const bundle = await ports.evidence.get(refs.get(target.id)!);
      if (!groups) return { target: target.id, outcomes: judge(bundle) };
      const { section, share } = await groupEvidence(target, groups, ports.locks, executionId);
      const outcomes = judge({
        ...bundle,
        sections: { ...bundle.sections, [GROUP_SECTION]: section },
      });
      return { target: target.id, outcomes, share };
    },
    { concurrency: STORED_BUNDLES_AT_ONCE },
  );
  return {
    judged: new Map(judgedTargets.map((j) => [j.target, j.outcomes])),
    // In the targets' order, as the plan lists them.
    groups: judgedTargets.flatMap((j) => (j.share ? [j.share] : [])),
  };
}
