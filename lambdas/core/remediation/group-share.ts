/**
 * "Never more than N% of an Auto Scaling group or of a node group at once": the facts a
 * precondition reads about the target's group, as one evidence section (`paramedic.group`) that
 * the `group.share` fact parses, so the rule is written in the signals' expression language:
 *
 * ```yaml
 * - id: at-most-a-third-of-the-group
 *   match: { fact: group.share, where: { affectedPercent: { lt: 34 } }, sections: [paramedic.group] }
 *   expect: present
 * ```
 *
 * A target in no group takes out no share of one: `kind=none`, `affectedPercent=0`.
 *
 * A member counts as affected when it is out of service (cordoned, not InService, NotReady) or
 * another execution holds its lease (it is being remediated); the target itself always counts, since
 * the step is about to take it out. Pure: the group and the lease holders come in.
 */
import type { EvidenceSection } from '../evidence/bundle.js';
import type { Target, TargetGroupShare } from '../workflow/model.js';
import type { GroupMembership, TargetGroup } from '../workflow/ports.js';

/** The section the group facts are written to. */
export const GROUP_SECTION = 'paramedic.group';

/**
 * What a precondition can read about a target's group: `affected` counts members out of service or
 * being remediated by another execution, the target included; `affectedPercent` is it as a
 * percentage of `size`, floored to two decimals (one of 3 is 33.33, so `< 34` allows one of 3, not two).
 */
export type GroupShare = Omit<TargetGroupShare, 'target'>;

/**
 * The share of the target's group that would be out of service with it.
 * @param holders the owner of each member's live lease (members absent from it are free).
 * @example groupShare(target, { kind: 'auto-scaling-group', name: 'web', members: ['i-1', 'i-2', 'i-3'], outOfService: {} }, new Map(), 'exec-1').affectedPercent // 33.33
 */
export function groupShare(
  target: Target,
  group: TargetGroup | undefined,
  holders: ReadonlyMap<string, string>,
  executionId: string,
): GroupShare {
  if (!group)
    return { kind: 'none', name: '-', size: 1, affected: 1, affectedPercent: 0, reasons: {} };
  const reasons: Record<string, string> = {};
  for (const member of group.members) {
    const owner = holders.get(member);
    if (member === target.id) reasons[member] = 'this remediation';
    else if (group.outOfService[member]) reasons[member] = group.outOfService[member]!;
    else if (owner && owner !== executionId) reasons[member] = `being remediated by ${owner}`;
  }
  if (!reasons[target.id]) reasons[target.id] = 'this remediation';
  const size = Math.max(group.members.length, 1);
  const affected = Object.keys(reasons).length;
  return {
    kind: group.kind,
    name: group.name,
    size,
    affected,
    affectedPercent: Math.floor((affected * 10_000) / size) / 100,
    reasons,
  };
}

/** One line per fact and one per affected member, for people and for the `group.share` fact. */
export function groupSection(target: Target, share: GroupShare): EvidenceSection {
  const head = `group kind=${share.kind} name=${share.name} size=${share.size} affected=${share.affected} affectedPercent=${share.affectedPercent} target=${target.id}`;
  const members = Object.entries(share.reasons).map(
    ([member, why]) => `  affected ${member}: ${why}`,
  );
  return {
    command: 'paramedic group-membership',
    exitCode: 0,
    output: [head, ...members].join('\n'),
  };
}

/** True when a runbook's preconditions read the group share (only then does Plan look the groups up). */
export function readsGroupShare(preconditions: readonly unknown[] | undefined): boolean {
  return (preconditions ?? []).some((p) => JSON.stringify(p).includes('"group.share"'));
}

/** The first source that knows the target's group (the cluster's node group, then Auto Scaling or the local file). */
export function firstGroupOf(sources: readonly GroupMembership[]): GroupMembership {
  return {
    async groupOf(target) {
      for (const source of sources) {
        const group = await source.groupOf(target);
        if (group) return group;
      }
      return undefined;
    },
  };
}
