/**
 * Intake's early warning about instances without the managed tag. SendCommand's grant requires the
 * tag, so IAM denies every command to such an instance; without this check an operator learns it
 * only when Collect's results come back denied. An instance EC2 does not find where the check
 * looked (another account or region than the alarm's, a mistyped --target, an instance gone) is
 * named apart: it is neither tagged nor untagged, and SendCommand will refuse it. The check only
 * reports: it drops no target and fails no run, and SendCommand's isolation of denied instances
 * (send-command-rejection.ts) still decides. A check that cannot run (throttled, denied) says it
 * was skipped and why.
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
  /** Those EC2 does not describe where they were looked up, or describes as terminated. */
  readonly notFound: readonly string[];
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

/** Up to SHOWN ids, then how many more. */
function listed(ids: readonly string[]): string {
  const more = ids.length > SHOWN ? ` and ${ids.length - SHOWN} more` : '';
  return `${ids.slice(0, SHOWN).join(', ')}${more}`;
}

/** `location` as the operator reads it. */
const whereOf = (location?: TargetLocation): string =>
  location ? `${location.account}/${location.region}` : "the deployment's own account/region";

interface Findings {
  readonly tag: string;
  readonly checked: number;
  readonly tagged: number;
  readonly untagged: readonly string[];
  readonly notFound: readonly string[];
  /** Where the not-found ids were looked up, in first-seen order. */
  readonly notFoundWhere: readonly string[];
  readonly skipped?: string;
}

function messageOf(f: Findings): string {
  const parts: string[] = [];
  if (f.untagged.length)
    parts.push(
      `${f.untagged.length} of ${f.checked} instance target(s) lack the managed tag ${f.tag} (${listed(f.untagged)}): SendCommand will be denied on them and Collect sets them apart; tag them, see ${MANAGED_TAG_PREREQUISITE}`,
    );
  if (f.notFound.length)
    parts.push(
      `${f.notFound.length} of ${f.checked} instance target(s) were not found in ${f.notFoundWhere.join(', ')} (${listed(f.notFound)}; not described, or terminated): SendCommand will refuse them; check that the alarm's account and region are where the instances run and that the target ids are right`,
    );
  if (f.skipped)
    parts.push(
      `the managed tag check was skipped (${f.skipped}); an instance without the tag ${f.tag} fails at Collect, see ${MANAGED_TAG_PREREQUISITE}`,
    );
  if (!parts.length)
    parts.push(`all ${f.tagged} instance target(s) carry the managed tag ${f.tag}`);
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
  const notFound: string[] = [];
  const notFoundWhere: string[] = [];
  const skips: string[] = [];
  let tagged = 0;
  for (const { location, ids } of groups) {
    try {
      const found = await directory.lookUp(ids, location);
      untagged.push(...found.untagged);
      notFound.push(...found.notFound);
      if (found.notFound.length) notFoundWhere.push(whereOf(location));
      tagged += ids.length - found.untagged.length - found.notFound.length;
    } catch (error) {
      const where = location ? ` in ${location.account}/${location.region}` : '';
      skips.push(`DescribeInstances${where} failed: ${wording.line(error)}`);
    }
  }
  const skipped = skips.length ? skips.join('; ') : undefined;
  const findings = { tag: directory.tag, checked, tagged, untagged, notFound, notFoundWhere };
  return {
    tag: directory.tag,
    checked,
    untagged,
    notFound,
    ...(skipped ? { skipped } : {}),
    message: messageOf({ ...findings, ...(skipped ? { skipped } : {}) }),
  };
}
