/**
 * The outcomes view in a real browser (Debian chromium through playwright-core): a trail with
 * verified, escalated and rolled-back runs, the chart drawn by the console itself under the strict
 * CSP, its bars checked by value and by rendered size, and a screenshot kept in a temp directory.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalAuditStore } from '../../lambdas/adapters/local/local-audit-store.js';
import { loadRulebook } from '../../lambdas/adapters/local/runbook-directory.js';
import { startConsoleServer, type ConsoleServer } from '../../console/server.js';
import { CHROMIUM_PATH, requires } from '../support/requirements.js';
import { OUTCOME_RUNS, runEntries, ROLLBACK_UNKNOWN_RUN } from '../support/outcome-trail.js';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

let dataDir: string;
let shotDir: string;
let server: ConsoleServer;
let browser: Browser | undefined;
let page: Page;
const cspViolations: string[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'paramedic-outcomes-'));
  shotDir = mkdtempSync(join(tmpdir(), 'paramedic-outcomes-shots-'));
  const store = new LocalAuditStore(dataDir);
  for (const e of OUTCOME_RUNS.flatMap(runEntries)) await store.append(e);
  server = await startConsoleServer({ dataDir, rulebook: loadRulebook(), port: 0 });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(shotDir, { recursive: true, force: true });
});

describe('outcomes API', () => {
  it('serves the figures and the chart, and validates --since', async () => {
    const stats = await (
      await fetch(`${server.url}api/outcomes?since=2026-11-23T00:00:00Z`)
    ).json();
    expect(stats.total.runs).toBe(4);
    const svg = await fetch(`${server.url}api/outcomes.svg`);
    expect(svg.headers.get('content-type')).toContain('image/svg+xml');
    expect(await svg.text()).toContain('data-metric="rollback"');
    expect((await fetch(`${server.url}api/outcomes?since=%3Cscript%3E`)).status).toBe(400);
    expect((await fetch(`${server.url}api/outcomes?since=yesterday`)).status).toBe(400);
  });
});

const browserAvailable = requires('chromium');

describe.skipIf(browserAvailable.skip)(
  browserAvailable.title('outcomes chart in a real browser (Debian chromium)'),
  () => {
    beforeAll(async () => {
      browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
      page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
      page.on('console', (m) => {
        if (/Content.Security.Policy|Refused to/i.test(m.text())) cspViolations.push(m.text());
      });
    });

    it('draws a bar per runbook and figure, sized by its value, and a screenshot shows it', async () => {
      await page.goto(`${server.url}#/outcomes`);
      await page.waitForSelector('body[data-ready="/outcomes"]');
      const bars = await page.locator('#outcomes-chart svg rect.bar').evaluateAll((nodes) =>
        nodes.map((n) => ({
          runbook: n.getAttribute('data-runbook'),
          metric: n.getAttribute('data-metric'),
          value: n.getAttribute('data-value'),
          width: n.getBoundingClientRect().width,
        })),
      );
      const bar = (runbook: string, metric: string) =>
        bars.find((b) => b.runbook === runbook && b.metric === metric)!;
      expect(new Set(bars.map((b) => b.runbook))).toEqual(
        new Set(['disk-full', 'oom-killed', 'node-not-ready', '(unclassified)']),
      );
      expect(bars).toHaveLength(16);
      expect(bar('disk-full', 'auto-fix').value).toBe(String(1 / 3));
      expect(bar('oom-killed', 'rollback').value).toBe('0.5');
      expect(bar('node-not-ready', 'escalation').value).toBe('1');
      expect(bar('disk-full', 'time-to-verified').value).toBe('240000');
      // Rendered sizes follow the values: a 50% bar is half a 100% bar, 1/3 a third of it.
      const full = bar('node-not-ready', 'escalation').width;
      expect(full).toBeGreaterThan(100);
      expect(bar('oom-killed', 'rollback').width / full).toBeCloseTo(0.5, 2);
      expect(bar('disk-full', 'auto-fix').width / full).toBeCloseTo(1 / 3, 2);
      expect(bar('node-not-ready', 'rollback').width / full).toBeCloseTo(1, 2);
      expect(bar('disk-full', 'escalation').width / full).toBeCloseTo(1 / 3, 2);
      expect(
        bar('oom-killed', 'time-to-verified').width / bar('disk-full', 'time-to-verified').width,
      ).toBeCloseTo(0.5, 2);
      expect(bar('node-not-ready', 'time-to-verified').width).toBe(0);
      const labels = await page.locator('#outcomes-chart svg text.value').allTextContents();
      expect(labels).toEqual(expect.arrayContaining(['33%', '50%', '100%', '4.0 min', '2.0 min']));
      expect(await page.locator('#outcomes tr[data-runbook="disk-full"]').textContent()).toContain(
        '4.0 min / 10.0 min',
      );
      expect(cspViolations).toEqual([]);

      const file = join(shotDir, 'outcomes.png');
      await page.screenshot({ path: file, fullPage: true });
      const png = readFileSync(file);
      expect(
        png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
      ).toBe(true);
      // IHDR: the picture is the page's width, and a page of text and bars compresses to tens of KB, not a blank few hundred bytes.
      expect(png.readUInt32BE(16)).toBe(1300);
      expect(png.readUInt32BE(20)).toBeGreaterThanOrEqual(500);
      expect(statSync(file).size).toBeGreaterThan(15_000);
      expect(statSync(file).size).toBeLessThan(5_000_000);
    });

    it('--since narrows the chart to the runs started since then', async () => {
      await page.goto(`${server.url}#/outcomes`);
      await page.waitForSelector('body[data-ready="/outcomes"]');
      await page.fill('#outcome-filters input[name=since]', '2026-11-24T00:00:00Z');
      await page.click('#outcome-filters button');
      await page.waitForFunction(
        () =>
          !document.querySelector('#outcomes-chart svg rect.bar[data-runbook="disk-full"]') &&
          document.querySelector('#outcomes-chart svg rect.bar'),
      );
      const runbooks = await page
        .locator('#outcomes-chart svg g.runbook')
        .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-runbook')));
      expect(runbooks.sort()).toEqual(['(unclassified)', 'node-not-ready', 'oom-killed']);
    });

    it('names the runs whose rollback outcome is unknown, apart from the rolled-back ones', async () => {
      expect(await page.locator('#rollback-unknown').count()).toBe(0);
      const store = new LocalAuditStore(dataDir);
      for (const e of runEntries(ROLLBACK_UNKNOWN_RUN)) await store.append(e);

      await page.goto(`${server.url}#/outcomes?r=1`);
      await page.waitForSelector('#rollback-unknown');

      expect(await page.locator('#rollback-unknown').textContent()).toBe(
        'Rollback outcome unknown: 1 — check each host (not counted as rolled back): run-oom-3',
      );
    });
  },
);
