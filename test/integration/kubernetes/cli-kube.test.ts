import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../lambdas/adapters/local/runbook-directory.js';
import { FakeApiServer, makeCertificates } from './fake-api-server.js';
import { loadScenario, writeKubeconfig } from './scenario-loader.js';

const run = promisify(execFile);
const TOKEN = 'k8s-aws-v1.cli-test';
let dir: string;
let server: FakeApiServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'paramedic-cli-kube-'));
  const certs = makeCertificates();
  server = new FakeApiServer(certs, TOKEN, loadScenario('insufficient-resources-cpu'));
  await server.start();
  writeKubeconfig(join(dir, 'kc'), server.url, certs.ca, TOKEN, 'fake-ctx');
});
afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('paramedic kube classify collects from the cluster and names the runbook; -o writes the bundle', async () => {
  const out = join(dir, 'bundle.json');
  const { stdout } = await run(
    process.execPath,
    [
      join(REPO_ROOT, 'cli/bin/paramedic.mjs'),
      'kube',
      'classify',
      '--kubeconfig',
      join(dir, 'kc'),
      '--context',
      'fake-ctx',
      // The scenario was recorded at 09:00 on 23 Nov: the incident is then, not now (older events are left out).
      '--namespace',
      'shop',
      '--pod',
      'analytics-7b6a5c4d3-x1y2z',
      '--incident-time',
      '2026-11-23T09:00:00Z',
      '--json',
      '-o',
      out,
    ],
    { cwd: REPO_ROOT, env: { ...process.env, NO_COLOR: '1' } },
  );
  const parsed = JSON.parse(stdout.trim()) as {
    target: { pod: string };
    matches: { runbookId: string }[];
  };
  expect(parsed.target.pod).toBe('analytics-7b6a5c4d3-x1y2z');
  expect(parsed.matches[0]?.runbookId).toBe('insufficient-resources');
  const bundle = JSON.parse(readFileSync(out, 'utf8'));
  expect(bundle.sections['k8s.events'].output).toContain(
    '0/3 nodes are available: 3 Insufficient cpu.',
  );
});

it('paramedic kube collect refuses a context the kubeconfig does not have', async () => {
  const failed = await run(
    process.execPath,
    [
      join(REPO_ROOT, 'cli/bin/paramedic.mjs'),
      'kube',
      'collect',
      '--kubeconfig',
      join(dir, 'kc'),
      '--context',
      'nope',
      '--node',
      'x',
    ],
    { cwd: REPO_ROOT },
  ).then(
    () => undefined,
    (e: { code: number; stderr: string }) => e,
  );
  expect(failed?.code).toBe(2);
  expect(failed?.stderr).toMatch(/has no context "nope"; it has: fake-ctx/);
});
