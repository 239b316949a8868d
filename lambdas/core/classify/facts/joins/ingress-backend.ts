import { forEachLine, type Fact } from '../fact.js';
import { MAX_JOINED_FACTS, type FactJoin } from './fact-join.js';
import { ingressBackends } from './service-selection.js';

// `kubectl get svc` (with or without -A): the header, then one row per Service up to a blank line,
// a prompt or another table. The header's literals come first: linear on the JavaScript engine.
const LISTING_HEADER = /^\s*(NAMESPACE\s+)?NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)/;
const ROW = /^\s*(\S{1,253})\s+(\S{1,253})(\s+\S+)?/;
const SERVICE_TYPE = /^(ClusterIP|NodePort|LoadBalancer|ExternalName)$/;

/** Names of the Services in every `kubectl get svc` listing, or null when no listing was shown. */
function listedServices(sections: readonly { output: string }[]): Set<string> | null {
  let names: Set<string> | null = null;
  for (const { output } of sections) {
    let namespaced: boolean | null = null;
    forEachLine(output, (line) => {
      const header = LISTING_HEADER.exec(line);
      if (header) {
        namespaced = header[1] !== undefined;
        names ??= new Set();
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
