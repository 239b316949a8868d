/**
 * The one target grammar and the one alarm -> targets resolver. The CLI (`run --target`,
 * `triage --alarm`), the console API, the Intake step and manual runs all read targets here, so a
 * string one of them accepts is a string all of them accept, meaning the same hosts.
 *
 * Grammar of a target string:
 * - `local`: this machine (the local command runner);
 * - `i-0123456789abcdef0`: an EC2 instance;
 * - `asg:<group name>`: every instance of an Auto Scaling group;
 * - `eks:<cluster>/<node>`: an EKS node (its instance is looked up when not given);
 * - `ip-10-0-1-23.ec2.internal`, `ip-10-0-1-23.eu-west-1.compute.internal`: an EC2 private DNS name
 *   (the name EKS gives its nodes), looked up to its instance;
 * - any of the AWS forms after `aws://<account>/<region>/`: that target in a spoke account
 *   (target-location.ts); an alarm's targets take the alarm event's account and region.
 */
import type { Platform } from '../evidence/bundle.js';
import { normalizeAlarmEvent } from './alarm-event.js';
import type { Target } from './model.js';
import type { TargetDirectory, TargetLocation } from './ports.js';
import { locationPrefix, splitLocation } from './target-location.js';

/** Where a run points, before groups and names are expanded into instances; `location` when it is in a spoke account. */
export type TargetSpec = (
  | { readonly kind: 'local'; readonly platform: Platform }
  | { readonly kind: 'instance'; readonly instanceId: string; readonly platform: Platform }
  | { readonly kind: 'auto-scaling-group'; readonly name: string; readonly platform: Platform }
  | {
      readonly kind: 'eks-node';
      readonly cluster: string;
      readonly node: string;
      readonly instanceId?: string;
    }
  | { readonly kind: 'private-dns'; readonly name: string; readonly platform: Platform }
) & { readonly location?: TargetLocation };

/** EC2 instance ids. */
export const INSTANCE_ID_PATTERN = /^i-[0-9a-f]{8,17}$/;
/** Kubernetes node names (RFC 1123 subdomain). */
export const NODE_NAME_PATTERN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
/** EKS cluster names. */
export const CLUSTER_NAME_PATTERN = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;
/** Auto Scaling group names as we accept them (API data only, never a shell). */
export const ASG_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:@+=/-]{0,254}$/;
/** EC2 private DNS names: `ip-10-0-1-23.ec2.internal` (us-east-1) or `ip-10-0-1-23.<region>.compute.internal`. */
export const PRIVATE_DNS_PATTERN =
  /^ip-(\d{1,3}-){3}\d{1,3}\.(ec2|[a-z]{2}(-[a-z]+)+-\d\.compute)\.internal$/;

/** The accepted forms, for error messages and help texts. */
export const TARGET_GRAMMAR =
  'local, i-<instance id>, asg:<group>, eks:<cluster>/<node>, or an EC2 private DNS name (ip-10-0-1-23.ec2.internal), each but local optionally after aws://<account>/<region>/';

/** A target string outside the grammar; the message is one line naming the grammar. */
export class TargetGrammarError extends Error {
  constructor(readonly target: string) {
    super(`target ${JSON.stringify(target.slice(0, 80))} is not one of: ${TARGET_GRAMMAR}`);
    this.name = 'TargetGrammarError';
  }
}

/**
 * Parses a target string. `platform` is what the caller knows (the runbook's platform); EKS node
 * forms are always `eks`.
 * @example parseTarget('asg:web-fleet') // { kind: 'auto-scaling-group', name: 'web-fleet', platform: 'docker' }
 * @throws TargetGrammarError for anything outside {@link TARGET_GRAMMAR}.
 */
export function parseTarget(target: string, platform: Platform = 'docker'): TargetSpec {
  const { location, rest } = splitLocation(target);
  if (!location) return parseLocalTarget(target, platform);
  if (rest === 'local') throw new TargetGrammarError(target);
  return { ...parseLocalTarget(rest, platform), location };
}

function parseLocalTarget(target: string, platform: Platform): TargetSpec {
  if (target === 'local') return { kind: 'local', platform };
  if (INSTANCE_ID_PATTERN.test(target)) return { kind: 'instance', instanceId: target, platform };
  if (PRIVATE_DNS_PATTERN.test(target)) return { kind: 'private-dns', name: target, platform };
  if (target.startsWith('asg:')) {
    const name = target.slice(4);
    if (ASG_NAME_PATTERN.test(name)) return { kind: 'auto-scaling-group', name, platform };
  }
  if (target.startsWith('eks:')) {
    const [cluster, node, ...rest] = target.slice(4).split('/');
    if (
      rest.length === 0 &&
      cluster &&
      node &&
      CLUSTER_NAME_PATTERN.test(cluster) &&
      NODE_NAME_PATTERN.test(node)
    )
      return { kind: 'eks-node', cluster, node };
  }
  throw new TargetGrammarError(target);
}

/** The canonical string of a spec (what {@link parseTarget} reads back to the same spec). */
export function formatTarget(spec: TargetSpec): string {
  return locationPrefix(spec.location) + formatLocalTarget(spec);
}

function formatLocalTarget(spec: TargetSpec): string {
  switch (spec.kind) {
    case 'local':
      return 'local';
    case 'instance':
      return spec.instanceId;
    case 'auto-scaling-group':
      return `asg:${spec.name}`;
    case 'eks-node':
      return `eks:${spec.cluster}/${spec.node}`;
    case 'private-dns':
      return spec.name;
  }
}

/**
 * The targets an alarm's dimensions name: ClusterName with NodeName (Container Insights) is an EKS
 * node; otherwise InstanceId and AutoScalingGroupName, EKS when ClusterName is a configured
 * cluster. Values that do not match the strict patterns are dropped; duplicates collapse.
 * @example resolveAlarmTargets([{ InstanceId: 'i-0abc12345678' }]) // [{ kind: 'instance', ... }]
 */
export function resolveAlarmTargets(
  dimensions: readonly Readonly<Record<string, string>>[],
  eksClusters: readonly string[] = [],
  location?: TargetLocation,
): TargetSpec[] {
  const out = new Map<string, TargetSpec>();
  const add = (spec: TargetSpec): void => {
    const located = location ? { ...spec, location } : spec;
    const key = formatTarget(located);
    if (!out.has(key)) out.set(key, located);
  };
  for (const d of dimensions) {
    const cluster = d.ClusterName;
    const node = d.NodeName;
    const instanceId =
      d.InstanceId && INSTANCE_ID_PATTERN.test(d.InstanceId) ? d.InstanceId : undefined;
    if (cluster && node && CLUSTER_NAME_PATTERN.test(cluster) && NODE_NAME_PATTERN.test(node)) {
      add({ kind: 'eks-node', cluster, node, ...(instanceId ? { instanceId } : {}) });
      continue;
    }
    const platform: Platform = cluster && eksClusters.includes(cluster) ? 'eks' : 'docker';
    if (instanceId) add({ kind: 'instance', instanceId, platform });
    const asg = d.AutoScalingGroupName;
    if (asg && ASG_NAME_PATTERN.test(asg)) add({ kind: 'auto-scaling-group', name: asg, platform });
  }
  return [...out.values()];
}

/**
 * The targets a CloudWatch alarm event names (what Intake resolves, before expansion).
 * @throws AlarmEventError when the event is not a usable alarm state change.
 */
export function alarmEventTargets(
  event: unknown,
  eksClusters: readonly string[] = [],
): TargetSpec[] {
  return resolveAlarmTargets(normalizeAlarmEvent(event).dimensions, eksClusters);
}

async function expandOne(
  spec: TargetSpec,
  directory: TargetDirectory | undefined,
): Promise<Target[]> {
  const { location } = spec;
  switch (spec.kind) {
    case 'local':
      return [{ id: 'local', platform: spec.platform }];
    case 'instance':
      return [{ id: spec.instanceId, platform: spec.platform, instanceId: spec.instanceId }];
    case 'auto-scaling-group': {
      const ids = directory ? await directory.instancesOfGroup(spec.name, location) : [];
      return ids.map((id) => ({ id, platform: spec.platform, instanceId: id }));
    }
    case 'eks-node': {
      const instanceId =
        spec.instanceId ?? (await directory?.instanceOfNode(spec.cluster, spec.node, location));
      return [
        {
          id: instanceId ?? spec.node,
          platform: 'eks',
          cluster: spec.cluster,
          node: spec.node,
          ...(instanceId ? { instanceId } : {}),
        },
      ];
    }
    case 'private-dns': {
      const instanceId = await directory?.instanceOfPrivateDnsName?.(spec.name, location);
      return [
        {
          id: instanceId ?? spec.name,
          platform: spec.platform,
          ...(instanceId ? { instanceId } : {}),
        },
      ];
    }
  }
}

/** The targets of a spec, carrying its location (a spoke account's targets say where they are). */
async function expandLocated(
  spec: TargetSpec,
  directory: TargetDirectory | undefined,
): Promise<Target[]> {
  const targets = await expandOne(spec, directory);
  return spec.location
    ? targets.map((t) => ({ ...t, account: spec.location!.account, region: spec.location!.region }))
    : targets;
}

/** Expands specs into targets (groups into instances, names into their instances), de-duplicated, at most `max`. */
export async function expandTargets(
  specs: readonly TargetSpec[],
  directory: TargetDirectory | undefined,
  max: number,
): Promise<Target[]> {
  const out = new Map<string, Target>();
  for (const spec of specs)
    for (const t of await expandLocated(spec, directory)) if (!out.has(t.id)) out.set(t.id, t);
  return [...out.values()].slice(0, max);
}
