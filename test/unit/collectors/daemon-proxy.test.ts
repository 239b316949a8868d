import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../lambdas/adapters/local/runbook-directory.js';
import { proxySetting } from '../../../lambdas/core/classify/facts/proxy-setting.js';
import { parseEvidenceDocument } from '../../../lambdas/core/evidence/bundle.js';
import { findOnPath } from '../../support/requirements.js';

const LIB = join(REPO_ROOT, 'runbooks/collectors/lib.sh');
const scratch = mkdtempSync(join(tmpdir(), 'pm-proxy-'));
const daemons: ChildProcess[] = [];
afterAll(() => {
  for (const d of daemons) d.kill('SIGKILL');
  rmSync(scratch, { recursive: true, force: true });
});

/** Starts `sleep` under a process name of its own (what pgrep -x sees) with exactly `env`. */
function fakeDaemon(env: Record<string, string>): string {
  const name = `pm-${randomBytes(5).toString('hex')}`; // 13 characters: within comm's 15
  const path = join(scratch, name);
  symlinkSync(findOnPath('sleep')!, path);
  daemons.push(spawn(path, ['120'], { env, stdio: 'ignore' }));
  return name;
}

/** The net.proxy section the library's probe files for these process names. */
function probe(...names: string[]): string {
  const script = `set -euo pipefail\n. ${JSON.stringify(LIB)}\npm_init\npm_window '' 15\npm_begin eks\npm_section net.proxy 'proxy' pm_probe_proxy ${names.join(' ')}\npm_end 15 ''\n`;
  const r = spawnSync('bash', ['-c', script], {
    // No systemd here, whatever the machine runs: the unit part has a test of its own (unit-proxy).
    env: { PATH: process.env.PATH, TMPDIR: scratch, PM_SYSTEMD_RUN_DIR: join(scratch, 'absent') },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 30_000,
  });
  expect(r.stderr).toBe('');
  return parseEvidenceDocument(JSON.parse(r.stdout)).bundle.sections['net.proxy']!.output;
}

describe("pm_probe_proxy: a daemon's proxy variables from its own /proc/PID/environ", () => {
  it('prints every case of HTTP(S)/NO/ALL_PROXY and nothing else of the environment, credentials masked', () => {
    const name = fakeDaemon({
      HTTPS_PROXY: 'http://svc:p@ss/w0rd@proxy.corp.test:3128',
      http_proxy: 'svc:hunter2@10.0.0.5:3128',
      NO_PROXY: 'localhost,127.0.0.1,169.254.169.254,.svc,.cluster.local,10.100.0.0/16',
      ALL_PROXY: 'socks5h://a:b@10.0.0.6:1080',
      AWS_SECRET_ACCESS_KEY: 'not-for-the-bundle',
      PROXY_NOTE: 'http_proxy=http://leak:leak@x:1',
    });
    const out = probe(name);
    expect(out.split('\n')).toEqual([
      `# proxy variables of ${name} from /proc/<pid>/environ (credentials masked)`,
      'HTTPS_PROXY=http://****@proxy.corp.test:3128',
      'http_proxy=****@10.0.0.5:3128',
      'NO_PROXY=localhost,127.0.0.1,169.254.169.254,.svc,.cluster.local,10.100.0.0/16',
      'ALL_PROXY=socks5h://****@10.0.0.6:1080',
      '# systemd is not running: no unit files or DefaultEnvironment to read',
    ]);
    expect(out).not.toMatch(/p@ss|w0rd|hunter2|not-for-the-bundle|leak/);
  });

  it('says "none" for a running daemon without a proxy and names a daemon that is not running', () => {
    const bare = fakeDaemon({ PATH: '/usr/bin' });
    const absent = `pm-${randomBytes(5).toString('hex')}`;
    const out = probe(bare, absent);
    expect(out).toMatch(new RegExp(`^# proxy variables of ${bare} .*\\n\\(pid \\d+: none\\)\\n`));
    expect(out).toContain(`# proxy variables of ${absent} from /proc/<pid>/environ`);
    expect(out).toContain(`(no ${absent} process)`);
  });

  it("reads as the daemon's own setting (scope daemon) for kubelet as for dockerd", () => {
    const name = fakeDaemon({ HTTPS_PROXY: 'http://10.0.0.5:3128', no_proxy: 'localhost' });
    const out = probe(name);
    for (const daemon of ['kubelet', 'containerd', 'dockerd']) {
      const facts = proxySetting.extract('net.proxy', out.replaceAll(name, daemon));
      expect(facts.map((f) => f.fields)).toEqual([
        { variable: 'https_proxy', value: 'http://10.0.0.5:3128', set: true, scope: 'daemon' },
        { variable: 'no_proxy', value: 'localhost', set: true, scope: 'daemon' },
      ]);
    }
  });
});

describe('one implementation for both collectors', () => {
  it('both collectors file net.proxy through the library probe, and mask nothing themselves', () => {
    const read = (f: string) =>
      spawnSync('cat', [join(REPO_ROOT, 'runbooks/collectors', f)], { encoding: 'utf8' }).stdout;
    expect(read('eks-node.sh')).toMatch(
      /^pm_section net\.proxy .* pm_probe_proxy kubelet containerd dockerd$/m,
    );
    expect(read('docker-host.sh')).toMatch(/^ {2}pm_probe_proxy dockerd$/m);
    for (const f of ['eks-node.sh', 'docker-host.sh']) expect(read(f)).not.toContain('****@');
  });
});
