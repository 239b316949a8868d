/**
 * The web console: a node:http server on 127.0.0.1 serving one static app (console/static) and a
 * JSON API over the local stores (or, with --aws, the stack's audit store). Every POST needs
 * `Content-Type: application/json` and the per-process token the page carries, and the Host header
 * must name the loopback address, so other sites (and DNS rebinding) cannot drive it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import type { AuditOutcome } from '../lambdas/core/audit/audit-entry.js';
import { AUDIT_OUTCOMES } from '../lambdas/core/workflow/model.js';
import type { AuditStore, EvidenceRef, EvidenceStore } from '../lambdas/core/ports.js';
import type { CompiledRulebook } from '../lambdas/core/classify/compile.js';
import { listActions } from '../lambdas/core/remediation/catalog.js';
import {
  listExecutions,
  parseSince,
  viewExecution,
} from '../lambdas/core/audit/execution-summary.js';
import { loadDeferredReaders } from '../lambdas/core/classify/facts/deferred-readers.js';
import { classifyEvidence } from '../lambdas/core/classify/engine.js';
import {
  ApprovalError,
  isValidActor,
  LocalApprovals,
} from '../lambdas/adapters/local/local-approvals.js';
import { LocalAuditStore } from '../lambdas/adapters/local/local-audit-store.js';
import { LocalEvidenceStore } from '../lambdas/adapters/local/local-evidence-store.js';
import { ExecutionRecords } from '../lambdas/local/execute-workflow.js';
import { loadWorkflowDefinition } from '../lambdas/local/workflow-definition.js';
import { manualRun } from '../lambdas/local/triage.js';
import { parseTarget, TARGET_GRAMMAR } from '../lambdas/core/workflow/targets.js';
import { REPO_ROOT } from '../lambdas/adapters/local/runbook-directory.js';
import { renderTimelineSvg } from './timeline-svg.js';
import { renderOutcomesSvg } from './outcomes-chart.js';
import { outcomeStats } from '../lambdas/core/audit/outcome-stats.js';
import { renderWorkflowSvg } from './workflow-graph.js';
import { closeInterruptedRuns } from '../lambdas/local/interrupted-runs.js';

/** Where the static app lives (from the repository root, so the compiled command finds it too). */
export const STATIC_DIR = join(REPO_ROOT, 'console', 'static');

/** Options of the console server. */
export interface ConsoleOptions {
  readonly dataDir: string;
  readonly rulebook: CompiledRulebook;
  /** Default 0 (any free port). */
  readonly port?: number;
  /** Allow `mode: execute` from the manual-run form (default false: dry runs only). */
  readonly allowExecute?: boolean;
  /** Read the trail from here instead of the local data directory (`--aws`). */
  readonly audit?: AuditStore;
  readonly evidence?: EvidenceStore;
  /** The definition the catalogue picture shows (default the one `triage` executes: lambdas/local/workflow.asl.json). */
  readonly workflowDefinition?: Record<string, any>;
  /** Fixed token (tests); default 32 random bytes. */
  readonly token?: string;
}

/** A running console. */
export interface ConsoleServer {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  readonly server: Server;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const RUNBOOK_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const FILTER_VALUE = /^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,252}$/;
const MAX_BODY = 16 * 1024;

const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

function send(res: ServerResponse, status: number, body: string | Buffer, type: string): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}
const json = (res: ServerResponse, status: number, value: unknown) =>
  send(res, status, JSON.stringify(value), 'application/json; charset=utf-8');

async function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new HttpError(413, `request body over ${MAX_BODY} bytes`);
    chunks.push(chunk as Buffer);
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'body is not valid JSON');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new HttpError(400, 'body must be a JSON object');
  return value as Record<string, unknown>;
}

function onlyKeys(body: Record<string, unknown>, allowed: readonly string[]): void {
  const extra = Object.keys(body).filter((k) => !allowed.includes(k));
  if (extra.length)
    throw new HttpError(
      400,
      `unknown field(s) ${extra.join(', ')}; allowed: ${allowed.join(', ')}`,
    );
}

function queryValue(params: URLSearchParams, name: string, pattern: RegExp): string | undefined {
  const v = params.get(name);
  if (v === null || v === '') return undefined;
  if (!pattern.test(v))
    throw new HttpError(400, `query ${name}=${JSON.stringify(v.slice(0, 80))} is invalid`);
  return v;
}

/** `?since=` as an ISO time (a duration back from now, or a time), or undefined; 400 when it is neither. */
function sinceQuery(params: URLSearchParams): string | undefined {
  const raw = queryValue(params, 'since', /^[0-9A-Za-z:.+-]{1,40}$/);
  try {
    return raw ? parseSince(raw, new Date()) : undefined;
  } catch (error) {
    throw new HttpError(400, (error as Error).message);
  }
}

/** Everything the execution page shows, from the trail, the evidence store and the local record. */
async function executionDetail(
  id: string,
  audit: AuditStore,
  evidence: EvidenceStore | undefined,
  records: ExecutionRecords,
  approvals: LocalApprovals,
  rulebook: CompiledRulebook,
) {
  const entries = await audit.execution(id);
  if (entries.length === 0) throw new HttpError(404, `no execution ${id}`);
  const view = viewExecution(entries);
  const first = view.collected.find((c) => c.ref);
  let bundle = null;
  let evidenceError: string | null = null;
  if (first?.ref && evidence) {
    try {
      bundle = await evidence.get(first.ref as EvidenceRef);
    } catch (error) {
      evidenceError = (error as Error).message;
    }
  }
  let classification = view.classification;
  if (classification && bundle && !classification.explanations) {
    // The CDK handlers record matches, not explanations: explain from the stored evidence with the current runbooks.
    const explained = classifyEvidence(rulebook, bundle);
    const runnerUp =
      explained.explanations.find((e) => e.runbookId !== classification!.runbookId) ?? null;
    classification = {
      ...classification,
      explanations: explained.explanations.slice(0, 6),
      runnerUp: runnerUp ? { ...runnerUp } : null,
    };
  }
  const highlighted = (classification?.evidence ?? []).map((l) => ({
    section: l.section,
    line: l.line,
  }));
  return {
    ...view,
    classification,
    entries,
    record: (await records.get(id)) ?? null,
    evidence:
      bundle && first?.ref
        ? {
            ref: first.ref,
            target: bundle.target,
            collectedAt: bundle.collectedAt,
            sections: bundle.sections,
            highlighted,
          }
        : null,
    evidenceError,
    approvalRecords: await approvals.list({ executionId: id }),
  };
}

/** Starts the console on 127.0.0.1. */
export async function startConsoleServer(options: ConsoleOptions): Promise<ConsoleServer> {
  await loadDeferredReaders();
  const token = options.token ?? randomBytes(32).toString('base64url');
  const audit = options.audit ?? new LocalAuditStore(options.dataDir);
  const evidence =
    options.evidence ?? (options.audit ? undefined : new LocalEvidenceStore(options.dataDir));
  const records = new ExecutionRecords(options.dataDir);
  // A local console closes runs killed earlier, as triage and run do (the --aws trail is not ours to close here).
  if (!options.audit) await closeInterruptedRuns(options.dataDir, audit, { now: () => new Date() });
  const approvals = new LocalApprovals(options.dataDir);
  const runbooks = new Map(options.rulebook.runbooks.map((r) => [r.id, r]));
  let port = 0;
  const tokenOk = (given: string | undefined) => {
    if (!given) return false;
    const a = Buffer.from(given);
    const b = Buffer.from(token);
    return a.length === b.length && timingSafeEqual(a, b);
  };
  const staticFile = async (name: string) => readFile(join(STATIC_DIR, name));

  type Definition = { StartAt: string; States: Record<string, any> };
  const definitionFor = async (id?: string): Promise<Definition> => {
    const rec = id ? await records.get(id) : undefined;
    const stored = rec ? await records.definition(rec.definitionSha256) : undefined;
    if (stored) return stored as Definition;
    const latest = options.workflowDefinition;
    return (latest ?? loadWorkflowDefinition()) as unknown as Definition;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const host = req.headers.host ?? '';
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`)
      throw new HttpError(421, 'the console answers only to 127.0.0.1 (Host header mismatch)');
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const path = url.pathname;
    const method = req.method ?? 'GET';
    if (method === 'POST') {
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (type !== 'application/json')
        throw new HttpError(415, 'POST needs Content-Type: application/json');
      if (!tokenOk(req.headers['x-paramedic-token'] as string | undefined))
        throw new HttpError(403, 'missing or wrong X-Paramedic-Token (reload the console page)');
      const origin = req.headers.origin;
      if (origin && origin !== `http://127.0.0.1:${port}` && origin !== `http://localhost:${port}`)
        throw new HttpError(403, `cross-origin POST from ${origin} refused`);
    } else if (method !== 'GET' && method !== 'HEAD')
      throw new HttpError(405, `${method} not allowed`);

    if (method === 'GET' && (path === '/' || path === '/index.html')) {
      const html = (await staticFile('index.html'))
        .toString('utf8')
        .replace('__PARAMEDIC_TOKEN__', token)
        .replace('__PARAMEDIC_EXECUTE__', options.allowExecute ? 'true' : 'false');
      return send(res, 200, html, 'text/html; charset=utf-8');
    }
    if (method === 'GET' && (path === '/app.js' || path === '/style.css')) {
      return send(
        res,
        200,
        await staticFile(path.slice(1)),
        path.endsWith('.js') ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8',
      );
    }
    if (method === 'GET' && path === '/api/executions') {
      const q = url.searchParams;
      const outcome = q.get('outcome') || undefined;
      if (outcome && !(AUDIT_OUTCOMES as readonly string[]).includes(outcome))
        throw new HttpError(400, `outcome must be one of ${AUDIT_OUTCOMES.join(', ')}`);
      const since = sinceQuery(q);
      const limitRaw = queryValue(q, 'limit', /^[0-9]{1,4}$/);
      const rows = await listExecutions(audit, {
        target: queryValue(q, 'target', FILTER_VALUE),
        runbookId: queryValue(q, 'runbook', RUNBOOK_ID),
        outcome: outcome as AuditOutcome | undefined,
        since,
        limit: limitRaw ? Number(limitRaw) : 200,
      });
      // The browser builds its outcome filter from this list: one list, here and in the core.
      return json(res, 200, { executions: rows, outcomes: AUDIT_OUTCOMES });
    }
    let m = /^\/api\/executions\/([^/]+)(\/graph\.svg|\/timeline\.svg)?$/.exec(path);
    if (method === 'GET' && m) {
      const id = decodeURIComponent(m[1]!);
      if (!ID.test(id)) throw new HttpError(400, 'invalid execution id');
      if (m[2] === '/graph.svg') {
        const rec = await records.get(id);
        const failed = rec?.path.filter((p) => p.error).map((p) => p.state) ?? [];
        return send(
          res,
          200,
          renderWorkflowSvg(await definitionFor(id), rec?.path.map((p) => p.state) ?? [], {
            failedStates: failed,
          }),
          'image/svg+xml; charset=utf-8',
        );
      }
      if (m[2] === '/timeline.svg') {
        const entries = await audit.execution(id);
        if (entries.length === 0) throw new HttpError(404, `no execution ${id}`);
        const rec = await records.get(id);
        const spans = (rec?.path ?? [])
          .filter((p) => p.type !== 'Choice')
          .map((p) => ({
            label: p.state,
            start: Date.parse(p.enteredAt),
            end: Date.parse(p.exitedAt ?? p.enteredAt),
            kind: p.type,
            error: Boolean(p.error),
          }));
        const marks = entries.map((e) => ({
          label: `${e.seq} ${e.type}`,
          at: Date.parse(e.at),
          kind: e.type,
        }));
        return send(res, 200, renderTimelineSvg(spans, marks), 'image/svg+xml; charset=utf-8');
      }
      return json(
        res,
        200,
        await executionDetail(id, audit, evidence, records, approvals, options.rulebook),
      );
    }
    if (method === 'GET' && (path === '/api/outcomes' || path === '/api/outcomes.svg')) {
      const since = sinceQuery(url.searchParams);
      const stats = outcomeStats(await audit.list({ limit: 1_000_000 }), since);
      return path.endsWith('.svg')
        ? send(res, 200, renderOutcomesSvg(stats), 'image/svg+xml; charset=utf-8')
        : json(res, 200, stats);
    }
    if (method === 'GET' && path === '/api/workflow.svg')
      return send(
        res,
        200,
        renderWorkflowSvg(await definitionFor()),
        'image/svg+xml; charset=utf-8',
      );
    if (method === 'GET' && path === '/api/approvals') {
      const status = url.searchParams.get('status') || undefined;
      if (status && !['pending', 'approved', 'rejected', 'timed-out'].includes(status))
        throw new HttpError(400, 'status must be pending, approved, rejected or timed-out');
      return json(res, 200, {
        approvals: await approvals.list({ status: status as 'pending' | undefined }),
      });
    }
    m = /^\/api\/approvals\/([^/]+)$/.exec(path);
    if (method === 'POST' && m) {
      const id = decodeURIComponent(m[1]!);
      if (!ID.test(id)) throw new HttpError(400, 'invalid approval id');
      const body = await readJsonBody(req);
      onlyKeys(body, ['decision', 'by', 'comment']);
      if (body.decision !== 'approve' && body.decision !== 'reject')
        throw new HttpError(400, 'decision must be "approve" or "reject"');
      if (typeof body.by !== 'string' || !isValidActor(body.by))
        throw new HttpError(400, 'by must be your user name (letters, digits, . _ @ : + -)');
      if (
        body.comment !== undefined &&
        (typeof body.comment !== 'string' || body.comment.length > 500)
      )
        throw new HttpError(400, 'comment must be a string of at most 500 characters');
      try {
        const rec = await approvals.decide(id, {
          approved: body.decision === 'approve',
          by: body.by,
          comment: body.comment as string | undefined,
        });
        return json(res, 200, { approval: rec });
      } catch (error) {
        if (error instanceof ApprovalError)
          throw new HttpError(
            error.code === 'not-found' ? 404 : error.code === 'already-decided' ? 409 : 400,
            error.message,
          );
        throw error;
      }
    }
    if (method === 'GET' && path === '/api/runbooks') {
      return json(res, 200, {
        runbooks: [...runbooks.values()].map((r) => ({
          id: r.id,
          title: r.title,
          platform: r.platform,
          summary: r.summary,
          why: r.why,
          safety: r.remediation.safety,
          remediation: r.remediation.summary,
          steps: r.remediation.steps.map((s) => s.action),
          signals: r.signals.map((s) => ({
            id: s.id,
            weight: s.weight,
            description: s.description,
          })),
          supersededBy: r.supersededBy,
          references: r.references,
        })),
        actions: listActions().map((a) => ({
          id: a.id,
          title: a.title,
          target: a.target,
          risk: a.risk,
          document: a.document ?? null,
        })),
      });
    }
    if (method === 'POST' && path === '/api/runs') {
      const body = await readJsonBody(req);
      onlyKeys(body, ['runbookId', 'target', 'mode', 'by']);
      if (typeof body.runbookId !== 'string' || !runbooks.has(body.runbookId))
        throw new HttpError(400, 'runbookId must name a runbook of the catalogue');
      if (typeof body.target !== 'string' || body.target.length > 260)
        throw new HttpError(400, `target must be one of: ${TARGET_GRAMMAR}`);
      try {
        parseTarget(body.target);
      } catch (error) {
        throw new HttpError(400, (error as Error).message);
      }
      const mode = body.mode ?? 'dry-run';
      if (mode !== 'dry-run' && mode !== 'execute')
        throw new HttpError(400, 'mode must be "dry-run" or "execute"');
      if (mode === 'execute' && !options.allowExecute)
        throw new HttpError(
          403,
          'this console only starts dry runs; restart it with --allow-execute to run remediations',
        );
      const by = body.by ?? userInfo().username;
      if (typeof by !== 'string' || !isValidActor(by))
        throw new HttpError(400, 'by must be your user name');
      const result = await manualRun(body.runbookId, body.target, `user:${by}`, {
        dataDir: options.dataDir,
        rulebook: options.rulebook,
        mode,
        approval: { kind: 'wait', seconds: 0 },
        print: () => undefined,
      });
      // The outcome Complete recorded: an escalated run ends FAILED (its `Escalated` state) and has no output.
      const completed = result.entries.findLast((e) => e.type === 'completed');
      return json(res, 200, {
        executionId: result.executionId,
        status: result.record.status,
        outcome: completed?.outcome ?? null,
      });
    }
    if (method === 'GET' && path === '/api/verify') return json(res, 200, await audit.verify());
    throw new HttpError(404, `no route ${method} ${path}`);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      const status = error instanceof HttpError ? error.status : 500;
      if (!res.headersSent)
        json(res, status, {
          error:
            status === 500
              ? `internal error: ${(error as Error).message}`
              : (error as Error).message,
        });
      else res.end();
    });
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolveListen());
  });
  port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    token,
    server,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
