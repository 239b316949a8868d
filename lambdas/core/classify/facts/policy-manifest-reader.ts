/**
 * Reads NetworkPolicy manifests out of a section's text with a real YAML parser (JSON is YAML):
 * `---`-separated documents and `kind: List` items. Loaded with the DNS judgement, by `import()`
 * (deferred-readers.ts): the parser weighs ~95 KiB, and only sections that show egress
 * policies need it.
 */
import { isMap, isSeq, LineCounter, parseAllDocuments, type Node } from 'yaml';
import type { NetworkPolicy } from '../../kubernetes/types.js';

/** A NetworkPolicy read from a section, with the (1-based) lines its manifest spans there. */
export interface PolicyManifest {
  readonly policy: NetworkPolicy;
  readonly firstLine: number;
  readonly lastLine: number;
}

// The parts of a networking.k8s.io/v1 NetworkPolicy the evaluator reads; any other shape is not a
// policy that can be judged. Checked by hand: a schema library here would move its code into the
// chunk every Lambda loads, since the eager code shares it.
type Check = (v: unknown) => boolean;
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isString: Check = (v) => typeof v === 'string';
const optional =
  (check: Check): Check =>
  (v) =>
    v === undefined || check(v);
const arrayOf =
  (check: Check): Check =>
  (v) =>
    Array.isArray(v) && v.every(check);
const isSelector: Check = (v) =>
  isObject(v) &&
  optional((m) => isObject(m) && Object.values(m).every(isString))(v.matchLabels) &&
  optional(
    arrayOf(
      (r) =>
        isObject(r) &&
        isString(r.key) &&
        isString(r.operator) &&
        optional(arrayOf(isString))(r.values),
    ),
  )(v.matchExpressions);
const isPeer: Check = (v) =>
  isObject(v) &&
  optional(isSelector)(v.podSelector) &&
  optional(isSelector)(v.namespaceSelector) &&
  optional((b) => isObject(b) && isString(b.cidr) && optional(arrayOf(isString))(b.except))(
    v.ipBlock,
  );
const isPort: Check = (v) =>
  isObject(v) &&
  (v.port === undefined || Number.isInteger(v.port) || isString(v.port)) &&
  (v.endPort === undefined || Number.isInteger(v.endPort)) &&
  optional(isString)(v.protocol);
const isEgressRule: Check = (v) =>
  isObject(v) && optional(arrayOf(isPeer))(v.to) && optional(arrayOf(isPort))(v.ports);
const isNetworkPolicy = (v: unknown): v is NetworkPolicy =>
  isObject(v) &&
  v.kind === 'NetworkPolicy' &&
  optional((m) => isObject(m) && optional(isString)(m.name) && optional(isString)(m.namespace))(
    v.metadata,
  ) &&
  isObject(v.spec) &&
  optional(isSelector)(v.spec.podSelector) &&
  optional(arrayOf(isString))(v.spec.policyTypes) &&
  optional(arrayOf(isEgressRule))(v.spec.egress);

/** A policy's spec pasted alone (its podSelector and egress rules, no kind): a whole policy of an unnamed namespace. */
const isBareSpec = (v: unknown) =>
  isObject(v) && v.kind === undefined && isObject(v.podSelector) && Array.isArray(v.egress);

/**
 * A line that can belong to a YAML or JSON manifest: blank, indented, or at the margin a key, a
 * list item, a comment, a bracket or a document marker. Prose, prompts (`$ kubectl …`) and
 * heredoc ends (`EOF`) are not, and cut the text into blocks parsed one by one.
 */
const MANIFEST_LINE = /^(\s*$|\s|"?[\w./-]+"?\s*:(\s|$)|-(\s|$)|#|[{}[\]]|---|\.\.\.)/;

/**
 * Characters of manifests parsed per section. The parser costs ~2 ms per KiB on a long list, so
 * this bounds a hostile section to ~150 ms; a block past the budget is not read (so, admitted).
 * 64 KiB holds a `kubectl get networkpolicy -o yaml` list of some forty policies.
 */
export const MANIFEST_BUDGET_CHARS = 64 * 1024;

/** Kubernetes prints absent fields as null (`matchLabels:` with nothing under it): drop them. */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = withoutNulls(v);
  return out;
}

/** Every NetworkPolicy in the text that parses as a whole policy, with the lines it spans. */
export function readPolicyManifests(text: string): PolicyManifest[] {
  const out: PolicyManifest[] = [];
  const lines = text.split('\n');
  let budget = MANIFEST_BUDGET_CHARS;
  let start = 0;
  for (let i = 0; i <= lines.length; i++) {
    if (i < lines.length && MANIFEST_LINE.test(lines[i]!)) continue;
    const block = i > start ? lines.slice(start, i).join('\n') : '';
    if (block.length <= budget && /NetworkPolicy|egress/.test(block)) {
      budget -= block.length;
      readBlock(block, start, out);
    }
    start = i + 1;
  }
  return out;
}

function readBlock(block: string, firstLine: number, out: PolicyManifest[]): void {
  const lineCounter = new LineCounter();
  const lineOf = (offset: number) => firstLine + lineCounter.linePos(offset).line;
  for (const doc of parseAllDocuments(block, { lineCounter })) {
    if (doc.errors.length > 0 || !doc.contents) continue;
    let value: unknown;
    try {
      value = withoutNulls(doc.toJS({ maxAliasCount: 50 }));
    } catch {
      continue; // an alias bomb or a cycle: not a policy we read
    }
    const items = isMap(doc.contents) ? doc.contents.get('items', true) : undefined;
    const listed = (value as { items?: unknown })?.items;
    const entries: [unknown, Node][] =
      isSeq(items) && Array.isArray(listed)
        ? listed.map((v, i) => [v, items.items[i] as Node])
        : [[value, doc.contents]];
    for (const [v, node] of entries) {
      const policy = isBareSpec(v) ? { kind: 'NetworkPolicy', spec: v } : v;
      if (!isNetworkPolicy(policy) || !node.range) continue;
      out.push({
        policy,
        firstLine: lineOf(node.range[0]),
        lastLine: lineOf(Math.max(node.range[0], node.range[1] - 1)),
      });
    }
  }
}
