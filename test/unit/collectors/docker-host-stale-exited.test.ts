import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectEvidence } from '../../../lambdas/adapters/local/collect-evidence.js';
import { LocalCommandRunner } from '../../../lambdas/adapters/local/local-command-runner.js';

// The Docker-host document as SSM would run it, on a host whose listing holds containers that
// exited long before the incident beside ones that failed in it: only these are inspected.
const scratch = mkdtempSync(join(tmpdir(), 'pm-docker-stale-exited-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** `docker ps -a` statuses by container name, newest first, as the CLI prints them. */
const LISTING: readonly (readonly [string, string])[] = [
  ['web', 'Up 2 hours'],
  ['crashed-now', 'Exited (1) 2 minutes ago'],
  ['killed-lately', 'Exited (137) About an hour ago'],
  ['never-started', 'Created'],
  ['nightly-oom', 'Exited (137) 3 days ago'],
  ['old-release', 'Exited (0) 12 days ago'],
  ['alarmed', 'Exited (1) 5 days ago'],
];
const idOf = (name: string) =>
  (LISTING.findIndex(([n]) => n === name) + 1).toString(16).padStart(64, '0');

/** The names in the collector's one `docker inspect` of the failing containers. */
async function inspectedNames(parameters: Record<string, string>): Promise<string[]> {
  const dir = mkdtempSync(join(scratch, 'case-'));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const calls = join(dir, 'docker-calls');
  writeFileSync(calls, '');
  const listing = join(dir, 'listing');
  writeFileSync(
    listing,
    LISTING.map(([name, status]) => `${idOf(name)} ${name} ${status}\n`).join(''),
  );
  writeFileSync(
    join(bin, 'docker'),
    `#!/bin/bash
printf '%s\\n' "$*" >>${JSON.stringify(calls)}
case "$1" in
  version|info) echo 'Server: fake' ;;
  ps) if [[ "$*" == *--format* ]]; then cat ${JSON.stringify(listing)}; fi ;;
  inspect) echo '[]' ;;
esac
exit 0
`,
  );
  chmodSync(join(bin, 'docker'), 0o755);
  await collectEvidence({
    platform: 'docker',
    runner: new LocalCommandRunner({
      env: {
        DOCKER_HOST: 'unix:///nonexistent/paramedic-test.sock',
        PARAMEDIC_IO_SAMPLE_SECONDS: '1',
        PATH: `${bin}:${process.env.PATH}`,
        PM_SYSTEMD_RUN_DIR: join(dir, 'absent'),
      },
    }),
    parameters: { straceSeconds: '0', sinceMinutes: '15', ...parameters },
  });
  const batch = readFileSync(calls, 'utf8')
    .split('\n')
    .filter((c) => /^inspect( [0-9a-f]{64})+$/.test(c));
  expect(batch).toHaveLength(1);
  return batch[0]!
    .split(' ')
    .slice(1)
    .map((id) => LISTING[Number.parseInt(id, 16) - 1]![0]);
}

describe('docker-host collector: containers that exited before the window are not inspected', () => {
  it('with an incident time, inspects the failures of the window and the alarmed container, whatever its age', async () => {
    const names = await inspectedNames({
      container: 'alarmed',
      incidentTime: new Date(Date.now() - 60_000).toISOString().replace(/\.\d+Z$/, 'Z'),
    });
    expect(names.sort()).toEqual(['alarmed', 'crashed-now', 'killed-lately', 'never-started']);
  }, 90_000);

  it('without one, keeps a container that exited within the day (the window is only a guess)', async () => {
    const names = await inspectedNames({});
    expect(names.sort()).toEqual(['crashed-now', 'killed-lately', 'never-started']);
  }, 90_000);
});
