import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../lambdas/adapters/local/runbook-directory.js';
import { proxySetting } from '../../../lambdas/core/classify/facts/proxy-setting.js';
import { parseEvidenceDocument } from '../../../lambdas/core/evidence/bundle.js';
import { findOnPath } from '../../support/requirements.js';

const LIB = join(REPO_ROOT, 'runbooks/collectors/lib.sh');
const scratch = mkdtempSync(join(tmpdir(), 'pm-unit-proxy-'));
const daemons: ChildProcess[] = [];
afterAll(() => {
  for (const d of daemons) d.kill('SIGKILL');
  rmSync(scratch, { recursive: true, force: true });
});

/**
 * A directory with a fake `systemctl` printing `units` for `cat` and `defaults` for `show`. A unit
 * named `<unit>.fail` makes `cat` of it fail as an access denied by polkit or SELinux does.
 */
function fakeSystemd(units: Record<string, string>, defaults: string): string {
  const dir = mkdtempSync(join(scratch, 'bin-'));
  for (const [unit, text] of Object.entries(units)) writeFileSync(join(dir, unit), text);
  writeFileSync(join(dir, 'defaults'), defaults);
  const script = join(dir, 'systemctl');
  // `systemctl cat --no-pager -- UNIT` and `systemctl show --property=DefaultEnvironment --no-pager`.
  writeFileSync(
    script,
    `#!/bin/sh\nd=$(dirname "$0")\ncase "$1" in\n  cat) if [ -f "$d/$4.fail" ]; then echo "Failed to get properties: Access denied" >&2; exit 1; elif [ -f "$d/$4" ]; then cat "$d/$4"; else echo "No files found for $4." >&2; exit 1; fi ;;\n  show) cat "$d/defaults" ;;\nesac\n`,
  );
  chmodSync(script, 0o755);
  return dir;
}

/** Starts `sleep` under a process name of its own with exactly `env`. */
function fakeDaemon(env: Record<string, string>): string {
  const name = `pm-${randomBytes(5).toString('hex')}`;
  const path = join(scratch, name);
  symlinkSync(findOnPath('sleep')!, path);
  daemons.push(spawn(path, ['120'], { env, stdio: 'ignore' }));
  return name;
}

/** The net.proxy section the library files for these daemons, with `bin` first on PATH. */
function probe(bin: string, systemdRunning: boolean, ...names: string[]) {
  const run = join(scratch, 'run-systemd-system');
  mkdirSync(run, { recursive: true });
  const script = `set -euo pipefail\n. ${JSON.stringify(LIB)}\npm_init\npm_window '' 15\npm_begin eks\npm_section net.proxy 'proxy' pm_probe_proxy ${names.join(' ')}\npm_end 15 ''\n`;
  const r = spawnSync('bash', ['-c', script], {
    env: {
      PATH: `${bin}:${process.env.PATH}`,
      TMPDIR: scratch,
      PM_SYSTEMD_RUN_DIR: systemdRunning ? run : join(scratch, 'absent'),
    },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 30_000,
  });
  expect(r.stderr).toBe('');
  return parseEvidenceDocument(JSON.parse(r.stdout)).bundle.sections['net.proxy']!;
}

const KUBELET_UNIT = [
  '# /etc/systemd/system/kubelet.service',
  '[Service]',
  'ExecStart=/usr/bin/kubelet $KUBELET_ARGS',
  'EnvironmentFile=-/etc/kubernetes/kubelet/env',
  'Environment=KUBELET_ARGS=--node-ip=10.0.1.5',
  '',
  '# /etc/systemd/system/kubelet.service.d/http-proxy.conf',
  '[Service]',
  'Environment="HTTPS_PROXY=http://user:p%40ss@proxy.test:3128" "AWS_SECRET_ACCESS_KEY=not-for-the-bundle" "NO_PROXY=localhost,169.254.169.254"',
  "Environment='http_proxy=svc:p%%40 s@proxy.test:3128'",
  'Environment="NOTE=x http_proxy=http://leak:leak@x:1"',
  '',
].join('\n');

describe("pm_probe_proxy under systemd: where each daemon's proxy is configured", () => {
  it('prints the proxy lines of the unit and its drop-ins under the file they are in, credentials masked, % specifiers kept', () => {
    const kubelet = fakeDaemon({});
    const bin = fakeSystemd(
      { [`${kubelet}.service`]: KUBELET_UNIT },
      'DefaultEnvironment=PATH=/usr/bin LANG=C.UTF-8 HTTP_PROXY=http://ops:hunter2@10.0.0.5:3128 "no_proxy=.internal"',
    );
    const absent = `pm-${randomBytes(5).toString('hex')}`;
    const section = probe(bin, true, kubelet, absent);
    expect(section.output.split('\n')).toEqual([
      `# proxy variables of ${kubelet} from /proc/<pid>/environ (credentials masked)`,
      expect.stringMatching(/^\(pid \d+: none\)$/),
      `# proxy lines of ${kubelet}.service from systemctl cat, its unit file and drop-ins (credentials masked)`,
      '# /etc/systemd/system/kubelet.service',
      'EnvironmentFile=-/etc/kubernetes/kubelet/env',
      '# /etc/systemd/system/kubelet.service.d/http-proxy.conf',
      'Environment="HTTPS_PROXY=http://****%4****@proxy.test:3128" "NO_PROXY=localhost,169.254.169.254"',
      "Environment='http_proxy=****%%****@proxy.test:3128'",
      // A proxy assignment that is not a word of its own is no assignment: never an empty `Environment=`.
      '(no proxy variable in Environment)',
      `# proxy variables of ${absent} from /proc/<pid>/environ (credentials masked)`,
      `(no ${absent} process)`,
      `# proxy lines of ${absent}.service from systemctl cat, its unit file and drop-ins (credentials masked)`,
      `(no unit ${absent}.service)`,
      '# proxy variables of the systemd manager from systemctl show --property=DefaultEnvironment: every unit inherits them (credentials masked)',
      'DefaultEnvironment=HTTP_PROXY=http://****@10.0.0.5:3128 "no_proxy=.internal"',
    ]);
    expect(section.output).not.toMatch(/p%40ss|hunter2|not-for-the-bundle|leak|C\.UTF-8|node-ip/);
    // A unit that does not exist is no failure of the section.
    expect(section.exitCode).toBe(0);
    expect(section.error).toBeNull();
  });

  it("reads the unit's lines and DefaultEnvironment as the daemon's own setting (scope daemon)", () => {
    const kubelet = fakeDaemon({});
    const bin = fakeSystemd(
      { [`${kubelet}.service`]: KUBELET_UNIT },
      'DefaultEnvironment=HTTP_PROXY=http://10.0.0.5:3128',
    );
    const out = probe(bin, true, kubelet).output.replaceAll(kubelet, 'kubelet');
    const daemonSet = proxySetting
      .extract('net.proxy', out)
      .filter((f) => f.fields.set === true)
      .map((f) => [f.fields.variable, f.fields.scope]);
    expect(daemonSet).toEqual([
      ['https_proxy', 'daemon'],
      ['no_proxy', 'daemon'],
      ['http_proxy', 'daemon'],
      ['http_proxy', 'daemon'],
    ]);
  });

  it('reads no unit and says so when systemd is not running', () => {
    const kubelet = fakeDaemon({});
    const bin = fakeSystemd({ [`${kubelet}.service`]: KUBELET_UNIT }, '');
    const out = probe(bin, false, kubelet).output;
    expect(out).not.toContain('proxy lines of');
    expect(out).toContain('# systemd is not running: no unit files or DefaultEnvironment to read');
  });

  it('masks a long line before cutting it: a cut inside the password leaves nothing to mask', () => {
    const kubelet = fakeDaemon({});
    // Cut at 512 characters (unit lines) or 4096 (DefaultEnvironment), each line would end inside
    // the password, after `Su`.
    const noProxy = (n: number) => `.${'a'.repeat(n - 1)}`;
    const unit = `# /etc/systemd/system/kubelet.service.d/http-proxy.conf\n[Service]\nEnvironment="NO_PROXY=${noProxy(461)}" "HTTPS_PROXY=http://user:SuperSecretUnit@proxy.test:3128"\n`;
    const defaults = `DefaultEnvironment="NO_PROXY=${noProxy(4041)}" HTTP_PROXY=http://ops:SuperSecretDefault@10.0.0.5:3128`;
    expect(unit.split('\n')[2]!.indexOf('SuperSecret')).toBe(510);
    expect(defaults.indexOf('SuperSecret')).toBe(4094);
    const bin = fakeSystemd({ [`${kubelet}.service`]: unit }, defaults);
    const out = probe(bin, true, kubelet).output;
    expect(out).toMatch(/^Environment="NO_PROXY=\.a+" "HTTPS_PROXY=http:\/\/\*\*/m);
    expect(out).toMatch(/^DefaultEnvironment="NO_PROXY=\.a+" HTTP_PROXY=http:\/\/\*\*/m);
    expect(out).not.toMatch(/user:|ops:|Su(?!per)|SuperSecret/);
  });

  it('says the unit could not be read when systemctl cat fails, not that it has no proxy lines', () => {
    const kubelet = fakeDaemon({});
    const bin = fakeSystemd(
      { [`${kubelet}.service`]: KUBELET_UNIT, [`${kubelet}.service.fail`]: '' },
      '',
    );
    const section = probe(bin, true, kubelet);
    const lines = section.output.split('\n');
    const heading = lines.findIndex((l) => l.startsWith(`# proxy lines of ${kubelet}.service`));
    expect(lines[heading + 1]).toBe('(systemctl cat failed)');
    expect(section.error).toBe(`systemctl cat ${kubelet}.service failed`);
    expect(section.exitCode).not.toBe(0);
  });
});

describe('pm_probe_proxy: an environ it cannot read is no daemon without a proxy', () => {
  it('reports the environ as not readable, an error, never "none", when reading it fails', () => {
    // Root passes `[ -r ]` whatever SELinux or ptrace rules then refuse: a tr that cannot read.
    const kubelet = fakeDaemon({ HTTPS_PROXY: 'http://10.0.0.5:3128' });
    const bin = fakeSystemd({}, '');
    writeFileSync(
      join(bin, 'tr'),
      `#!/bin/sh\nif [ "$1" = '\\0' ]; then echo "tr: read error: Permission denied" >&2; exit 1; fi\nexec ${findOnPath('tr')} "$@"\n`,
    );
    chmodSync(join(bin, 'tr'), 0o755);
    const section = probe(bin, false, kubelet);
    expect(section.output).toMatch(/^\(pid \d+: environ not readable\)$/m);
    expect(section.output).not.toMatch(/: none\)/);
    expect(section.error).toBe(`environ of ${kubelet} not readable`);
    // The classifier reads no "the daemon got nothing" from it.
    const none = proxySetting
      .extract('net.proxy', section.output.replaceAll(kubelet, 'kubelet'))
      .filter((f) => f.fields.set === false);
    expect(none).toEqual([]);
  });
});
