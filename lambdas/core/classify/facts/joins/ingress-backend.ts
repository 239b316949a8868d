import { forEachLine, type Fact } from '../fact.js';
import { MAX_JOINED_FACTS, type FactJoin } from './fact-join.js';
import { ingressBackends } from './service-selection.js';

// `kubectl get svc` (with or without -A): the header, then one row per Service up to a blank line,
// a prompt or another table. The header's literals come first: linear on the JavaScript engine.
const LISTING_HEADER = /^\s*(NAMESPACE\s+)?NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)/;
const ROW = /^\s*(\S{1,253})\s+(\S{1,253})(\s+\S+)?/;
const SERVICE_TYPE = /^(ClusterIP|NodePort|LoadBalancer|ExternalName)$/;
// The command above a listing: `kubectl get svc …`, `k -n ns get service NAME`, `get svc/NAME`.
const GET_SERVICES = /\bget\s+(?:svc|services?)(\/\S)?([^|;&>]{0,512})/;
// kubectl get flags that take a value as the next word (`-n shop`), which is then no Service name.
const VALUE_FLAG =
  /^(-n|--namespace|-o|--output|--context|--cluster|--user|--kubeconfig|-s|--server|--sort-by|-L|--label-columns|--chunk-size|--template|--request-timeout|--as|--as-group|--as-uid|--token|--certificate-authority|--client-certificate|--client-key)$/;
// A Service's name is a DNS-1035 label: a word that is none (`2` of `2>&1`) names no Service.
const SERVICE_NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const SELECTOR_FLAG = /^(-l|--selector|--field-selector)(=|$)|^-l\S/;

/**
 * Whether a command line is a `get svc` narrowed to named Services or a selector: its table holds
 * only what was asked for (`kubectl -n kube-system get service kube-dns`), so a name missing
 * from it says nothing of which Services exist.
 */
function narrowedGet(command: string): boolean {
  const get = GET_SERVICES.exec(command);
  if (!get) return false;
  if (get[1]) return true;
  const words = get[2]!.trim().split(/\s+/).filter(Boolean);
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (SELECTOR_FLAG.test(w)) return true;
    if (w.startsWith('-')) {
      if (VALUE_FLAG.test(w)) i++;
      continue;
    }
    if (SERVICE_NAME.test(w)) return true;
  }
  return false;
}

/**
 * Names of the Services in every full `kubectl get svc` listing, or null when none was shown. A
 * listing under a command narrowed to names or a selector is left out.
 */
function listedServices(sections: readonly { output: string }[]): Set<string> | null {
  let names: Set<string> | null = null;
  for (const { output } of sections) {
    let namespaced: boolean | null = null;
    let previous = '';
    forEachLine(output, (line) => {
      const above = previous;
      if (/\S/.test(line)) previous = line.length > 1024 ? '' : line;
      const header = LISTING_HEADER.exec(line);
      if (header) {
        namespaced = narrowedGet(above) ? null : header[1] !== undefined;
        if (namespaced !== null) names ??= new Set();
        return;
      }
      if (namespaced === null) return;
      const row = ROW.exec(line);
      // A row's TYPE column is a Service type; anything else ends the table.
      const type = row ? (namespaced ? row[3]?.trim() : row[2]) : undefined;
      if (!row || !type || !SERVICE_TYPE.test(type)) {
        namespaced = null;
        return;
      }
      names!.add(namespaced ? row[2]! : row[1]!);
      if (names!.size > 4096) return false;
    });
  }
  return names;
}

/**
 * Each Service an ingress routes to, joined with the `kubectl get svc` listing shown beside it:
 * `listed` is false when the listing does not hold the name (an ingress template that builds the
 * wrong name, a Service renamed under it). Only emitted when a listing was shown, so a bundle
 * without one decides nothing. Fields: service, listed.
 */
export const ingressBackend: FactJoin = {
  kind: 'ingress.backend',
  inputs: [],
  markers: ['cluster-ip'],
  join(input) {
    if (input.sections.length === 0) return [];
    const listed = listedServices(input.sections);
    if (listed === null || listed.size === 0) return [];
    const facts: Fact[] = [];
    for (const [service, at] of ingressBackends(input.allSections)) {
      if (facts.length >= MAX_JOINED_FACTS) break;
      facts.push({
        kind: 'ingress.backend',
        section: at.section,
        line: at.line,
        text: at.text,
        fields: { service, listed: listed.has(service) },
      });
    }
    return facts;
  },
};
