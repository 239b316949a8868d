/**
 * Verification against the Kubernetes state that proved the diagnosis: after a remediation, is
 * the node Ready and free of the pressure condition it had, is the pod (or its replacement)
 * Running, Ready and no longer restarting? Pure: the state is read by an adapter and passed in.
 * A check that could not be read is `unknown`, never `passed`.
 */
import { nodeCondition } from '../classify/facts/node-condition.js';
import type { EvidenceBundle } from '../evidence/bundle.js';

/** How one check came out. */
export type CheckStatus = 'passed' | 'failed' | 'unknown';

/** One check and what was seen. */
export interface StateCheck {
  readonly description: string;
  readonly status: CheckStatus;
  /** What the API showed (or why nothing could be read). */
  readonly observed: string;
}

/** A read that worked, or why it did not (forbidden, unreachable, not found). */
export type Observation<T> =
  | { readonly read: true; readonly value: T }
  | { readonly read: false; readonly reason: string };

/** A node as re-read. */
export interface ObservedNode {
  readonly name: string;
  readonly conditions: readonly {
    readonly type: string;
    readonly status: string;
    readonly reason?: string;
  }[];
}

/** A container of a re-read pod. */
export interface ObservedContainer {
  readonly name: string;
  readonly ready: boolean;
  readonly restartCount: number;
  readonly waitingReason?: string;
  /** When its previous instance ended (lastState.terminated.finishedAt), ISO time. */
  readonly lastTerminatedAt?: string;
}

/** A pod as re-read: the target pod, or a replacement of the same workload. */
export interface ObservedPod {
  readonly namespace: string;
  readonly name: string;
  readonly phase?: string;
  readonly containers: readonly ObservedContainer[];
}

/** The state re-read for one target. */
export interface ObservedKubernetesState {
  readonly node?: Observation<ObservedNode>;
  /** The target pod, or the pods that replaced it (delete, rollout restart); empty: none exists. */
  readonly pods?: Observation<readonly ObservedPod[]>;
}

/** What the diagnosis showed, to know which conditions must have cleared. */
export interface DiagnosisBaseline {
  /** Node conditions other than Ready that were True at diagnosis (DiskPressure, MemoryPressure…). */
  readonly nodeConditionsTrue?: readonly string[];
}

/** Conditions a healthy node reports False. */
export const PRESSURE_CONDITIONS = [
  'DiskPressure',
  'MemoryPressure',
  'PIDPressure',
  'NetworkUnavailable',
] as const;

/**
 * The node conditions that were True in a diagnosis bundle's k8s.node section (parsed with the
 * classifier's node.condition extractor); undefined when the bundle has no readable k8s.node.
 */
export function baselineFromBundle(bundle: EvidenceBundle): DiagnosisBaseline {
  const section = bundle.sections['k8s.node'];
  if (!section || section.error) return {};
  const facts = nodeCondition.extract('k8s.node', section.output);
  const trueTypes = [
    ...new Set(
      facts
        .filter((f) => f.fields.status === 'True' && f.fields.type !== 'Ready')
        .map((f) => String(f.fields.type)),
    ),
  ];
  return facts.length > 0 ? { nodeConditionsTrue: trueTypes } : {};
}

function nodeChecks(
  name: string,
  node: Observation<ObservedNode> | undefined,
  baseline: DiagnosisBaseline,
): StateCheck[] {
  const watched = (baseline.nodeConditionsTrue ?? PRESSURE_CONDITIONS).filter((t) => t !== 'Ready');
  const descriptions = [
    `node ${name} is Ready`,
    ...watched.map((t) => `node ${name} ${t} is not True`),
  ];
  if (!node?.read)
    return descriptions.map((description) => ({
      description,
      status: 'unknown',
      observed: node ? node.reason : 'the node was not read',
    }));
  const find = (type: string) => node.value.conditions.find((c) => c.type === type);
  const ready = find('Ready');
  const checks: StateCheck[] = [
    {
      description: descriptions[0]!,
      status: !ready ? 'unknown' : ready.status === 'True' ? 'passed' : 'failed',
      observed: ready
        ? `Ready=${ready.status}${ready.reason ? ` (${ready.reason})` : ''}`
        : 'the node reports no Ready condition',
    },
  ];
  for (const type of watched) {
    const c = find(type);
    checks.push({
      description: `node ${name} ${type} is not True`,
      status: !c ? 'unknown' : c.status === 'False' ? 'passed' : 'failed',
      observed: c
        ? `${type}=${c.status}${c.reason ? ` (${c.reason})` : ''}`
        : `the node reports no ${type} condition`,
    });
  }
  return checks;
}

function podChecks(
  label: string,
  pods: Observation<readonly ObservedPod[]> | undefined,
  since: Date,
): StateCheck[] {
  const healthy = `pod ${label} (or its replacement) is Running and Ready`;
  const calm = `no container of pod ${label} (or its replacement) restarted after ${since.toISOString()}`;
  if (!pods?.read)
    return [healthy, calm].map((description) => ({
      description,
      status: 'unknown' as const,
      observed: pods ? pods.reason : 'the pod was not read',
    }));
  if (pods.value.length === 0)
    return [
      { description: healthy, status: 'failed', observed: 'no pod of it exists now' },
      { description: calm, status: 'unknown', observed: 'no pod to look at' },
    ];
  const notReady = pods.value.filter(
    (p) => p.phase !== 'Running' || p.containers.length === 0 || p.containers.some((c) => !c.ready),
  );
  const restarted = pods.value.flatMap((p) =>
    p.containers
      .filter(
        (c) =>
          c.waitingReason === 'CrashLoopBackOff' ||
          (c.lastTerminatedAt !== undefined && Date.parse(c.lastTerminatedAt) > since.getTime()),
      )
      .map(
        (c) =>
          `${p.name}/${c.name} (restarts ${c.restartCount}${c.waitingReason ? `, ${c.waitingReason}` : ''}${c.lastTerminatedAt ? `, last ended ${c.lastTerminatedAt}` : ''})`,
      ),
  );
  const describe = (p: ObservedPod) =>
    `${p.name}: ${p.phase ?? 'no phase'}, ready ${p.containers.filter((c) => c.ready).length}/${p.containers.length}`;
  return [
    {
      description: healthy,
      status: notReady.length === 0 ? 'passed' : 'failed',
      observed: pods.value.map(describe).join('; '),
    },
    {
      description: calm,
      status: restarted.length === 0 ? 'passed' : 'failed',
      observed: restarted.length
        ? restarted.join('; ')
        : `restart counts ${pods.value.flatMap((p) => p.containers.map((c) => c.restartCount)).join(', ')}`,
    },
  ];
}

/**
 * The verification checks for one target from its re-read state: a node target checks Ready
 * and the conditions that were True at diagnosis (all pressure conditions when that is not
 * known); a pod target checks that it (or its replacement) is Running and Ready and has not
 * restarted since the remediation ended.
 * @example checkKubernetesState({ node: 'ip-10-0-1-23…' }, observed, since, baselineFromBundle(diagnosis))
 */
export function checkKubernetesState(
  target: { readonly node?: string; readonly namespace?: string; readonly pod?: string },
  observed: ObservedKubernetesState,
  since: Date,
  baseline: DiagnosisBaseline = {},
): StateCheck[] {
  const checks: StateCheck[] = [];
  if (target.pod)
    checks.push(
      ...podChecks(`${target.namespace ?? 'default'}/${target.pod}`, observed.pods, since),
    );
  // A pod target's node is checked only for what the diagnosis showed wrong with it.
  if (target.node && (!target.pod || (baseline.nodeConditionsTrue?.length ?? 0) > 0))
    checks.push(...nodeChecks(target.node, observed.node, baseline));
  return checks;
}

/** True only when every check passed; an unknown check is not a pass. */
export function allPassed(checks: readonly StateCheck[]): boolean {
  return checks.length > 0 && checks.every((c) => c.status === 'passed');
}
