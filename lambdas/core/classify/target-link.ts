/**
 * Whose failure does a line prove? An OOM kill, an exit code or a restart proves the failure of
 * the alarmed container or pod only when it is about that workload; about another process on the
 * same host it is context (another tenant's OOM kill is not why this container's alarm fired).
 * Node-wide logs (the kubelet's, the runtime's, the kernel's, a namespace's events) hold every
 * tenant's lines: one that names another pod, container, image or node is about that one.
 */
import type { EvidenceBundle } from '../evidence/bundle.js';
import type { Runbook, Signal, SignalSubject } from '../runbook/model.js';
import type { EvidenceLine } from './evaluation.js';
import type { LineWorkloadsReader } from './line-refs.js';
import { sameContainerId, sameImage, sameNode, type LineWorkloads } from './line-workloads.js';
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
  /** The target container's id (12 to 64 hex), when known. */
  readonly containerId?: string;
  /** The images of the target pod's containers (its describe's `Image:` lines). */
  readonly images: readonly string[];
  /** The target's node; null for a pod that no node runs (Pending, unscheduled); absent when unknown. */
  readonly node?: string | null;
  /**
   * Lines of a scoped section that are about another workload after all, by section: k8s.pod-logs
   * ends with CoreDNS's tail, under its own `$ kubectl logs` heading.
   */
  readonly otherWorkloadLines?: ReadonlyMap<string, ReadonlySet<number>>;
}

const DESCRIBED_IMAGE = /^\s+Image:\s+(\S+)\s*$/gm;
const DESCRIBED_NODE = /^Node:\s+([^\s/]+)/m;

/**
 * The names by which evidence may refer to the alarmed workload: container name, id (short), pod,
 * and for a pod its images and node as its own describe prints them; which lines of its scoped
 * sections are about other pods.
 */
export function targetNamesOf(bundle: Pick<EvidenceBundle, 'target' | 'sections'>): TargetNames {
  const target = bundle.target;
  const containers = [target.container].filter(
    (n): n is string => typeof n === 'string' && n !== '',
  );
  const id =
    target.containerId && /^[0-9a-f]{12,64}$/.test(target.containerId)
      ? target.containerId
      : undefined;
  // A 64-hex id shows up whole in cgroup paths (oom-kill: task_memcg=/docker/<id>) and as 12 in docker ps.
  if (id) containers.push(id.slice(0, 12));
  const pods = [target.pod].filter((n): n is string => typeof n === 'string' && n !== '');
  // The Kubernetes reader renders k8s.pods (describe) and k8s.pod-logs for a pod target only.
  const described = pods.length > 0 ? (bundle.sections['k8s.pods']?.output ?? '') : '';
  const images = [...described.matchAll(DESCRIBED_IMAGE)].map((m) => m[1]!);
  const describedNode = DESCRIBED_NODE.exec(described)?.[1];
  const node = target.node ? target.node : describedNode === '<none>' ? null : describedNode;
  const logs = bundle.sections['k8s.pod-logs']?.output;
  const otherWorkloadLines = new Map<string, ReadonlySet<number>>();
  if (pods.length > 0 && logs)
    otherWorkloadLines.set('k8s.pod-logs', otherPodLogLines(logs, target.namespace, pods[0]!));
  return {
    containers,
    pods,
    scopedSections: pods.length > 0 ? ['k8s.pods', 'k8s.pod-logs'] : [],
    ...(id ? { containerId: id } : {}),
    images,
    ...(node !== undefined ? { node } : {}),
    otherWorkloadLines,
  };
}

const known = (t: TargetNames) => t.containers.length + t.pods.length > 0 || t.node !== undefined;

type Verdict = 'ours' | 'other' | 'silent';

function compare<T>(
  named: readonly T[],
  ours: readonly T[],
  same: (a: T, b: T) => boolean,
): Verdict {
  if (named.length === 0 || ours.length === 0) return 'silent';
  return named.some((n) => ours.some((o) => same(n, o))) ? 'ours' : 'other';
}

function nodeVerdict(named: readonly string[], t: TargetNames): Verdict {
  if (named.length === 0 || t.node === undefined) return 'silent';
  // A pod no node runs is on none of the nodes a line names.
  if (t.node === null) return 'other';
  return named.some((n) => sameNode(n, t.node!)) ? 'ours' : 'other';
}

/**
 * Whether a line names another workload or node than the target's (only another node, with
 * `onlyNodes`), and not the target too. A line that names nothing, or names only what the target is not known by,
 * is no one else's.
 */
export function namesAnother(named: LineWorkloads, t: TargetNames, onlyNodes = false): boolean {
  const verdicts = [
    compare(named.pods, t.pods, (a, b) => a === b),
    compare(named.containerIds, t.containerId ? [t.containerId] : [], sameContainerId),
    compare(named.images, t.images, sameImage),
  ];
  if (verdicts.includes('ours')) return false;
  const node = nodeVerdict(named.nodes, t);
  return node === 'other' || (!onlyNodes && verdicts.includes('other'));
}

/**
 * Whether a line is about the target: it sits in a section collected for the target alone, or it
 * names no other container and names the target, or it is a fact about a container when the
 * target is a pod (container names inside a pod cannot be told from the pod's).
 */
export function aboutTarget(line: EvidenceLine, t: TargetNames, named: LineWorkloads): boolean {
  if (
    t.scopedSections.includes(line.section) &&
    !t.otherWorkloadLines?.get(line.section)?.has(line.line)
  )
    return true;
  // A process name is anyone's (nginx, java): a cgroup that is not the target's settles it.
  if (namesAnother(named, t)) return false;
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

/** Whether a line counts for a signal about `subject`. */
function counts(
  subject: SignalSubject,
  line: EvidenceLine,
  t: TargetNames,
  named: LineWorkloads,
): boolean {
  if (t.scopedSections.includes(line.section)) return true;
  if (subject === 'target') return aboutTarget(line, t, named);
  return !namesAnother(named, t, subject === 'node');
}

/**
 * Links a matched signal to the alarmed target. What a line must be about to count at full weight
 * is the signal's `about`, else its runbook's, else `node`: see {@link SignalSubject}. When no line
 * counts the signal is context (a tenth of its weight); bundles that name no target keep it all.
 * Evidence that counts comes first.
 * @example linkSignal(signal, evidence, targetNamesOf(bundle), lineWorkloadsReader(bundle), runbook).weight
 */
export function linkSignal(
  signal: Signal,
  evidence: readonly EvidenceLine[],
  names: TargetNames,
  workloadsOf: LineWorkloadsReader,
  runbook?: Pick<Runbook, 'about'>,
): LinkedSignal {
  const plain = evidence.map(({ section, line, text }) => ({ section, line, text }));
  if (!known(names) || evidence.length === 0)
    return { weight: signal.weight, description: signal.description, evidence: plain };
  const subject = signal.about ?? runbook?.about ?? 'node';
  const ours = evidence
    .map((e, i) => (counts(subject, e, names, workloadsOf(e)) ? i : -1))
    .filter((i) => i >= 0);
  if (ours.length > 0) {
    const first = ours.map((i) => plain[i]!);
    return {
      weight: signal.weight,
      description: signal.description,
      evidence: [...first, ...plain.filter((_, i) => !ours.includes(i))],
    };
  }
  const whose = names.containers[0] ?? names.pods[0];
  const other =
    subject === 'node'
      ? `another node than the alarmed ${whose ?? 'target'}'s`
      : `another workload than the alarmed ${whose ?? 'target'}`;
  return {
    weight: signal.weight * CONTEXT_WEIGHT_FACTOR,
    description: `${signal.description} (context only: about ${other})`,
    evidence: plain,
  };
}
