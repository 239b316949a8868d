import { matchesLabelSelector } from './label-selector.js';
import type { Endpoints, Ingress, IngressBackend, Pod, Service, ServicePort } from './types.js';

/** Why a backend does or does not serve traffic. */
export type BackendStatus =
  | 'ok'
  | 'service-not-found'
  | 'port-not-found'
  | 'no-endpoints'
  | 'no-ready-endpoints'
  | 'resource-backend';

/** One ingress path (or default backend) resolved to a service, a port and ready endpoints. */
export interface BackendResolution {
  readonly namespace: string;
  readonly ingress: string;
  /** `*` for rules without a host; `<default>` for the default backend. */
  readonly host: string;
  readonly path: string;
  readonly service?: string;
  /** The port as the ingress names it (number or name). */
  readonly port?: string;
  readonly status: BackendStatus;
  readonly readyAddresses: readonly string[];
  readonly notReadyAddresses: readonly string[];
  /** One line a person reads, e.g. `service "web" not found`. */
  readonly message: string;
}

/** The service port an ingress backend names: by number or by name; undefined when none matches. */
export function findServicePort(
  service: Service,
  port: { number?: number; name?: string } | undefined,
): ServicePort | undefined {
  const ports = service.spec?.ports ?? [];
  if (!port) return ports.length === 1 ? ports[0] : undefined;
  if (port.number !== undefined && port.number !== 0)
    return ports.find((p) => p.port === port.number);
  if (port.name) return ports.find((p) => p.name === port.name);
  return undefined;
}

/** Ready and not-ready `ip:port` addresses of an Endpoints object for one service port (by name, as the endpoints controller names them). */
export function endpointAddresses(
  endpoints: Endpoints | undefined,
  servicePort: ServicePort,
): { ready: string[]; notReady: string[] } {
  const ready: string[] = [];
  const notReady: string[] = [];
  for (const subset of endpoints?.subsets ?? []) {
    const port =
      (subset.ports ?? []).find((p) => (p.name ?? '') === (servicePort.name ?? '')) ??
      ((subset.ports ?? []).length === 1 && !servicePort.name ? subset.ports![0] : undefined);
    if (!port) continue;
    for (const a of subset.addresses ?? []) ready.push(`${a.ip}:${port.port}`);
    for (const a of subset.notReadyAddresses ?? []) notReady.push(`${a.ip}:${port.port}`);
  }
  return { ready, notReady };
}

function resolveOne(
  ns: string,
  ingress: string,
  host: string,
  path: string,
  backend: IngressBackend,
  services: readonly Service[],
  endpoints: readonly Endpoints[],
): BackendResolution {
  const base = { namespace: ns, ingress, host, path };
  if (!backend.service) {
    const r = backend.resource;
    return {
      ...base,
      status: 'resource-backend',
      readyAddresses: [],
      notReadyAddresses: [],
      message: `resource backend ${r?.kind ?? '?'}/${r?.name ?? '?'} (not evaluated)`,
    };
  }
  const name = backend.service.name;
  const portText = backend.service.port?.number
    ? String(backend.service.port.number)
    : (backend.service.port?.name ?? '');
  const svc = services.find(
    (s) => s.metadata?.name === name && (s.metadata?.namespace ?? ns) === ns,
  );
  const withService = { ...base, service: name, port: portText };
  if (!svc) {
    return {
      ...withService,
      status: 'service-not-found',
      readyAddresses: [],
      notReadyAddresses: [],
      message: `service "${name}" not found in namespace ${ns}`,
    };
  }
  const sp = findServicePort(svc, backend.service.port);
  if (!sp) {
    const have =
      (svc.spec?.ports ?? [])
        .map((p) => `${p.name ? `${p.name} ` : ''}${p.port}/${p.protocol ?? 'TCP'}`)
        .join(', ') || 'none';
    return {
      ...withService,
      status: 'port-not-found',
      readyAddresses: [],
      notReadyAddresses: [],
      message: `service "${name}" has no port ${portText} (service ports: ${have})`,
    };
  }
  const ep = endpoints.find(
    (e) => e.metadata?.name === name && (e.metadata?.namespace ?? ns) === ns,
  );
  const { ready, notReady } = endpointAddresses(ep, sp);
  if (ready.length === 0 && notReady.length === 0) {
    return {
      ...withService,
      status: 'no-endpoints',
      readyAddresses: [],
      notReadyAddresses: [],
      message: `service "${name}" port ${portText} has no endpoints (selector ${selectorText(svc)} matches no pods)`,
    };
  }
  if (ready.length === 0) {
    return {
      ...withService,
      status: 'no-ready-endpoints',
      readyAddresses: [],
      notReadyAddresses: notReady,
      message: `service "${name}" port ${portText} has no ready endpoints (${notReady.length} not ready: ${notReady.join(',')})`,
    };
  }
  return {
    ...withService,
    status: 'ok',
    readyAddresses: ready,
    notReadyAddresses: notReady,
    message: `service "${name}" port ${portText} -> ${ready.join(',')}`,
  };
}

function selectorText(svc: Service): string {
  const sel = svc.spec?.selector ?? {};
  const keys = Object.keys(sel).sort();
  return keys.length === 0 ? '<none>' : keys.map((k) => `${k}=${sel[k]}`).join(',');
}

/** Resolves every rule path and the default backend of an ingress: rule -> service -> port -> ready endpoints. */
export function resolveIngressBackends(
  ingress: Ingress,
  services: readonly Service[],
  endpoints: readonly Endpoints[],
): BackendResolution[] {
  const ns = ingress.metadata?.namespace ?? 'default';
  const name = ingress.metadata?.name ?? '<unnamed>';
  const out: BackendResolution[] = [];
  if (ingress.spec?.defaultBackend)
    out.push(
      resolveOne(ns, name, '<default>', '', ingress.spec.defaultBackend, services, endpoints),
    );
  for (const rule of ingress.spec?.rules ?? []) {
    for (const p of rule.http?.paths ?? [])
      out.push(
        resolveOne(ns, name, rule.host || '*', p.path ?? '', p.backend, services, endpoints),
      );
  }
  return out;
}

/** Services in the pod's namespace whose selector selects the pod. */
export function servicesSelectingPod(services: readonly Service[], pod: Pod): Service[] {
  const ns = pod.metadata?.namespace ?? 'default';
  return services.filter(
    (s) =>
      (s.metadata?.namespace ?? ns) === ns &&
      s.spec?.selector &&
      Object.keys(s.spec.selector).length > 0 &&
      matchesLabelSelector({ matchLabels: s.spec.selector }, pod.metadata?.labels),
  );
}

/** Names of the services an ingress routes to (rules and default backend). */
export function ingressServiceNames(ingress: Ingress): string[] {
  const names = new Set<string>();
  if (ingress.spec?.defaultBackend?.service) names.add(ingress.spec.defaultBackend.service.name);
  for (const r of ingress.spec?.rules ?? [])
    for (const p of r.http?.paths ?? []) if (p.backend.service) names.add(p.backend.service.name);
  return [...names];
}
