import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConsoleServer, type ConsoleServer } from '../../console/server.js';
import { loadRulebook } from '../../lambdas/adapters/local/runbook-directory.js';
import { FUZZ_RUNS, fuzzParameters, fuzzTally, hostileString } from './fuzz-harness.js';

/** A request the console refused or answered: never a 5xx, never a stack trace, errors in one line. */
class ConsoleAnswerError extends Error {}

let server: ConsoleServer;
let dataDir: string;
const { checkAsync, tally } = fuzzTally('console API');
// Each input is a loopback HTTP round trip: fewer of them than for pure functions.
const RUNS = Math.max(30, Math.floor(FUZZ_RUNS / 3));

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'paramedic-fuzz-console-'));
  server = await startConsoleServer({ dataDir, rulebook: loadRulebook(), port: 0 });
});
afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function judged(path: string, init: RequestInit = {}): Promise<void> {
  const r = await fetch(`${server.url.replace(/\/$/, '')}${path}`, init);
  const text = await r.text();
  if (r.status >= 500)
    throw new Error(
      `HTTP ${r.status} for ${init.method ?? 'GET'} ${path.slice(0, 80)}: ${text.slice(0, 200)}`,
    );
  if (/\n\s+at .+:\d+:\d+/.test(text))
    throw new Error(`stack trace in the answer to ${path.slice(0, 80)}`);
  // Node's HTTP parser refuses an over-long request line before the console sees it: a refusal too.
  if (r.status === 431 || r.status === 414) throw new ConsoleAnswerError(`HTTP ${r.status}`);
  if (r.status >= 400) {
    const body = JSON.parse(text) as { error?: unknown };
    if (typeof body.error !== 'string' || body.error.includes('\n'))
      throw new Error(`error answer without a one-line "error": ${text.slice(0, 200)}`);
    throw new ConsoleAnswerError(body.error);
  }
}

const post = (path: string, body: string) =>
  judged(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Paramedic-Token': server.token },
    body,
  });

const bodyText = fc.oneof(
  fc.json({ maxDepth: 3 }),
  fc
    .record(
      {
        runbookId: fc.oneof(fc.constant('disk-full'), hostileString(60)),
        target: hostileString(300),
        mode: fc.oneof(fc.constant('dry-run'), fc.constant('execute'), hostileString(20)),
        by: hostileString(40),
      },
      { requiredKeys: [] },
    )
    .map((o) => JSON.stringify(o)),
  fc
    .record(
      {
        decision: fc.oneof(fc.constantFrom('approve', 'reject'), hostileString(20)),
        by: hostileString(40),
        comment: hostileString(600),
      },
      { requiredKeys: [] },
    )
    .map((o) => JSON.stringify(o)),
  hostileString(400),
);

describe('fuzz: the console API answers hostile requests with a 4xx and a one-line error', () => {
  it('POST bodies to /api/runs and /api/approvals/<id>', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/api/runs', '/api/approvals/'),
        hostileString(60),
        bodyText,
        async (route, id, body) => {
          const path = route === '/api/runs' ? route : `${route}${encodeURIComponent(id)}`;
          await checkAsync([path, body], () => post(path, body), [ConsoleAnswerError]);
        },
      ),
      fuzzParameters(RUNS),
    );
  }, 300_000);

  it('query strings and paths', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          '/api/executions',
          '/api/approvals',
          '/api/executions/',
          '/api/verify',
          '/api/runbooks',
        ),
        fc.dictionary(
          fc.constantFrom('outcome', 'since', 'limit', 'target', 'runbook', 'status', 'x'),
          hostileString(60),
          { maxKeys: 4 },
        ),
        hostileString(60),
        async (route, query, tail) => {
          const path = `${route}${route.endsWith('/') ? encodeURIComponent(tail) : ''}?${new URLSearchParams(query)}`;
          await checkAsync(path, (p) => judged(p), [ConsoleAnswerError]);
        },
      ),
      fuzzParameters(RUNS),
    );
  }, 300_000);

  it('found no crash and no hang', () => {
    expect(tally.crashes).toBe(0);
    expect(tally.hangs).toBe(0);
  });
});
