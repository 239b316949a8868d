/**
 * A local HTTPS Kubernetes API server for tests: serves recorded objects from a scenario,
 * checks the bearer token, and implements the writes the remediation actions use (PATCH node /
 * workloads, eviction POST with scripted 201 / 429 / 500 answers, DELETE pod).
 * The CA and server certificate are generated per run with the openssl CLI (SAN IP:127.0.0.1).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Obj = Record<string, any>;

/** The objects a scenario serves, by plural resource name. */
export interface ScenarioObjects {
  nodes?: Obj[]; pods?: Obj[]; events?: Obj[]; namespaces?: Obj[]; networkpolicies?: Obj[]; services?: Obj[];
  endpoints?: Obj[]; ingresses?: Obj[]; deployments?: Obj[]; daemonsets?: Obj[]; statefulsets?: Obj[];
}

/** A recorded cluster state (test/fixtures/kubernetes/scenarios/*.json). */
export interface Scenario {
  id: string;
  label: string | null;
  note?: string;
  source?: string;
  now: string;
  target: { node?: string; namespace?: string; pod?: string };
  objects: ScenarioObjects;
  /** `ns/pod/container` -> log text, current and previous. */
  logs?: Record<string, { current?: string; previous?: string }>;
  readyz?: { status: number; body: string };
  /** Every API read except /readyz and /version answers this Status (etcd down). */
  failReads?: { code: number; message: string; reason?: string };
  /** The API server refuses connections. */
  down?: boolean;
}

/** One recorded request. */
export interface RecordedRequest { method: string; path: string; contentType?: string; body?: unknown }

/** A scripted eviction answer. */
export type EvictionAnswer = 201 | '429-pdb' | '429-throttle' | 500;

const RESOURCES = ['nodes', 'pods', 'events', 'namespaces', 'networkpolicies', 'services', 'endpoints', 'ingresses', 'deployments', 'daemonsets', 'statefulsets'] as const;
const KIND: Record<string, string> = { nodes: 'NodeList', pods: 'PodList', events: 'EventList', namespaces: 'NamespaceList', networkpolicies: 'NetworkPolicyList', services: 'ServiceList', endpoints: 'EndpointsList', ingresses: 'IngressList', deployments: 'DeploymentList', daemonsets: 'DaemonSetList', statefulsets: 'StatefulSetList' };
const SINGULAR: Record<string, string> = { nodes: 'nodes', pods: 'pods', deployments: 'deployments.apps', daemonsets: 'daemonsets.apps', statefulsets: 'statefulsets.apps' };

function getPath(obj: Obj, dotted: string): unknown {
  return dotted.split('.').reduce<any>((o, k) => (o == null ? undefined : o[k]), obj);
}

function mergePatch(target: Obj, patch: Obj): Obj {
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete target[k];
    else if (typeof v === 'object' && !Array.isArray(v) && typeof target[k] === 'object' && target[k] !== null && !Array.isArray(target[k])) mergePatch(target[k], v);
    else target[k] = structuredClone(v);
  }
  return target;
}

const status = (code: number, reason: string, message: string, details?: Obj) => ({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code, ...(details ? { details } : {}) });

/** Makes a throwaway CA and a server certificate for 127.0.0.1 with openssl; returns PEMs. */
export function makeCertificates(): { ca: string; cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), 'paramedic-k8s-'));
  try {
    const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=paramedic-test-ca']);
    run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1']);
    require_ext(dir);
    run(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '1', '-extfile', 'ext.cnf']);
    return { ca: readFileSync(join(dir, 'ca.crt'), 'utf8'), cert: readFileSync(join(dir, 'server.crt'), 'utf8'), key: readFileSync(join(dir, 'server.key'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function require_ext(dir: string): void {
  execFileSync('sh', ['-c', 'printf "subjectAltName=IP:127.0.0.1\\nbasicConstraints=CA:FALSE\\n" > ext.cnf'], { cwd: dir });
}

/** The fake API server. */
export class FakeApiServer {
  readonly requests: RecordedRequest[] = [];
  /** Scripted eviction answers per `ns/pod`, consumed in order; default 201. */
  readonly evictions = new Map<string, EvictionAnswer[]>();
  /** Answer PATCH node with 500 this many times (tests undo paths). */
  failNodePatches = 0;
  private server?: Server;
  private store: Record<string, Obj[]> = {};
  port = 0;

  constructor(private readonly certs: { ca: string; cert: string; key: string }, public token: string, public scenario: Scenario) {
    this.load(scenario);
  }

  /** Replaces the served state with a scenario. */
  load(scenario: Scenario): void {
    this.scenario = scenario;
    this.store = {};
    for (const r of RESOURCES) this.store[r] = structuredClone(scenario.objects[r] ?? []);
    this.requests.length = 0;
    this.evictions.clear();
    this.failNodePatches = 0;
  }

  /** Current objects of a resource (tests assert on writes). */
  objects(resource: (typeof RESOURCES)[number]): Obj[] {
    return this.store[resource]!;
  }

  /** `https://127.0.0.1:PORT`. */
  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  async start(port = 0): Promise<void> {
    this.server = createServer({ cert: this.certs.cert, key: this.certs.key }, (req, res) => {
      let raw = '';
      req.setEncoding('utf8');
      req.on('data', (d: string) => { raw += d; });
      req.on('end', () => {
        try { this.handle(req, res, raw); } catch (e) { this.send(res, 500, status(500, 'InternalError', String(e))); }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  private send(res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(code, { 'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json', ...headers });
    res.end(text);
  }

  private list(resource: string, items: Obj[], res: ServerResponse): void {
    this.send(res, 200, { kind: KIND[resource], apiVersion: 'v1', metadata: { resourceVersion: '1' }, items });
  }

  private handle(req: IncomingMessage, res: ServerResponse, raw: string): void {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const method = req.method ?? 'GET';
    const body = raw ? (() => { try { return JSON.parse(raw); } catch { return raw; } })() : undefined;
    this.requests.push({ method, path: `${url.pathname}${url.search}`, contentType: req.headers['content-type'], body });
    if (req.headers.authorization !== `Bearer ${this.token}`) {
      this.send(res, 401, status(401, 'Unauthorized', 'Unauthorized'));
      return;
    }
    const p = url.pathname;
    if (p === '/readyz') {
      const r = this.scenario.readyz ?? { status: 200, body: '[+]ping ok\n[+]log ok\n[+]etcd ok\n[+]informer-sync ok\n[+]poststarthook/start-apiextensions-controllers ok\nreadyz check passed\n' };
      this.send(res, r.status, r.body);
      return;
    }
    if (p === '/version') {
      this.send(res, 200, { major: '1', minor: '30', gitVersion: 'v1.30.4-eks-a737599', platform: 'linux/amd64' });
      return;
    }
    if (this.scenario.failReads && method === 'GET') {
      const f = this.scenario.failReads;
      this.send(res, f.code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: f.message, ...(f.reason ? { reason: f.reason } : {}), code: f.code });
      return;
    }
    const m = /^\/(?:api\/v1|apis\/[a-z0-9.]+\/v1)(?:\/namespaces\/([^/]+))?\/([a-z]+)(?:\/([^/]+))?(?:\/([a-z]+))?$/.exec(p);
    if (!m) { this.send(res, 404, status(404, 'NotFound', 'the server could not find the requested resource')); return; }
    const [, ns, resource, name, sub] = m;
    if (!resource || !this.store[resource]) { this.send(res, 404, status(404, 'NotFound', 'the server could not find the requested resource')); return; }
    if (resource === 'namespaces' && name && !sub) { // /api/v1/namespaces/{ns} is a namespace read
      const found = this.store.namespaces!.find((o) => o.metadata?.name === name);
      if (found) this.send(res, 200, found); else this.send(res, 404, status(404, 'NotFound', `namespaces "${name}" not found`));
      return;
    }
    const inNs = (o: Obj) => !ns || o.metadata?.namespace === ns;
    if (!name) {
      let items = this.store[resource]!.filter(inNs);
      const fs = url.searchParams.get('fieldSelector');
      if (fs) for (const term of fs.split(',')) { const [k, v] = term.split('='); items = items.filter((o) => String(getPath(o, k!) ?? '') === v); }
      const ls = url.searchParams.get('labelSelector');
      if (ls) for (const term of ls.split(',')) { const [k, v] = term.split('='); items = items.filter((o) => o.metadata?.labels?.[k!] === v); }
      this.list(resource, items, res);
      return;
    }
    const idx = this.store[resource]!.findIndex((o) => inNs(o) && o.metadata?.name === name);
    const obj = idx >= 0 ? this.store[resource]![idx] : undefined;
    const notFound = () => this.send(res, 404, status(404, 'NotFound', `${SINGULAR[resource] ?? resource} "${name}" not found`, { name, kind: resource }));
    if (sub === 'log') {
      if (!obj) { notFound(); return; }
      const container = url.searchParams.get('container') ?? obj.spec?.containers?.[0]?.name;
      const logs = this.scenario.logs?.[`${ns}/${name}/${container}`];
      const previous = url.searchParams.get('previous') === 'true';
      const running = (obj.status?.containerStatuses ?? []).some((cs: Obj) => cs.name === container && (cs.state?.running || cs.state?.terminated || cs.lastState?.terminated));
      const text = previous ? logs?.previous : logs?.current ?? (running ? '' : undefined);
      if (text === undefined) {
        this.send(res, 400, status(400, 'BadRequest', previous ? `previous terminated container "${container}" in pod "${name}" not found` : `container "${container}" in pod "${name}" is waiting to start: trying and failing to pull image`));
        return;
      }
      const tail = Number(url.searchParams.get('tailLines') ?? '0');
      const lines = text.replace(/\n$/, '').split('\n');
      this.send(res, 200, `${(tail > 0 ? lines.slice(-tail) : lines).join('\n')}\n`);
      return;
    }
    if (sub === 'eviction' && method === 'POST') {
      if (!obj) { notFound(); return; }
      const key = `${ns}/${name}`;
      const answer = this.evictions.get(key)?.shift() ?? 201;
      if (answer === '429-pdb') {
        this.send(res, 429, status(429, 'TooManyRequests', 'Cannot evict pod as it would violate the pod\'s disruption budget.', { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget web-pdb needs 2 healthy pods and has 2 currently' }] }));
      } else if (answer === '429-throttle') {
        this.send(res, 429, status(429, 'TooManyRequests', 'Too many requests, please try again later.'), { 'retry-after': '1' });
      } else if (answer === 500) {
        this.send(res, 500, status(500, 'InternalError', 'Internal error occurred: etcdserver: request timed out'));
      } else {
        this.store[resource]!.splice(idx, 1);
        this.send(res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
      }
      return;
    }
    if (!obj) { notFound(); return; }
    if (method === 'GET') { this.send(res, 200, obj); return; }
    if (method === 'DELETE') { this.store[resource]!.splice(idx, 1); this.send(res, 200, obj); return; }
    if (method === 'PATCH') {
      const ct = String(req.headers['content-type'] ?? '');
      if (!/merge-patch\+json|strategic-merge-patch\+json/.test(ct)) {
        this.send(res, 415, status(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml; got ${ct}`));
        return;
      }
      if (resource === 'nodes' && this.failNodePatches > 0) {
        this.failNodePatches--;
        this.send(res, 500, status(500, 'InternalError', 'Internal error occurred: etcdserver: leader changed'));
        return;
      }
      mergePatch(obj, body as Obj);
      obj.metadata.resourceVersion = String(Number(obj.metadata.resourceVersion ?? '1') + 1);
      this.send(res, 200, obj);
      return;
    }
    this.send(res, 405, status(405, 'MethodNotAllowed', `${method} is not supported`));
  }
}
