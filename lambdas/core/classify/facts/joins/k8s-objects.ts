import { LINE_CAP } from '../../scan-limits.js';
import { clip, forEachLine, type FactLine } from '../fact.js';

/** What a Service or a pod (or a workload's pod template) shows of its identity and routing. */
export interface K8sObject {
  readonly kind: 'Service' | 'Pod' | 'Template';
  name: string | null;
  namespace: string | null;
  readonly labels: Map<string, string>;
  /** A Service's selector; null for pods and for a Service without one. */
  selector: Map<string, string> | null;
  /** A Service's port numbers and names (`14523`, `http`). */
  readonly ports: string[];
  /** A Service's endpoints as `kubectl describe` shows them: `none`, `some`, or null when not shown. */
  endpoints: 'none' | 'some' | null;
  /** A pod's phase (Running, Pending, …) when shown. */
  phase: string | null;
  at: FactLine;
}

/** Objects read from one section: a bound on what a hostile listing can make us hold. */
const MAX_OBJECTS = 256;
const MAX_LABELS = 64;
const LABEL = /^([\w./-]{1,253})=([\w.-]{0,63})$/;

function addPairs(into: Map<string, string>, text: string): void {
  for (const pair of text.split(/[,\s]+/)) {
    const m = LABEL.exec(pair);
    if (m && into.size < MAX_LABELS) into.set(m[1]!, m[2]!);
  }
}

/** An object seen from its first line on: a pod until its fields say otherwise. */
function objectAt(
  section: string,
  lineNo: number,
  line: string,
  name: string | null = null,
): K8sObject {
  return {
    kind: 'Pod',
    name,
    namespace: null,
    labels: new Map(),
    selector: null,
    ports: [],
    endpoints: null,
    phase: null,
    at: { section, line: lineNo, text: clip(line) },
  };
}

const describeKind = (kinds: Set<string>): K8sObject['kind'] | null =>
  kinds.has('Selector') ? 'Service' : kinds.has('Containers') || kinds.has('Node') ? 'Pod' : null;

/** Services and pods from `kubectl describe` blocks (Name:, Labels: with its continuation lines, Selector:, Endpoints:). */
function fromDescribe(section: string, text: string, out: K8sObject[]): void {
  let current: K8sObject | null = null;
  let keys = new Set<string>();
  let inLabels = false;
  const close = () => {
    const kind = current && describeKind(keys);
    if (current && kind && out.length < MAX_OBJECTS) out.push({ ...current, kind });
    current = null;
  };
  forEachLine(text, (raw, lineNo) => {
    const line = raw.length > LINE_CAP ? raw.slice(0, LINE_CAP) : raw;
    const key = /^([A-Z][A-Za-z ]{0,30}):(?:\s+(.*))?$/.exec(line);
    if (!key) {
      const pair = line.trim();
      if (inLabels && current && /^\s\s/.test(line) && pair.includes('=') && !/\s/.test(pair))
        addPairs(current.labels, pair);
      else if (!/^\s/.test(line)) inLabels = false;
      return;
    }
    inLabels = false;
    const [, name, value = ''] = key;
    if (name === 'Name') {
      close();
      keys = new Set();
      current = objectAt(section, lineNo, line, value.trim() || null);
      return;
    }
    if (!current) return;
    const o: K8sObject = current;
    keys.add(name!);
    if (name === 'Namespace') o.namespace = value.trim() || null;
    else if (name === 'Labels') {
      addPairs(o.labels, value);
      inLabels = true;
    } else if (name === 'Selector') {
      o.selector = new Map();
      addPairs(o.selector, value);
      o.at = { section, line: lineNo, text: clip(line) };
    } else if (name === 'Endpoints') o.endpoints = /^\s*<none>\s*$/.test(value) ? 'none' : 'some';
    else if (name === 'Port') {
      const m = /^(?:([\w-]{1,15})\s+)?(\d{1,5})\//.exec(value.trim());
      if (m) o.ports.push(...(m[1] ? [m[1], m[2]!] : [m[2]!]));
    } else if (name === 'Status') o.phase = value.trim() || null;
  });
  close();
}

/**
 * Services, pods and workload pod templates from YAML manifests (`kubectl get -o yaml`, a posted
 * manifest): the key path is tracked by indentation, one line at a time.
 */
function fromYaml(section: string, text: string, out: K8sObject[]): void {
  let doc: K8sObject | null = null;
  let kind = '';
  const path: { indent: number; key: string }[] = [];
  const close = () => {
    if (!doc || out.length >= MAX_OBJECTS) return;
    if (kind === 'Service' && doc.selector) out.push({ ...doc, kind: 'Service' });
    else if (kind === 'Pod') out.push({ ...doc, kind: 'Pod' });
    else if (/^(Deployment|StatefulSet|DaemonSet|ReplicaSet|Job)$/.test(kind) && doc.labels.size)
      out.push({ ...doc, kind: 'Template' });
  };
  forEachLine(text, (raw, lineNo) => {
    const line = raw.length > LINE_CAP ? raw.slice(0, LINE_CAP) : raw;
    if (/^---/.test(line)) {
      close();
      doc = null;
      path.length = 0;
      return;
    }
    const m = /^(\s*)(-\s+)?([\w./-]{1,253}):(?:\s+(.*))?$/.exec(line);
    if (!m) return;
    const indent = m[1]!.length + (m[2]?.length ?? 0);
    const key = m[3]!;
    const value = (m[4] ?? '').trimEnd().replace(/^["']|["']$/g, '');
    if (indent === 0 && (key === 'apiVersion' || (key === 'kind' && doc?.name))) {
      close();
      doc = null;
    }
    if (!doc) {
      if (indent !== 0) return;
      kind = '';
      path.length = 0;
      doc = objectAt(section, lineNo, line);
    }
    while (path.length > 0 && path[path.length - 1]!.indent >= indent) path.pop();
    const parent = path.map((p) => p.key).join('.');
    const o: K8sObject = doc;
    if (indent === 0 && key === 'kind') kind = value;
    else if (parent === 'metadata' && key === 'name') o.name = value || null;
    else if (parent === 'metadata' && key === 'namespace') o.namespace = value || null;
    else if (parent === 'metadata.labels' || parent === 'spec.template.metadata.labels') {
      if (kind === 'Service' || kind === 'Pod' || parent.startsWith('spec.'))
        if (o.labels.size < MAX_LABELS) o.labels.set(key, value);
    } else if (parent === 'spec.selector' && kind === 'Service') {
      o.selector ??= new Map();
      o.selector.set(key, value);
      o.at = { section, line: lineNo, text: clip(line) };
    } else if (parent === 'spec' && key === 'selector' && kind === 'Service')
      o.selector ??= new Map();
    else if (parent === 'spec.ports' && (key === 'port' || key === 'name') && value)
      o.ports.push(value);
    else if (parent === 'status' && key === 'phase') o.phase = value || null;
    if (value === '' || value === '|' || value === '>') path.push({ indent, key });
  });
  close();
}

/** Pods from `kubectl get pods --show-labels` rows (the LABELS column last, STATUS where the header puts it). */
function fromLabelColumn(section: string, text: string, out: K8sObject[]): void {
  let status = -1;
  let namespaced = false;
  forEachLine(text, (raw, lineNo) => {
    if (out.length >= MAX_OBJECTS) return false;
    const line = raw.length > LINE_CAP ? raw.slice(0, LINE_CAP) : raw;
    const tokens = line.trim().split(/\s+/);
    if (tokens[tokens.length - 1] === 'LABELS' && tokens.includes('NAME')) {
      status = tokens.indexOf('STATUS');
      namespaced = tokens[0] === 'NAMESPACE';
      return;
    }
    if (status < 0 || tokens.length < 3) return;
    const labels = new Map<string, string>();
    addPairs(labels, tokens[tokens.length - 1]!.replace(/,/g, ' '));
    if (labels.size === 0) return;
    out.push({
      ...objectAt(section, lineNo, line, tokens[namespaced ? 1 : 0] ?? null),
      namespace: namespaced ? tokens[0]! : null,
      labels,
      phase: tokens[status] ?? null,
    });
  });
}

/** Services (with a selector), pods and pod templates, in any of the shapes kubectl prints them. */
export function k8sObjects(section: string, text: string): K8sObject[] {
  const out: K8sObject[] = [];
  if (/^(Selector|Labels):/m.test(text)) fromDescribe(section, text, out);
  if (/^kind:/m.test(text)) fromYaml(section, text, out);
  if (/\bLABELS\s*$/m.test(text)) fromLabelColumn(section, text, out);
  return out;
}
