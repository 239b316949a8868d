import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectEvidence } from '../../../lambdas/adapters/local/collect-evidence.js';
import { LocalCommandRunner } from '../../../lambdas/adapters/local/local-command-runner.js';
import { incidentWindow } from '../../../lambdas/core/classify/incident-window.js';

const scratch = mkdtempSync(join(tmpdir(), 'pm-docker-local-time-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** UTC-5 in POSIX form (no time zone database needed): the host's wall clock, five hours behind. */
const HOST_TZ = 'XYZ+5';
const HOST_OFFSET_MS = -5 * 3_600_000;
const MONTHS = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ');

/** A syslog stamp (`Dec  4 11:01:44`) of `agoMs` before now, on the host's wall clock. */
function syslogStamp(agoMs: number): string {
  const wall = new Date(Date.now() - agoMs + HOST_OFFSET_MS);
  const hms = wall.toISOString().slice(11, 19);
  return `${MONTHS[wall.getUTCMonth()]} ${String(wall.getUTCDate()).padStart(2, ' ')} ${hms}`;
}

/**
 * The Docker-host document as SSM would run it, on a host set to UTC-5 without systemd, whose
 * daemon logs to a file through syslog: one line of the window, one from three hours before.
 */
async function collect(recent: string, stale: string, services?: string) {
  const dir = mkdtempSync(join(scratch, 'run-'));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'dmesg'), '#!/bin/sh\nexit 0\n');
  chmodSync(join(bin, 'dmesg'), 0o755);
  // With `services`, systemd runs and `systemctl status` shows these journal lines.
  if (services !== undefined) {
    writeFileSync(join(dir, 'status.txt'), `${services}\n`);
    writeFileSync(
      join(bin, 'systemctl'),
      `#!/bin/sh\ncase "$1" in status) cat '${join(dir, 'status.txt')}' ;; esac\nexit 0\n`,
    );
    chmodSync(join(bin, 'systemctl'), 0o755);
    mkdirSync(join(dir, 'systemd'));
  }
  const log = join(dir, 'docker.log');
  writeFileSync(log, `${stale}\n${recent}\n`);
  const runner = new LocalCommandRunner({
    env: {
      TZ: HOST_TZ,
      PATH: `${bin}:${process.env.PATH}`,
      PM_SYSTEMD_RUN_DIR: join(dir, services === undefined ? 'no-systemd' : 'systemd'),
      // The case's folder stands for /var/log: the collector reads only log files under it.
      PM_VAR_LOG_DIR: dir,
      PARAMEDIC_DOCKER_LOG_FILE: '/var/log/docker.log',
      DOCKER_HOST: 'unix:///nonexistent/paramedic-test.sock',
      PARAMEDIC_IO_SAMPLE_SECONDS: '1',
    },
  });
  return (await collectEvidence({ platform: 'docker', runner, parameters: { sinceMinutes: '15' } }))
    .bundle;
}

describe("Docker-host collector: a daemon log in the host's local time", () => {
  it('keeps the lines of the window and drops older ones on a UTC-5 host, and says the offset so the classifier places them', async () => {
    const recent = `${syslogStamp(2 * 60_000)} ip-10-0-1-5 dockerd[812]: level=error msg="recent: inside the window"`;
    const stale = `${syslogStamp(3 * 3_600_000)} ip-10-0-1-5 dockerd[812]: level=error msg="stale: three hours old"`;
    const bundle = await collect(recent, stale);
    const journal = bundle.sections['docker.journal']!.output;
    expect(journal).toContain('# local-time-offset: -0500');
    expect(journal).toContain(recent);
    expect(journal).not.toContain('stale: three hours old');
    // Read as UTC the kept line would be five hours old: the heading puts it in the window.
    expect(incidentWindow(bundle).counts('docker.journal', recent)).toBe(true);
  }, 60_000);

  it("says the offset where systemctl status shows journal lines in the host's wall clock", async () => {
    const failed = `${syslogStamp(2 * 60_000)} ip-10-0-1-5 systemd[1]: docker.service: Failed with result 'exit-code'.`;
    const bundle = await collect(
      `${syslogStamp(60_000)} ip-10-0-1-5 dockerd[812]: level=info msg="x"`,
      `${syslogStamp(3 * 3_600_000)} ip-10-0-1-5 dockerd[812]: level=info msg="y"`,
      `● docker.service - Docker Application Container Engine\n   Active: failed (Result: exit-code)\n${failed}`,
    );
    const services = bundle.sections['host.services']!.output;
    expect(services).toContain(failed);
    // Read as UTC the failure would be five hours old, outside the window.
    expect(incidentWindow(bundle).counts('host.services', failed)).toBe(true);
  }, 60_000);
});
