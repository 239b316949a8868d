import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { loadRulebook } from '../../lambdas/adapters/local/runbook-directory.js';
import { manualRun, triageReplay } from '../../lambdas/local/triage.js';
import { LocalApprovals } from '../../lambdas/adapters/local/local-approvals.js';
import { startConsoleServer, type ConsoleServer } from '../../console/server.js';
import { renderWorkflowSvg } from '../../console/workflow-graph.js';
import { FIXTURES } from '../integration/local/cli-helper.js';
import { CHROMIUM_PATH, requires } from '../support/requirements.js';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
/** Where the screenshots go (checked below; CI can keep them as artifacts). */
const SCREENSHOT_DIR = join(tmpdir(), 'paramedic-console-screenshots');

const rulebook = loadRulebook();
let dataDir: string;
let server: ConsoleServer;
let browser: Browser;
let page: Page;
let diskFullId: string;
let pendingExecution: string;

function raw(
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        path,
        method: options.method ?? 'GET',
        headers: options.headers,
      },
      (res) => {
        let body = '';
        res.on('data', (c) => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

async function screenshot(name: string): Promise<string> {
  const file = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  const bytes = readFileSync(file);
  expect(
    bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  ).toBe(true);
  expect(statSync(file).size).toBeGreaterThan(10_000);
  return file;
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'paramedic-console-'));
  const quiet = { print: () => undefined };
  diskFullId = (await triageReplay(FIXTURES.diskFull, { dataDir, rulebook, ...quiet })).executionId;
  await triageReplay(FIXTURES.oomKilled, { dataDir, rulebook, ...quiet });
  // An execution whose approval is still pending (as if the workflow waited for the console).
  pendingExecution = (
    await manualRun('docker-bridge-no-ipv4', 'i-0123456789abcdef0', 'user:alice', {
      dataDir,
      rulebook,
      mode: 'dry-run',
      ...quiet,
    })
  ).executionId;
  await new LocalApprovals(dataDir).request({
    id: 'pending-approval-1',
    executionId: pendingExecution,
    runbookId: 'docker-bridge-no-ipv4',
    target: 'i-0123456789abcdef0',
    summary: 'docker-bridge-no-ipv4: restart docker on i-0123456789abcdef0',
    timeoutSeconds: 3600,
  });
  server = await startConsoleServer({ dataDir, rulebook, port: 0 });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('console API: loopback only, validated, CSRF-safe', () => {
  it('listens on 127.0.0.1 only', () => {
    expect((server.server.address() as { address: string }).address).toBe('127.0.0.1');
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const r = await raw('/api/executions', { headers: { Host: 'evil.test' } });
    expect(r.status).toBe(421);
  });

  it('refuses POSTs without the JSON content type or without the token', async () => {
    const body = JSON.stringify({ decision: 'approve', by: 'mallory' });
    const form = await raw('/api/approvals/pending-approval-1', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        'X-Paramedic-Token': server.token,
      },
      body,
    });
    expect(form.status).toBe(415);
    const noToken = await raw('/api/approvals/pending-approval-1', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body,
    });
    expect(noToken.status).toBe(403);
    const wrongToken = await raw('/api/approvals/pending-approval-1', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-Paramedic-Token': 'x'.repeat(server.token.length),
      },
      body,
    });
    expect(wrongToken.status).toBe(403);
    const crossOrigin = await raw('/api/approvals/pending-approval-1', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-Paramedic-Token': server.token,
        Origin: 'http://evil.test',
      },
      body,
    });
    expect(crossOrigin.status).toBe(403);
    expect((await new LocalApprovals(dataDir).get('pending-approval-1'))?.status).toBe('pending');
  });

  it('validates every input', async () => {
    const post = (path: string, value: unknown) =>
      raw(path, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Paramedic-Token': server.token },
        body: JSON.stringify(value),
      });
    expect((await raw('/api/executions?outcome=sideways')).status).toBe(400);
    // Runs closed as interrupted can be filtered for; the browser's filter offers the server's list.
    const interrupted = await raw('/api/executions?outcome=interrupted');
    expect(interrupted.status).toBe(200);
    expect(JSON.parse(interrupted.body).outcomes).toContain('interrupted');
    expect((await raw('/api/executions?target=%3Cscript%3E')).status).toBe(400);
    expect((await raw('/api/executions/..%2F..%2Fetc')).status).toBe(400);
    expect((await raw('/api/executions/nope-123')).status).toBe(404);
    expect(
      (await post('/api/approvals/pending-approval-1', { decision: 'maybe', by: 'x' })).status,
    ).toBe(400);
    expect(
      (await post('/api/approvals/pending-approval-1', { decision: 'approve', by: 'x', extra: 1 }))
        .status,
    ).toBe(400);
    expect(
      (await post('/api/approvals/pending-approval-1', { decision: 'approve', by: 'a b' })).status,
    ).toBe(400);
    expect(
      (await post('/api/runs', { runbookId: 'no-such-runbook', target: 'local' })).status,
    ).toBe(400);
    expect(
      (await post('/api/runs', { runbookId: 'disk-full', target: 'local; rm -rf /' })).status,
    ).toBe(400);
    expect(
      (await post('/api/runs', { runbookId: 'disk-full', target: 'local', mode: 'execute' }))
        .status,
    ).toBe(403);
    const big = await raw('/api/runs', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Paramedic-Token': server.token },
      body: JSON.stringify({ runbookId: 'x'.repeat(20_000) }),
    });
    expect(big.status).toBe(413);
  });

  it('serves the page with a strict content security policy and the token in a meta tag', async () => {
    const r = await raw('/');
    expect(r.status).toBe(200);
    expect(String(r.headers['content-security-policy'])).toContain("script-src 'self'");
    expect(r.body).toContain(`content="${server.token}"`);
  });
});

describe('workflow picture', () => {
  it('highlights exactly the states and transitions of the path taken', () => {
    const def = {
      StartAt: 'A',
      States: {
        A: { Type: 'Task', Next: 'B' },
        B: {
          Type: 'Choice',
          Choices: [{ Variable: '$.x', BooleanEquals: true, Next: 'C' }],
          Default: 'D',
        },
        C: { Type: 'Succeed' },
        D: { Type: 'Fail' },
      },
    };
    const svg = renderWorkflowSvg(def, ['A', 'B', 'D']);
    expect(svg.match(/class="node [^"]*visited/g)).toHaveLength(3);
    expect(svg).toMatch(/data-state="C"/);
    expect(svg.match(/class="edge [^"]*taken/g)).toHaveLength(2);
    expect(
      renderWorkflowSvg({ StartAt: '<x>', States: { '<x>': { Type: 'Succeed' } } }),
    ).not.toContain('<x>');
  });
});

const browserAvailable = requires('chromium');

describe.skipIf(browserAvailable.skip)(
  browserAvailable.title('console in a real browser (Debian chromium)'),
  () => {
    beforeAll(async () => {
      browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
      page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    });

    it('lists executions with filters and opens one: graph with the path, evidence highlighted, why not the runner-up, plan, timeline', async () => {
      await page.goto(server.url);
      await page.waitForSelector('body[data-ready="/executions"]');
      expect(await page.locator('#executions tbody tr').count()).toBe(3);
      await page.selectOption('select[name=outcome]', 'dry-run');
      await page.fill('input[name=runbook]', 'disk-full');
      await page.click('#filters button');
      await page.waitForFunction(
        () => document.querySelectorAll('#executions tbody tr').length === 1,
      );
      expect(await page.locator('#chain').textContent()).toContain('chain ok');
      await screenshot('executions');

      await page.click(`tr[data-id="${diskFullId}"] a`);
      await page.waitForSelector('#graph svg .node.visited');
      await page.waitForSelector('#timeline svg .span');
      expect(await page.locator('#execution-id').textContent()).toBe(diskFullId);
      expect(await page.locator('#runbook').textContent()).toContain('disk-full');
      const visited = await page
        .locator('#graph svg .node.visited')
        .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-state')));
      expect(visited).toEqual(
        expect.arrayContaining(['Intake', 'Collect', 'Classify', 'Plan', 'Complete']),
      );
      expect(visited).not.toContain('RemediateStep');
      expect(await page.locator('#graph svg .edge.taken').count()).toBeGreaterThan(5);
      const hits = await page.locator('#evidence pre.section span.hit').allTextContents();
      expect(hits.some((t) => t.includes('no space left on device'))).toBe(true);
      expect(await page.locator('#runner-up').textContent()).toMatch(/Runner-up|No other runbook/);
      expect(await page.locator('#plan').textContent()).toContain('Paramedic-DockerPruneImages');
      expect(await page.locator('#entries li').count()).toBe(8); // … planned, preconditions, released, completed
      await screenshot('execution');
    });

    it('approves a pending request from the approvals page and records who and when', async () => {
      await page.goto(`${server.url}#/approvals`);
      await page.waitForSelector('body[data-ready="/approvals"]');
      expect(await page.locator('#pending-count').textContent()).toBe('1');
      await page.fill('#approver', 'carol');
      await page.click('tr[data-approval="pending-approval-1"] button.approve');
      await page.waitForSelector('#approval-message.ok');
      const rec = await new LocalApprovals(dataDir).get('pending-approval-1');
      expect(rec).toMatchObject({ status: 'approved', decidedBy: 'carol' });
      expect(Date.now() - Date.parse(rec!.decidedAt!)).toBeLessThan(60_000);
      expect(await page.locator('tr[data-approval="pending-approval-1"]').textContent()).toContain(
        'carol',
      );
      await screenshot('approvals');
    });

    it('shows the runbook catalogue and the workflow, and starts a manual dry run from the form', async () => {
      await page.goto(`${server.url}#/runbooks`);
      await page.waitForSelector('#workflow svg');
      expect(await page.locator('#runbook-list tbody tr').count()).toBe(rulebook.runbooks.length);
      await screenshot('runbooks');

      await page.goto(`${server.url}#/run`);
      await page.waitForSelector('#run-form');
      expect(await page.locator('#execute').isDisabled()).toBe(true);
      await page.selectOption('#runbookId', 'disk-full');
      await page.fill('#target', 'i-0fedcba9876543210');
      await page.fill('#by', 'dave');
      await page.click('#start-run');
      await page.waitForSelector('#graph svg .node.visited', { timeout: 30_000 });
      expect(await page.locator('#plan').textContent()).toContain('i-0fedcba9876543210');
      // The form's "by" is a claim, kept beside the authenticated actor (this machine's user), never in its place.
      expect(await page.locator('.kv').textContent()).toContain('requested as dave');
      await screenshot('manual-run');
    });
  },
);
