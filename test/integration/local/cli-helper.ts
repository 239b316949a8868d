import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../lambdas/adapters/local/runbook-directory.js';

/** Runs the real `paramedic` entry point (cli/bin/paramedic.mjs) and captures its output. */
export function paramedic(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'cli/bin/paramedic.mjs'), ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => {
      stdout += c;
    });
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The shipped recorded bundles. */
export const FIXTURES = {
  diskFull: join(REPO_ROOT, 'test/integration/local/fixtures/disk-full-docker-host.json'),
  oomKilled: join(REPO_ROOT, 'test/integration/local/fixtures/oom-killed-docker-host.json'),
  alarmDiskUsed: join(REPO_ROOT, 'test/fixtures/alarms/ec2-docker-host-disk-used.json'),
} as const;
