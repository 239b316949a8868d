/**
 * A local HTTPS Kubernetes API server for tests: serves recorded objects from a scenario,
 * checks the bearer token, and behaves like kube-apiserver where the collectors and actions
 * depend on it: PodDisruptionBudgets evaluated on eviction (429 with the real Status body,
 * disruptionsAllowed decremented on success), list pagination with limit/continue (410 Expired
 * for a token older than a compaction), 409 Conflict on a stale resourceVersion (PATCH/PUT),
 * 403 Forbidden from a denied verb with RBAC's wording, 404 NotFound, field selectors with the
 * field labels each resource supports (400 for any other), a uid on every object, and controllers
 * that recreate a named pod under the same name with a new uid. Scripted throttling, 500 answers
 * and requests never answered remain for fault injection.
 * The CA and server certificate are generated per run with the openssl CLI (SAN IP:127.0.0.1).
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { matchesLabelSelector } from '../../../lambdas/core/kubernetes/label-selector.js';
import {
  conflict,
  continueExpired,
  disruptionBudgetRefusal,
  forbidden,
  multipleBudgets,
  notFound,
  statusBody as status,
} from './api-status.js';
import { kubeletLog } from './kubelet-log.js';

type Obj = Record<string, any>;

/** The objects a scenario serves, by plural resource name. */
export interface ScenarioObjects {
  nodes?: Obj[];
  pods?: Obj[];
  events?: Obj[];
  namespaces?: Obj[];
  networkpolicies?: Obj[];
  services?: Obj[];
  endpoints?: Obj[];
  ingresses?: Obj[];
  deployments?: Obj[];
  daemonsets?: Obj[];
  statefulsets?: Obj[];
  poddisruptionbudgets?: Obj[];
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
export interface RecordedRequest {
  method: string;
  path: string;
  contentType?: string;
  body?: unknown;
}

/**
 * A scripted eviction answer (fault injection). PodDisruptionBudget refusals are not scripted:
 * put a PodDisruptionBudget in the scenario and the server evaluates it.
 */
export type EvictionAnswer = 201 | '429-throttle' | 500 | 'evicted-then-500';

const RESOURCES = [
  'nodes',
  'pods',
  'events',
  'namespaces',
  'networkpolicies',
  'services',
  'endpoints',
  'ingresses',
  'deployments',
  'daemonsets',
  'statefulsets',
  'poddisruptionbudgets',
] as const;
/** A served resource. */
export type Resource = (typeof RESOURCES)[number];
const KIND: Record<string, string> = {
  nodes: 'NodeList',
  pods: 'PodList',
  events: 'EventList',
  namespaces: 'NamespaceList',
  networkpolicies: 'NetworkPolicyList',
  services: 'ServiceList',
  endpoints: 'EndpointsList',
  ingresses: 'IngressList',
  deployments: 'DeploymentList',
  daemonsets: 'DaemonSetList',
  statefulsets: 'StatefulSetList',
  poddisruptionbudgets: 'PodDisruptionBudgetList',
};
const GROUP: Record<string, string> = {
  deployments: 'apps',
  daemonsets: 'apps',
  statefulsets: 'apps',
  networkpolicies: 'networking.k8s.io',
  ingresses: 'networking.k8s.io',
  poddisruptionbudgets: 'policy',
};
const VERB: Record<string, string> = {
  GET: 'get',
  DELETE: 'delete',
  PATCH: 'patch',
  PUT: 'update',
  POST: 'create',
};

function getPath(obj: Obj, dotted: string): unknown {
  return dotted.split('.').reduce<any>((o, k) => (o == null ? undefined : o[k]), obj);
}

/** A field label's value on an object, as the resource's GetAttrs gives it. */
type FieldOf = (o: Obj) => string;
const at =
  (dotted: string, unset = ''): FieldOf =>
  (o) =>
    String(getPath(o, dotted) ?? unset);

/**
 * The field labels kube-apiserver accepts in a fieldSelector, by resource; metadata.name and
 * metadata.namespace go with every resource, anything else is 400 "field label not supported".
 * Sources: pkg/registry/core/pod/strategy.go and event/strategy.go (ToSelectableFields),
 * pkg/registry/core/node/strategy.go, pkg/registry/core/namespace/strategy.go.
 */
const FIELD_LABELS: Record<string, Record<string, FieldOf>> = {
  pods: {
    'spec.nodeName': at('spec.nodeName'),
    'spec.restartPolicy': at('spec.restartPolicy'),
    'spec.schedulerName': at('spec.schedulerName'),
    'spec.serviceAccountName': at('spec.serviceAccountName'),
    'spec.hostNetwork': at('spec.hostNetwork', 'false'),
    'status.phase': at('status.phase'),
    'status.podIP': at('status.podIP'),
    'status.nominatedNodeName': at('status.nominatedNodeName'),
  },
  events: {
    'involvedObject.kind': at('involvedObject.kind'),
    'involvedObject.namespace': at('involvedObject.namespace'),
    'involvedObject.name': at('involvedObject.name'),
    'involvedObject.uid': at('involvedObject.uid'),
    'involvedObject.apiVersion': at('involvedObject.apiVersion'),
    'involvedObject.resourceVersion': at('involvedObject.resourceVersion'),
    'involvedObject.fieldPath': at('involvedObject.fieldPath'),
    reason: at('reason'),
    reportingComponent: at('reportingComponent'),
    source: at('source.component'),
    type: at('type'),
  },
  nodes: { 'spec.unschedulable': at('spec.unschedulable', 'false') },
  namespaces: { 'status.phase': at('status.phase') },
};

/** `field op value` terms of a fieldSelector (`=`, `==`, `!=`), or the label the resource does not support. */
function fieldFilter(
  resource: string,
  selector: string,
): { keep: (o: Obj) => boolean } | { unsupported: string } {
  const tests: ((o: Obj) => boolean)[] = [];
  for (const term of selector.split(',')) {
    const m = /^([^!=]+)(==|!=|=)(.*)$/.exec(term.trim());
    if (!m) return { unsupported: term };
    const [, label, op, value] = m as unknown as [string, string, string, string];
    const field =
      label === 'metadata.name' || label === 'metadata.namespace'
        ? at(label)
        : FIELD_LABELS[resource]?.[label];
    if (!field) return { unsupported: label };
    tests.push(op === '!=' ? (o) => field(o) !== value : (o) => field(o) === value);
  }
  return { keep: (o) => tests.every((t) => t(o)) };
}

function mergePatch(target: Obj, patch: Obj): Obj {
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete target[k];
    else if (
      typeof v === 'object' &&
      !Array.isArray(v) &&
      typeof target[k] === 'object' &&
      target[k] !== null &&
      !Array.isArray(target[k])
    )
      mergePatch(target[k], v);
    else target[k] = structuredClone(v);
  }
  return target;
}

/** A continue token: where the next page starts, and the compaction epoch it was issued in. */
interface ContinueToken {
  readonly start: number;
  readonly epoch: number;
}
const encodeContinue = (t: ContinueToken) => Buffer.from(JSON.stringify(t)).toString('base64url');
function decodeContinue(raw: string): ContinueToken | undefined {
  try {
    const t = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as ContinueToken;
    return Number.isInteger(t.start) && Number.isInteger(t.epoch) ? t : undefined;
  } catch {
    return undefined;
  }
}

/** Makes a throwaway CA and a server certificate for 127.0.0.1 with openssl; returns PEMs. */
export function makeCertificates(): { ca: string; cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), 'paramedic-k8s-'));
  try {
    const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    run([
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-days',
      '1',
      '-subj',
      '/CN=paramedic-test-ca',
    ]);
    run([
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'server.key',
      '-out',
      'server.csr',
      '-subj',
      '/CN=127.0.0.1',
    ]);
    require_ext(dir);
    run([
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'server.crt',
      '-days',
      '1',
      '-extfile',
      'ext.cnf',
    ]);
    return {
      ca: readFileSync(join(dir, 'ca.crt'), 'utf8'),
      cert: readFileSync(join(dir, 'server.crt'), 'utf8'),
      key: readFileSync(join(dir, 'server.key'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function require_ext(dir: string): void {
  execFileSync(
    'sh',
    ['-c', 'printf "subjectAltName=IP:127.0.0.1\\nbasicConstraints=CA:FALSE\\n" > ext.cnf'],
    { cwd: dir },
  );
}

/** The fake API server. */
export class FakeApiServer {
  readonly requests: RecordedRequest[] = [];
  /** Scripted eviction answers per `ns/pod`, consumed in order; default: evaluate the budgets and evict. */
  readonly evictions = new Map<string, EvictionAnswer[]>();
  /** Answer PATCH node with 500 this many times (tests undo paths). */
  failNodePatches = 0;
  /** Verbs the caller's role lacks, as `verb resource` (`get nodes`, `create pods/eviction`): answered 403. */
  readonly denied = new Set<string>();
  /** The user name in 403 messages (what an EKS access entry maps the role to). */
  user = 'arn:aws:sts::123456789012:assumed-role/paramedic-collect/paramedic';
  /** Page size the server caps every list at, even without `limit` (0: no cap). */
  maxPageSize = 0;
  /** Milliseconds each answer waits (an API server across a network, for benchmarks); 0: at once. */
  latencyMs = 0;
  /** Requests whose path starts with a key are answered 429 with `Retry-After: 1` this many times (API Priority and Fairness shedding load). */
  readonly throttled = new Map<string, number>();
  /** The same for a list's later pages only (requests that carry a `continue` token). */
  readonly throttledLaterPages = new Map<string, number>();
  /** Before a write, mutates the stored object this many times (another writer racing: the caller's resourceVersion goes stale). */
  concurrentWrites = 0;
  /**
   * `ns/pod` names whose controller recreates them at once under the same name with a new uid
   * (a StatefulSet's pods): evicting or deleting one leaves a new Pending, unscheduled pod.
   */
  readonly recreatedByController = new Set<string>();
  /**
   * Requests whose `METHOD path` starts with a key are read and never answered, this many times
   * (a connection a proxy or an overloaded API server keeps open without a reply).
   */
  readonly unanswered = new Map<string, number>();
  /**
   * Each request left unanswered, and when (epoch ms) its connection closed: a caller that aborts
   * a timed-out request closes it at once, one that abandons it leaves it open until the server stops.
   */
  readonly hung: { request: string; closed: Promise<number> }[] = [];
  /**
   * Requests whose `METHOD path` starts with a key are carried out and their answer never sent, this
   * many times (an answer lost on the way back: the write was done, the caller cannot know it).
   */
  readonly answerLost = new Map<string, number>();
  /** Tokens the server accepts; default: exactly `token`. EKS-token tests accept any `k8s-aws-v1.` token they signed. */
  acceptsToken: (token: string) => boolean = (t) => t === this.token;
  private server?: Server;
  private store: Record<string, Obj[]> = {};
  private resourceVersion = 1000;
  private epoch = 0;
  port = 0;

  constructor(
    private readonly certs: { ca: string; cert: string; key: string },
    public token: string,
    public scenario: Scenario,
  ) {
    this.load(scenario);
  }

  /** Replaces the served state with a scenario. */
  load(scenario: Scenario): void {
    this.scenario = scenario;
    this.store = {};
    for (const r of RESOURCES) this.store[r] = structuredClone(scenario.objects[r] ?? []);
    for (const r of RESOURCES)
      for (const o of this.store[r]!) {
        o.metadata ??= {};
        o.metadata.resourceVersion ??= String(this.nextVersion());
        o.metadata.uid ??= randomUUID();
      }
    this.requests.length = 0;
    this.evictions.clear();
    this.denied.clear();
    this.failNodePatches = 0;
    this.maxPageSize = 0;
    this.latencyMs = 0;
    this.throttled.clear();
    this.throttledLaterPages.clear();
    this.concurrentWrites = 0;
    this.recreatedByController.clear();
    this.unanswered.clear();
    this.hung.length = 0;
    this.answerLost.clear();
  }

  /** Current objects of a resource (tests assert on writes and add objects). */
  objects(resource: Resource): Obj[] {
    return this.store[resource]!;
  }

  /** Simulates an etcd compaction: every continue token issued so far expires (410). */
  compact(): void {
    this.epoch++;
  }

  /** `https://127.0.0.1:PORT`. */
  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  async start(port = 0): Promise<void> {
    this.server = createServer({ cert: this.certs.cert, key: this.certs.key }, (req, res) => {
      let raw = '';
      req.setEncoding('utf8');
      req.on('data', (d: string) => {
        raw += d;
      });
      req.on('end', () => {
        const answer = () => {
          try {
            this.handle(req, res, raw);
          } catch (e) {
            this.send(res, 500, status(500, 'InternalError', String(e)));
          }
        };
        if (this.latencyMs > 0) setTimeout(answer, this.latencyMs);
        else answer();
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

  private nextVersion(): number {
    return ++this.resourceVersion;
  }

  private bump(obj: Obj): void {
    obj.metadata.resourceVersion = String(this.nextVersion());
  }

  private send(
    res: ServerResponse,
    code: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(code, {
      'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
      ...headers,
    });
    res.end(text);
  }

  /** One page of a list: `limit` (capped by maxPageSize) and `continue` as kube-apiserver pages. */
  private list(resource: string, items: Obj[], url: URL, res: ServerResponse): void {
    const rawContinue = url.searchParams.get('continue');
    let start = 0;
    if (rawContinue) {
      const token = decodeContinue(rawContinue);
      if (!token) {
        this.send(
          res,
          400,
          status(
            400,
            'BadRequest',
            'continue key is not valid: illegal base64 data at input byte 0',
          ),
        );
        return;
      }
      if (token.epoch !== this.epoch) {
        this.send(res, 410, continueExpired());
        return;
      }
      start = token.start;
    }
    const asked = Number(url.searchParams.get('limit') ?? '0');
    const limit = [asked, this.maxPageSize]
      .filter((n) => n > 0)
      .reduce((a, b) => Math.min(a, b), Infinity);
    const page = items.slice(start, start + limit);
    const next = start + page.length;
    const metadata: Obj = { resourceVersion: String(this.resourceVersion) };
    if (next < items.length) {
      metadata.continue = encodeContinue({ start: next, epoch: this.epoch });
      metadata.remainingItemCount = items.length - next;
    }
    this.send(res, 200, {
      kind: KIND[resource],
      apiVersion: GROUP[resource] ? `${GROUP[resource]}/v1` : 'v1',
      metadata,
      items: page,
    });
  }

  /** Budgets in the pod's namespace whose selector matches the pod (an empty selector matches every pod in policy/v1). */
  private budgetsFor(pod: Obj): Obj[] {
    return this.store.poddisruptionbudgets!.filter(
      (b) =>
        b.metadata?.namespace === pod.metadata?.namespace &&
        matchesLabelSelector(b.spec?.selector ?? {}, pod.metadata?.labels),
    );
  }

  /** eviction.go: finished pods skip the budgets; one budget is checked and decremented; more than one is an error. */
  private evict(pod: Obj, idx: number, res: ServerResponse): void {
    const finished = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
    const budgets = finished ? [] : this.budgetsFor(pod);
    if (budgets.length > 1) {
      this.send(res, 500, multipleBudgets());
      return;
    }
    const pdb = budgets[0];
    if (pdb) {
      pdb.status ??= {};
      if ((pdb.status.disruptionsAllowed ?? 0) <= 0) {
        this.send(res, 429, disruptionBudgetRefusal(pdb));
        return;
      }
      pdb.status.disruptionsAllowed--;
      this.bump(pdb);
    }
    this.removePod(idx);
    this.send(res, 201, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      code: 201,
    });
  }

  /** Deletes a pod; a controller in `recreatedByController` creates its successor under the same name. */
  private removePod(idx: number): void {
    const [gone] = this.store.pods!.splice(idx, 1);
    const key = `${gone?.metadata?.namespace}/${gone?.metadata?.name}`;
    if (!gone || !this.recreatedByController.has(key)) return;
    const { nodeName: _scheduledTo, ...spec } = gone.spec ?? {};
    this.store.pods!.push({
      ...structuredClone(gone),
      metadata: {
        ...structuredClone(gone.metadata),
        uid: randomUUID(),
        resourceVersion: String(this.nextVersion()),
      },
      spec,
      status: { phase: 'Pending' },
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse, raw: string): void {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const method = req.method ?? 'GET';
    const body = raw
      ? (() => {
          try {
            return JSON.parse(raw);
          } catch {
            return raw;
          }
        })()
      : undefined;
    this.requests.push({
      method,
      path: `${url.pathname}${url.search}`,
      contentType: req.headers['content-type'],
      body,
    });
    const hang = [...this.unanswered].find(
      ([prefix, left]) => left > 0 && `${method} ${url.pathname}`.startsWith(prefix),
    );
    if (hang) {
      // Read, never answered: the caller's own timeout is all that ends the wait.
      this.unanswered.set(hang[0], hang[1] - 1);
      // A response never ended closes only with its connection.
      const closed = new Promise<number>((resolve) => res.on('close', () => resolve(Date.now())));
      this.hung.push({ request: `${method} ${url.pathname}`, closed });
      return;
    }
    const lost = [...this.answerLost].find(
      ([prefix, left]) => left > 0 && `${method} ${url.pathname}`.startsWith(prefix),
    );
    if (lost) {
      this.answerLost.set(lost[0], lost[1] - 1);
      // Carried out against a response that goes nowhere; the real one is never ended.
      res = {
        writeHead: () => res,
        setHeader: () => res,
        write: () => true,
        end: () => res,
      } as unknown as ServerResponse;
    }
    if (!this.acceptsToken(String(req.headers.authorization ?? '').replace(/^Bearer /, ''))) {
      this.send(res, 401, status(401, 'Unauthorized', 'Unauthorized'));
      return;
    }
    const p = url.pathname;
    const laterPage = url.searchParams.has('continue');
    for (const [budget, prefix, left] of [
      ...[...this.throttled].map(([k, n]) => [this.throttled, k, n] as const),
      ...(laterPage
        ? [...this.throttledLaterPages].map(([k, n]) => [this.throttledLaterPages, k, n] as const)
        : []),
    ])
      if (left > 0 && p.startsWith(prefix)) {
        budget.set(prefix, left - 1);
        this.send(
          res,
          429,
          status(429, 'TooManyRequests', 'Too many requests, please try again later.'),
          { 'retry-after': '1' },
        );
        return;
      }
    if (p === '/readyz') {
      const r = this.scenario.readyz ?? {
        status: 200,
        body: '[+]ping ok\n[+]log ok\n[+]etcd ok\n[+]informer-sync ok\n[+]poststarthook/start-apiextensions-controllers ok\nreadyz check passed\n',
      };
      this.send(res, r.status, r.body);
      return;
    }
    if (p === '/version') {
      this.send(res, 200, {
        major: '1',
        minor: '30',
        gitVersion: 'v1.30.4-eks-a737599',
        platform: 'linux/amd64',
      });
      return;
    }
    if (this.scenario.failReads && method === 'GET') {
      const f = this.scenario.failReads;
      this.send(res, f.code, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: f.message,
        ...(f.reason ? { reason: f.reason } : {}),
        code: f.code,
      });
      return;
    }
    const m =
      /^\/(?:api\/v1|apis\/[a-z0-9.]+\/v1)(?:\/namespaces\/([^/]+))?\/([a-z]+)(?:\/([^/]+))?(?:\/([a-z]+))?$/.exec(
        p,
      );
    if (!m) {
      this.send(
        res,
        404,
        status(404, 'NotFound', 'the server could not find the requested resource'),
      );
      return;
    }
    const [, ns, resource, name, sub] = m;
    if (!resource || !this.store[resource]) {
      this.send(
        res,
        404,
        status(404, 'NotFound', 'the server could not find the requested resource'),
      );
      return;
    }
    const group = GROUP[resource] ?? '';
    const verb = name
      ? (VERB[method] ?? method.toLowerCase())
      : method === 'GET'
        ? 'list'
        : (VERB[method] ?? method.toLowerCase());
    const rbacResource =
      sub && sub !== 'log' ? `${resource}/${sub}` : sub === 'log' ? 'pods/log' : resource;
    if (this.denied.has(`${verb} ${rbacResource}`)) {
      const clusterScoped = resource === 'nodes' || resource === 'namespaces';
      this.send(
        res,
        403,
        forbidden(this.user, verb, rbacResource, group, name, clusterScoped ? undefined : ns),
      );
      return;
    }
    if (resource === 'namespaces' && name && !sub) {
      // /api/v1/namespaces/{ns} is a namespace read
      const found = this.store.namespaces!.find((o) => o.metadata?.name === name);
      if (found) this.send(res, 200, found);
      else this.send(res, 404, notFound('namespaces', '', name));
      return;
    }
    const inNs = (o: Obj) => !ns || o.metadata?.namespace === ns;
    if (!name) {
      let items = this.store[resource]!.filter(inNs);
      const fs = url.searchParams.get('fieldSelector');
      if (fs) {
        const filter = fieldFilter(resource, fs);
        if ('unsupported' in filter) {
          this.send(
            res,
            400,
            status(400, 'BadRequest', `field label not supported: ${filter.unsupported}`),
          );
          return;
        }
        items = items.filter(filter.keep);
      }
      const ls = url.searchParams.get('labelSelector');
      if (ls)
        for (const term of ls.split(',')) {
          const [k, v] = term.split('=');
          items = items.filter((o) => o.metadata?.labels?.[k!] === v);
        }
      this.list(resource, items, url, res);
      return;
    }
    const idx = this.store[resource]!.findIndex((o) => inNs(o) && o.metadata?.name === name);
    const obj = idx >= 0 ? this.store[resource]![idx] : undefined;
    const missing = () => this.send(res, 404, notFound(resource, group, name));
    if (sub === 'log') {
      if (!obj) {
        missing();
        return;
      }
      const container = url.searchParams.get('container') ?? obj.spec?.containers?.[0]?.name;
      const logs = this.scenario.logs?.[`${ns}/${name}/${container}`];
      const previous = url.searchParams.get('previous') === 'true';
      const running = (obj.status?.containerStatuses ?? []).some(
        (cs: Obj) =>
          cs.name === container &&
          (cs.state?.running || cs.state?.terminated || cs.lastState?.terminated),
      );
      const text = previous ? logs?.previous : (logs?.current ?? (running ? '' : undefined));
      if (text === undefined) {
        this.send(
          res,
          400,
          status(
            400,
            'BadRequest',
            previous
              ? `previous terminated container "${container}" in pod "${name}" not found`
              : `container "${container}" in pod "${name}" is waiting to start: trying and failing to pull image`,
          ),
        );
        return;
      }
      const cs = (obj.status?.containerStatuses ?? []).find((x: Obj) => x.name === container);
      const now = Date.parse(this.scenario.now);
      const ended = previous
        ? cs?.lastState?.terminated?.finishedAt
        : cs?.state?.terminated?.finishedAt;
      const q = url.searchParams;
      const body = kubeletLog(
        text,
        {
          tailLines: Number(q.get('tailLines') ?? '0'),
          sinceSeconds: Number(q.get('sinceSeconds') ?? '0'),
          timestamps: q.get('timestamps') === 'true',
        },
        ended ? Date.parse(ended) : now,
        now,
      );
      this.send(res, 200, body);
      return;
    }
    if (sub === 'eviction' && method === 'POST') {
      if (!obj) {
        missing();
        return;
      }
      // The eviction's deleteOptions preconditions, as the store's Delete checks them
      // (apiserver registry/generic/registry/store.go): another pod under the name is a 409.
      const expectedUid = body?.deleteOptions?.preconditions?.uid;
      if (expectedUid !== undefined && expectedUid !== obj.metadata?.uid) {
        this.send(
          res,
          409,
          status(
            409,
            'Conflict',
            `Operation cannot be fulfilled on Pod "${name}": Precondition failed: UID in precondition: ${expectedUid}, UID in object meta: ${obj.metadata?.uid}`,
          ),
        );
        return;
      }
      const answer = this.evictions.get(`${ns}/${name}`)?.shift() ?? 201;
      if (answer === 'evicted-then-500') {
        // The eviction is done, but its answer is lost (a timeout on the way back, an apiserver restart).
        this.removePod(idx);
        this.send(
          res,
          500,
          status(500, 'InternalError', 'Internal error occurred: etcdserver: request timed out'),
        );
      } else if (answer === '429-throttle') {
        this.send(
          res,
          429,
          status(429, 'TooManyRequests', 'Too many requests, please try again later.'),
          { 'retry-after': '1' },
        );
      } else if (answer === 500) {
        this.send(
          res,
          500,
          status(500, 'InternalError', 'Internal error occurred: etcdserver: request timed out'),
        );
      } else {
        this.evict(obj, idx, res);
      }
      return;
    }
    if (!obj) {
      missing();
      return;
    }
    if (method === 'GET') {
      this.send(res, 200, obj);
      return;
    }
    if (method === 'DELETE') {
      if (resource === 'pods') this.removePod(idx);
      else this.store[resource]!.splice(idx, 1);
      this.send(res, 200, obj);
      return;
    }
    if (method === 'PATCH' || method === 'PUT') {
      const ct = String(req.headers['content-type'] ?? '');
      if (method === 'PATCH' && !/merge-patch\+json|strategic-merge-patch\+json/.test(ct)) {
        this.send(
          res,
          415,
          status(
            415,
            'UnsupportedMediaType',
            `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml; got ${ct}`,
          ),
        );
        return;
      }
      if (resource === 'nodes' && this.failNodePatches > 0) {
        this.failNodePatches--;
        this.send(
          res,
          500,
          status(500, 'InternalError', 'Internal error occurred: etcdserver: leader changed'),
        );
        return;
      }
      if (this.concurrentWrites > 0) {
        this.concurrentWrites--;
        this.bump(obj);
      }
      // A resourceVersion in the body is a precondition (optimistic concurrency): stale means 409.
      const wanted = (body as Obj | undefined)?.metadata?.resourceVersion;
      if (wanted !== undefined && wanted !== obj.metadata.resourceVersion) {
        this.send(res, 409, conflict(resource, group, name));
        return;
      }
      if (method === 'PUT') this.store[resource]![idx] = structuredClone(body as Obj);
      else mergePatch(obj, body as Obj);
      const stored = this.store[resource]![idx]!;
      this.bump(stored);
      this.send(res, 200, stored);
      return;
    }
    this.send(res, 405, status(405, 'MethodNotAllowed', `${method} is not supported`));
  }
}
