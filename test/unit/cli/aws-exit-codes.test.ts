/**
 * The compiled command's `--aws` paths keep the exit-code contract: 2 for a wrong command line
 * (caught before any AWS call), 1 when AWS cannot be reached; one line on stderr either way.
 * The only endpoint used is a closed port on 127.0.0.1.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../lambdas/adapters/local/runbook-directory.js';

const BIN = join(REPO_ROOT, 'cli', 'bin', 'paramedic.mjs');
const OFFLINE = {
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'x',
  AWS_SECRET_ACCESS_KEY: 'x',
  AWS_ENDPOINT_URL: 'http://127.0.0.1:1',
  AWS_MAX_ATTEMPTS: '1',
  AWS_EC2_METADATA_DISABLED: 'true',
};
const run = (...args: string[]) =>
  spawnSync(process.execPath, [BIN, ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...OFFLINE, NO_COLOR: '1', PARAMEDIC_STACK: '' },
  });

function expectOneLine(result: ReturnType<typeof run>, status: number, text: string): void {
  expect(result.status, result.stderr).toBe(status);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  expect(result.stderr).toContain(text);
}

describe('--aws exit codes', () => {
  it('approve and reject need --aws (usage, 2)', () => {
    expectOneLine(run('approve', 'run-7'), 2, 'approve answers the deployed stack: add --aws');
    expectOneLine(run('reject', 'run-7'), 2, 'reject answers the deployed stack: add --aws');
  });

  it("bad run input is the Intake parser's message before any call (usage, 2)", () => {
    expectOneLine(
      run('run', 'disk-full', '--target', 'i-nothex', '--aws'),
      2,
      'manual run input, field "target"',
    );
  });

  it('local-only flags and a wrong --stack are usage errors (2)', () => {
    expectOneLine(
      run('run', 'disk-full', '--target', 'i-0a1b2c3d4e5f60718', '--aws', '--approve-as', 'bob'),
      2,
      '--approve-as is for local runs',
    );
    expectOneLine(
      run('audit', 'list', '--aws', '--stack', 'Bad_'),
      2,
      '--stack must be a deployment name',
    );
    expectOneLine(run('approve', 'not an id', '--aws'), 2, 'is not an execution');
    expectOneLine(
      run('run', 'disk-full', '--target', 'local', '--wait'),
      2,
      '--wait and --stack go with --aws',
    );
  });

  it('an unreachable AWS is a failure (1) that says what to check', () => {
    expectOneLine(run('audit', 'verify', '--aws'), 1, 'could not read stack ParamedicState');
    expectOneLine(
      run('approve', 'run-7', '--aws', '--stack', 'prod'),
      1,
      'could not read stack ParamedicPipeline-prod',
    );
  });
});
