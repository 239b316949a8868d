import type { BackendResolution } from '../ingress-backends.js';
import { formatLabelMap } from '../label-selector.js';
import type { Endpoints, Event, Ingress, IngressBackend, Service } from '../types.js';
import {
  describeEvents,
  eventsFor,
  printAnnotationsMultiline,
  printLabelsMultiline,
} from './describe-common.js';
import { PrefixWriter } from './tab-writer.js';

/** kubectl's formatEndpoints: up to 3 `ip:port`, then ` + N more...`; `<none>` when empty. */
export function formatEndpoints(
  endpoints: Endpoints | undefined,
  portNames?: ReadonlySet<string>,
): string {
  const list: string[] = [];
  let count = 0;
  for (const ss of endpoints?.subsets ?? []) {
    const addresses = ss.addresses ?? [];
    if ((ss.ports ?? []).length === 0) {
      count += addresses.length;
      for (const a of addresses) if (list.length < 3) list.push(a.ip);
      continue;
    }
    for (const port of ss.ports!) {
      if (portNames && !portNames.has(port.name ?? '')) continue;
      count += addresses.length;
      for (const a of addresses) if (list.length < 3) list.push(`${a.ip}:${port.port}`);
    }
  }
  if (list.length === 0) return '<none>';
  return count > 3 ? `${list.join(',')} + ${count - 3} more...` : list.join(',');
}

/** Renders a Service as `kubectl describe service` prints it (Endpoints from the Endpoints object). */
export function renderDescribeService(
  service: Service,
  endpoints: Endpoints | undefined,
  events: readonly Event[],
  now: Date,
): string {
  const w = new PrefixWriter();
  const spec = service.spec ?? {};
  w.write(0, `Name:\t${service.metadata?.name ?? ''}\n`);
  w.write(0, `Namespace:\t${service.metadata?.namespace ?? ''}\n`);
  printLabelsMultiline(w, 'Labels', service.metadata?.labels);
  printAnnotationsMultiline(w, 'Annotations', service.metadata?.annotations);
  w.write(0, `Selector:\t${formatLabelMap(spec.selector)}\n`);
  w.write(0, `Type:\t${spec.type ?? 'ClusterIP'}\n`);
  if (spec.ipFamilyPolicy) w.write(0, `IP Family Policy:\t${spec.ipFamilyPolicy}\n`);
  w.write(
    0,
    `IP Families:\t${(spec.ipFamilies ?? []).length > 0 ? spec.ipFamilies!.join(',') : '<none>'}\n`,
  );
  w.write(0, `IP:\t${spec.clusterIP ?? ''}\n`);
  if ((spec.clusterIPs ?? []).length > 0) w.write(0, `IPs:\t${spec.clusterIPs!.join(',')}\n`);
  if (spec.type === 'ExternalName') w.write(0, `External Name:\t${spec.externalName ?? ''}\n`);
  for (const sp of spec.ports ?? []) {
    const name = sp.name || '<unset>';
    const proto = sp.protocol ?? 'TCP';
    w.write(0, `Port:\t${name}\t${sp.port}/${proto}\n`);
    w.write(0, `TargetPort:\t${sp.targetPort ?? sp.port}/${proto}\n`);
    if (sp.nodePort) w.write(0, `NodePort:\t${name}\t${sp.nodePort}/${proto}\n`);
    w.write(0, `Endpoints:\t${formatEndpoints(endpoints, new Set([sp.name ?? '']))}\n`);
  }
  w.write(0, `Session Affinity:\t${spec.sessionAffinity ?? 'None'}\n`);
  if (spec.externalTrafficPolicy)
    w.write(0, `External Traffic Policy:\t${spec.externalTrafficPolicy}\n`);
  if (spec.internalTrafficPolicy)
    w.write(0, `Internal Traffic Policy:\t${spec.internalTrafficPolicy}\n`);
  describeEvents(
    w,
    eventsFor(events, 'Service', service.metadata?.name ?? '', service.metadata?.namespace),
    now,
  );
  return w.toString();
}

function describeBackend(
  ns: string,
  backend: IngressBackend,
  services: readonly Service[],
  endpoints: readonly Endpoints[],
): string {
  if (backend.service) {
    const b = backend.service;
    const sb = `${b.name}:${b.port?.number ? b.port.number : (b.port?.name ?? '')}`;
    // kubectl reads the Endpoints object first, so a missing service shows as missing endpoints.
    const ep = endpoints.find(
      (e) => e.metadata?.name === b.name && (e.metadata?.namespace ?? ns) === ns,
    );
    if (!ep) return `${sb} (<error: endpoints "${b.name}" not found>)`;
    const svc = services.find(
      (s) => s.metadata?.name === b.name && (s.metadata?.namespace ?? ns) === ns,
    );
    if (!svc) return `${sb}(<error: services "${b.name}" not found>)`;
    let spName = '';
    for (const sp of svc.spec?.ports ?? []) {
      if (b.port?.number && b.port.number === sp.port) spName = sp.name ?? '';
      else if (b.port?.name && b.port.name === sp.name) spName = sp.name ?? '';
    }
    return `${sb} (${formatEndpoints(ep, new Set([spName]))})`;
  }
  if (backend.resource)
    return `APIGroup: ${backend.resource.apiGroup ?? '<none>'}, Kind: ${backend.resource.kind}, Name: ${backend.resource.name}`;
  return '';
}

/** Renders an Ingress as `kubectl describe ingress` prints it, resolving backends against the given services and endpoints. */
export function renderDescribeIngress(
  ingress: Ingress,
  services: readonly Service[],
  endpoints: readonly Endpoints[],
  events: readonly Event[],
  now: Date,
): string {
  const w = new PrefixWriter();
  const ns = ingress.metadata?.namespace ?? 'default';
  const spec = ingress.spec ?? {};
  w.write(0, `Name:\t${ingress.metadata?.name ?? ''}\n`);
  printLabelsMultiline(w, 'Labels', ingress.metadata?.labels);
  w.write(0, `Namespace:\t${ns}\n`);
  const address = (ingress.status?.loadBalancer?.ingress ?? [])
    .map((i) => i.ip || i.hostname || '')
    .filter(Boolean)
    .join(',');
  w.write(0, `Address:\t${address}\n`);
  w.write(0, `Ingress Class:\t${spec.ingressClassName ?? '<none>'}\n`);
  const def = spec.defaultBackend
    ? describeBackend(ns, spec.defaultBackend, services, endpoints)
    : '<default>';
  w.write(0, `Default backend:\t${def}\n`);
  if ((spec.tls ?? []).length > 0) {
    w.write(0, 'TLS:\n');
    for (const t of spec.tls!) {
      if (!t.secretName) w.write(1, `SNI routes ${(t.hosts ?? []).join(',')}\n`);
      else w.write(1, `${t.secretName} terminates ${(t.hosts ?? []).join(',')}\n`);
    }
  }
  w.write(0, 'Rules:\n  Host\tPath\tBackends\n');
  w.write(1, '----\t----\t--------\n');
  let count = 0;
  for (const rule of spec.rules ?? []) {
    if (!rule.http) continue;
    count++;
    w.write(1, `${rule.host || '*'}\t\n`);
    for (const p of rule.http.paths)
      w.write(2, `\t${p.path ?? ''} \t${describeBackend(ns, p.backend, services, endpoints)}\n`);
  }
  if (count === 0) w.write(1, `*\t*\t${def}\n`);
  printAnnotationsMultiline(w, 'Annotations', ingress.metadata?.annotations);
  describeEvents(w, eventsFor(events, 'Ingress', ingress.metadata?.name ?? '', ns), now);
  return w.toString();
}

/** Paramedic's backend check, one line per resolved path, then a summary line per problem. */
export function renderBackendCheck(resolutions: readonly BackendResolution[]): string {
  if (resolutions.length === 0) return '';
  const lines = ['Paramedic backend check:'];
  for (const r of resolutions) {
    const where =
      r.host === '<default>' ? 'default backend' : `host ${r.host} path ${r.path || '/'}`;
    lines.push(
      `  ${r.status === 'ok' ? 'OK     ' : 'BROKEN '} ingress ${r.namespace}/${r.ingress} ${where}: ${r.message}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
