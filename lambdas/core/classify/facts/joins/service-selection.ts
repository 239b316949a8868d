import { LiteralScanner } from '../../literal-scanner.js';
import { LINE_CAP } from '../../scan-limits.js';
import { clip, forEachLine, type Fact, type FactLine } from '../fact.js';
import { MAX_JOINED_FACTS, type FactJoin } from './fact-join.js';
import { k8sObjects, type K8sObject } from './k8s-objects.js';

// An ingress controller's line that the upstream failed: nginx's connect()/timeout errors, or an
// access-log line whose status is a gateway error. Literals and one digit run before a fixed
// space: linear on the JavaScript engine, which keeps RE2 out of the facts.
const UPSTREAM_FAILED =
  /connect\(\) failed|upstream timed out|no live upstreams|upstream prematurely closed|" (502|503|504) \d+ /i;
// `kubectl describe ingress` backends: `/path  service:port (endpoints)`.
const DESCRIBED_BACKEND =
  /^\s+(?:\S{1,253}\s+)?\/\S{0,512}\s+([a-z0-9][a-z0-9.-]{0,252}):([\w-]{1,15})\s+\(/;
const YAML_BACKEND =
  /^\s*(?:-\s+)?(?:serviceName|name):\s+["']?([a-z0-9][a-z0-9.-]{0,252})["']?\s*$/;

const selects = (selector: ReadonlyMap<string, string>, labels: ReadonlyMap<string, string>) =>
  selector.size > 0 && [...selector].every(([k, v]) => labels.get(k) === v);

const sameNamespace = (a: K8sObject, b: K8sObject) =>
  a.namespace === null || b.namespace === null || a.namespace === b.namespace;

/** A pod the evidence shows as live (not Succeeded, Failed or Completed). */
const live = (p: K8sObject) => !/^(Succeeded|Failed|Completed|Error|Evicted)$/i.test(p.phase ?? '');

/**
 * Names an ingress routes to, each with the first line naming it: `kubectl describe ingress`
 * backends and manifests' `service: name:` / `serviceName:`.
 */
export function ingressBackends(
  sections: readonly { name: string; output: string }[],
): Map<string, FactLine> {
  const names = new Map<string, FactLine>();
  const add = (name: string, section: string, line: number, text: string) => {
    if (!names.has(name)) names.set(name, { section, line, text: clip(text.trim()) });
  };
  for (const { name: section, output } of sections) {
    if (!/Backends|serviceName|backend:/.test(output)) continue;
    let inBackend = false;
    forEachLine(output, (raw, lineNo) => {
      const line = raw.length > 1024 ? '' : raw;
      const d = DESCRIBED_BACKEND.exec(line);
      if (d) add(d[1]!, section, lineNo, line);
      if (/^\s*(?:-\s+)?(?:backend|defaultBackend|service):\s*$/.test(line)) inBackend = true;
      else if (/^\s*(?:-\s+)?(?:path|host|http|paths|rules):/.test(line)) inBackend = false;
      const y = YAML_BACKEND.exec(line);
      if (y && (inBackend || line.includes('serviceName'))) add(y[1]!, section, lineNo, line);
      if (names.size > 256) return false;
    });
  }
  return names;
}

/**
 * The ingress-nginx upstream names (`<namespace>-<service>-<port>`) of Services whose controller
 * lines fail in the incident window: one literal scan over every section.
 */
function failingUpstreams(
  services: readonly K8sObject[],
  sections: readonly { name: string; output: string }[],
  counts: (section: string, line: string) => boolean,
): Map<K8sObject, FactLine> {
  const literals: string[] = [];
  const owners: K8sObject[] = [];
  for (const s of services)
    for (const port of s.ports)
      if (s.namespace && s.name) {
        literals.push(`[${s.namespace}-${s.name}-${port}]`.toLowerCase());
        owners.push(s);
      }
  const failing = new Map<K8sObject, FactLine>();
  if (literals.length === 0) return failing;
  const scanner = new LiteralScanner(literals);
  for (const { name, output } of sections) {
    // One regex test per line, whatever the number of upstream names on it: linear in the section.
    let testedLine = 0;
    let failed: FactLine | null = null;
    scanner.scan(output, (hit) => {
      const owner = owners[hit.literal]!;
      if (failing.has(owner)) return;
      if (hit.line !== testedLine) {
        testedLine = hit.line;
        let end = output.indexOf('\n', hit.lineStart);
        if (end < 0) end = output.length;
        const line = output.slice(hit.lineStart, Math.min(end, hit.lineStart + LINE_CAP));
        failed =
          UPSTREAM_FAILED.test(line) && counts(name, line)
            ? { section: name, line: hit.line, text: clip(line.trim()) }
            : null;
      }
      if (failed) failing.set(owner, failed);
    });
  }
  return failing;
}

/**
 * Each Service with a selector, joined with the pods and pod templates the evidence shows and the
 * ingress that routes to it. The backend a Service is meant to front carries the Service's own
 * labels (`app: gateway-server` on both): a selector naming another value for such a key
 * (selectorConflict), or live pods labelled as the Service that the selector does not select
 * (backendPodsUnselected), send the ingress's traffic elsewhere or nowhere. Fields: name,
 * namespace, selector, selectorConflict, podsSeen, selectedPods (null with no pods seen),
 * backendPodsUnselected, endpoints, ingressBackend, upstreamFailing.
 */
export const serviceSelection: FactJoin = {
  kind: 'service.selection',
  inputs: [],
  // Sections with a Service's selector; pods, ingresses and the controller's log are then read
  // from every section, wherever the collector or the report put them.
  markers: ['selector:'],
  join(input) {
    if (input.sections.length === 0) return [];
    const objects = input.allSections.flatMap(({ name, output }) => k8sObjects(name, output));
    const services = objects.filter(
      (o) => o.kind === 'Service' && o.selector && o.selector.size > 0,
    );
    if (services.length === 0) return [];
    const pods = objects.filter((o) => o.kind !== 'Service' && live(o));
    const backends = ingressBackends(input.allSections);
    const failing = failingUpstreams(services, input.allSections, input.counts);
    const facts: Fact[] = [];
    for (const s of services.slice(0, MAX_JOINED_FACTS)) {
      const selector = s.selector!;
      const own = [...selector.keys()].filter((k) => s.labels.has(k));
      const conflict = own.some((k) => s.labels.get(k) !== selector.get(k));
      const nearby = pods.filter((p) => sameNamespace(p, s));
      const selected = nearby.filter((p) => selects(selector, p.labels));
      const backendUnselected = nearby.filter(
        (p) =>
          own.length > 0 &&
          own.every((k) => p.labels.get(k) === s.labels.get(k)) &&
          !selects(selector, p.labels),
      );
      const upstream = failing.get(s);
      facts.push({
        kind: 'service.selection',
        section: s.at.section,
        line: s.at.line,
        text: s.at.text,
        fields: {
          name: s.name,
          namespace: s.namespace,
          selector: [...selector].map(([k, v]) => `${k}=${v}`).join(','),
          selectorConflict: conflict,
          podsSeen: nearby.length,
          selectedPods: nearby.length === 0 ? null : selected.length,
          backendPodsUnselected: backendUnselected.length,
          endpoints: s.endpoints,
          ingressBackend: upstream !== undefined || (s.name !== null && backends.has(s.name)),
          upstreamFailing: upstream !== undefined,
        },
        joined: [
          ...(upstream ? [upstream] : []),
          ...backendUnselected.slice(0, 2).map((p) => p.at),
        ],
      });
    }
    return facts;
  },
};
