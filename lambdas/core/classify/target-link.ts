/**
 * Whose failure does a line prove? An OOM kill, an exit code or a restart proves the failure of
 * the alarmed container or pod only when it is about that workload; about another process on the
 * same host it is context (another tenant's OOM kill is not why this container's alarm fired).
 */
import type { EvidenceSection, EvidenceTarget } from '../evidence/bundle.js';
import type { Signal } from '../runbook/model.js';
import type { EvidenceLine } from './evaluation.js';
import { otherPodLogLines } from './other-pod-logs.js';

/** Weight factor of a target signal whose evidence is all about other workloads. */
export const CONTEXT_WEIGHT_FACTOR = 0.1;

const NAME_CHAR = /[A-Za-z0-9_.-]/;

const HEX_ID = /^[0-9a-f]{12}$/;
const HEX_CHAR = /[0-9a-f]/;

/**
 * Whether `name` occurs in `text` as a whole name (not inside a longer one). A 12-hex id prefix
 * may run on into the rest of the id (`docker-<64 hex>.scope`), but must start where the id does.
 */
function containsName(text: string, name: string): boolean {
  const id = HEX_ID.test(name);
  for (let at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + 1)) {
    const before = at === 0 ? '' : text[at - 1]!;
    const after = text[at + name.length] ?? '';
    if (id ? !HEX_CHAR.test(before) : !NAME_CHAR.test(before) && !NAME_CHAR.test(after))
      return true;
  }
  return false;
}

/** How evidence may refer to the alarmed workload. */
export interface TargetNames {
  /** Container name and id (12 hex), when the target is a container. */
  readonly containers: readonly string[];
  /** Pod name, when the target is a pod. */
  readonly pods: readonly string[];
  /** Sections collected for the target alone (`kubectl describe pod <target>`, its logs). */
  readonly scopedSections: readonly string[];
  /**
   * Lines of a scoped section that are about another workload after all, by section: k8s.pod-logs
   * ends with CoreDNS's tail, under its own `$ kubectl logs` heading.
   */
  readonly otherWorkloadLines?: ReadonlyMap<string, ReadonlySet<number>>;
}

/**
 * The names by which evidence may refer to the alarmed workload: container name, id (short), pod;
 * with the bundle's `sections`, which lines of its scoped sections are about other pods.
 */
export function targetNamesOf(
  target: EvidenceTarget,
  sections: Readonly<Record<string, EvidenceSection>> = {},
): TargetNames {
  const containers = [target.container].filter(
    (n): n is string => typeof n === 'string' && n !== '',
  );
  const id = target.containerId;
  // A 64-hex id shows up whole in cgroup paths (oom-kill: task_memcg=/docker/<id>) and as 12 in docker ps.
  if (id && /^[0-9a-f]{12,64}$/.test(id)) containers.push(id.slice(0, 12));
  const pods = [target.pod].filter((n): n is string => typeof n === 'string' && n !== '');
  // The Kubernetes reader renders k8s.pods and k8s.pod-logs for a pod target only.
  const scopedSections = pods.length > 0 ? ['k8s.pods', 'k8s.pod-logs'] : [];
  const logs = sections['k8s.pod-logs']?.output;
  const otherWorkloadLines = new Map<string, ReadonlySet<number>>();
  if (pods.length > 0 && logs)
    otherWorkloadLines.set('k8s.pod-logs', otherPodLogLines(logs, target.namespace, pods[0]!));
  return { containers, pods, scopedSections, otherWorkloadLines };
}

const known = (t: TargetNames) => t.containers.length + t.pods.length > 0;

/**
 * Whether a line is about the target: it sits in a section collected for the target alone, it
 * names the target, or it is a fact about a container when the target is a pod (container names
 * inside a pod cannot be told from the pod's).
 */
export function aboutTarget(line: EvidenceLine, t: TargetNames): boolean {
  if (
    t.scopedSections.includes(line.section) &&
    !t.otherWorkloadLines?.get(line.section)?.has(line.line)
  )
    return true;
  if (line.subject !== undefined) {
    if (t.containers.length === 0) return true;
    return t.containers.some(
      (n) => line.subject === n || line.subject!.startsWith(n) || containsName(line.subject!, n),
    );
  }
  return [...t.containers, ...t.pods].some((n) => containsName(line.text, n));
}

/** A signal's contribution once linked to the target: its weight, how it reads, its evidence. */
export interface LinkedSignal {
  readonly weight: number;
  readonly description: string;
  readonly evidence: readonly EvidenceLine[];
}

/**
 * Links a matched signal to the alarmed target. Signals not marked `about: target`, and bundles
 * that name no target, keep their full weight. Evidence about the target comes first.
 * @example linkSignal(signal, evidence, targetNamesOf(bundle.target)).weight
 */
export function linkSignal(
  signal: Signal,
  evidence: readonly EvidenceLine[],
  names: TargetNames,
): LinkedSignal {
  const plain = evidence.map(({ section, line, text }) => ({ section, line, text }));
  if (signal.about !== 'target' || !known(names) || evidence.length === 0)
    return { weight: signal.weight, description: signal.description, evidence: plain };
  const ours = evidence.map((e, i) => (aboutTarget(e, names) ? i : -1)).filter((i) => i >= 0);
  if (ours.length > 0) {
    const first = ours.map((i) => plain[i]!);
    return {
      weight: signal.weight,
      description: signal.description,
      evidence: [...first, ...plain.filter((_, i) => !ours.includes(i))],
    };
  }
  return {
    weight: signal.weight * CONTEXT_WEIGHT_FACTOR,
    description: `${signal.description} (context only: about another workload than the alarmed ${names.containers[0] ?? names.pods[0]})`,
    evidence: plain,
  };
}
