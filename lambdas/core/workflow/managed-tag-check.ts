/**
 * Intake's early warning about instances without the managed tag. SendCommand's grant requires the
 * tag, so IAM denies every command to such an instance; without this check an operator learns it
 * only when Collect's results come back denied. The check only reports: it drops no target and
 * fails no run, and SendCommand's isolation of denied instances (send-command-rejection.ts) still
 * decides. A check that cannot run (throttled, denied) says it was skipped and why.
 */
import type { Target } from './model.js';
import type { ErrorWording, ManagedTagDirectory, TargetLocation } from './ports.js';
import { INSTANCE_ID_PATTERN } from './targets.js';
import { locationPrefix, targetLocation } from './target-location.js';

/** Where the operator reads how to tag an instance. */
export const MANAGED_TAG_PREREQUISITE = 'README Prerequisites 2 "The managed tag"';

/** Instance ids shown in the one-line message; the audit entry lists them all. */
const SHOWN = 10;

/** What the check found, as the `triggered` entry records it. */
export interface ManagedTagCheck {
  /** The tag, `key=value`. */
  readonly tag: string;
  /** Instance targets looked up. */
  readonly checked: number;
  /** Those EC2 describes without the tag (target ids: a run's ids are unique whatever account they are in). */
  readonly untagged: readonly string[];
  /** Why (part of) the check did not run, when it did not. */
  readonly skipped?: string;
  /** One line for the operator: what lacks the tag and what to do, or why the check was skipped. */
  readonly message: string;
}

/** The instance targets, grouped by where they live ('' for the deployment's own account and region). */
function instancesByLocation(
  targets: readonly Target[],
): Map<string, { location?: TargetLocation; ids: string[] }> {
  const groups = new Map<string, { location?: TargetLocation; ids: string[] }>();
  for (const t of targets) {
    const id = t.instanceId ?? t.id;
    if (!INSTANCE_ID_PATTERN.test(id)) continue;
    const location = targetLocation(t);
    const key = locationPrefix(location);
    const group = groups.get(key) ?? { ...(location ? { location } : {}), ids: [] };
    if (!group.ids.includes(id)) group.ids.push(id);
    groups.set(key, group);
  }
  return groups;
}

function messageOf(tag: string, checked: number, untagged: readonly string[], skipped?: string) {
  const parts: string[] = [];
  if (untagged.length) {
    const more = untagged.length > SHOWN ? ` and ${untagged.length - SHOWN} more` : '';
    parts.push(
      `${untagged.length} of ${checked} instance target(s) lack the managed tag ${tag} (${untagged.slice(0, SHOWN).join(', ')}${more}): SendCommand will be denied on them and Collect sets them apart; tag them, see ${MANAGED_TAG_PREREQUISITE}`,
    );
  }
  if (skipped)
    parts.push(
      `the managed tag check was skipped (${skipped}); an instance without the tag ${tag} fails at Collect, see ${MANAGED_TAG_PREREQUISITE}`,
    );
  if (!parts.length) parts.push(`all ${checked} instance target(s) carry the managed tag ${tag}`);
  return parts.join('; ');
}

/**
 * Looks the instance targets up; undefined when there is nothing to check (no port, no instance).
 * @example const check = await checkManagedTag(targets, ports.managedTags, ports.errorWording)
 */
export async function checkManagedTag(
  targets: readonly Target[],
  directory: ManagedTagDirectory | undefined,
  wording: ErrorWording,
): Promise<ManagedTagCheck | undefined> {
  if (!directory) return undefined;
  const groups = [...instancesByLocation(targets).values()];
  const checked = groups.reduce((n, g) => n + g.ids.length, 0);
  if (checked === 0) return undefined;
  const untagged: string[] = [];
  const skips: string[] = [];
  for (const { location, ids } of groups) {
    try {
      const found = await directory.untagged(ids, location);
      untagged.push(...found);
    } catch (error) {
      const where = location ? ` in ${location.account}/${location.region}` : '';
      skips.push(`DescribeInstances${where} failed: ${wording.line(error)}`);
    }
  }
  const skipped = skips.length ? skips.join('; ') : undefined;
  return {
    tag: directory.tag,
    checked,
    untagged,
    ...(skipped ? { skipped } : {}),
    message: messageOf(directory.tag, checked, untagged, skipped),
  };
}
