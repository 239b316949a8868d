/**
 * Whose failure does a line prove? An OOM kill, an exit code or a restart proves the failure of
 * the alarmed container or pod only when it is about that workload; about another process on the
 * same host it is context (another tenant's OOM kill is not why this container's alarm fired).
 */
import type { EvidenceTarget } from '../evidence/bundle.js';
import type { Signal } from '../runbook/model.js';
import type { EvidenceLine } from './evaluation.js';

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
    if (id ? !HEX_CHAR.test(before) : !NAME_CHAR.test(before) && !NAME_CHAR.test(after)) return true;
  }
  return false;
}

/** The names by which evidence may refer to the alarmed workload: container name, id (full and short), pod. */
export function targetNamesOf(target: EvidenceTarget): string[] {
  const names = [target.container, target.pod].filter((n): n is string => typeof n === 'string' && n !== '');
  const id = target.containerId;
  // A 64-hex id shows up whole in cgroup paths (oom-kill: task_memcg=/docker/<id>) and as 12 in docker ps.
  if (id && /^[0-9a-f]{12,64}$/.test(id)) names.push(id.slice(0, 12));
  return names;
}

/**
 * Whether a line is about the target: it names it, or it is a fact that names no workload
 * (the collectors scope such sections to the target, e.g. `kubectl describe pod <target>`).
 */
export function aboutTarget(line: EvidenceLine, names: readonly string[]): boolean {
  if (line.subject !== undefined) return names.some((n) => line.subject === n || line.subject!.startsWith(n) || containsName(line.subject!, n));
  return names.some((n) => containsName(line.text, n));
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
 * @example linkSignal(signal, evidence, ['web']).weight
 */
export function linkSignal(signal: Signal, evidence: readonly EvidenceLine[], names: readonly string[]): LinkedSignal {
  const plain = evidence.map(({ section, line, text }) => ({ section, line, text }));
  if (signal.about !== 'target' || names.length === 0 || evidence.length === 0) return { weight: signal.weight, description: signal.description, evidence: plain };
  const ours = evidence.map((e, i) => (aboutTarget(e, names) ? i : -1)).filter((i) => i >= 0);
  if (ours.length > 0) {
    const first = ours.map((i) => plain[i]!);
    return { weight: signal.weight, description: signal.description, evidence: [...first, ...plain.filter((_, i) => !ours.includes(i))] };
  }
  return {
    weight: signal.weight * CONTEXT_WEIGHT_FACTOR,
    description: `${signal.description} (context only: about another workload than the alarmed ${names[0]})`,
    evidence: plain,
  };
}
