import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ACTIONS = join(process.cwd(), 'runbooks', 'actions');

/** pa_param as the action scripts call it for an integer parameter. */
function readCount(value: string) {
  const r = spawnSync(
    'bash',
    [
      '-c',
      `set -euo pipefail; . "$0/action-lib.sh"; pa_param COUNT 64 '^[0-9]{1,3}$' 8 256`,
      ACTIONS,
    ],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH, PARAMEDIC_COUNT: value },
    },
  );
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function loopDevicesDryRun(count: string) {
  const r = spawnSync('bash', [join(ACTIONS, 'loop-devices-create.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH, PARAMEDIC_COUNT: count, PARAMEDIC_DRY_RUN: '1' },
  });
  const devices = [...r.stdout.matchAll(/mknod -m 0660 \/dev\/loop(\d+) /g)].map((m) =>
    Number(m[1]),
  );
  return { status: r.status, devices, stderr: r.stderr };
}

describe('action scripts read integers as decimal', () => {
  it.each([
    ['010', '10'],
    ['09', '9'],
    ['064', '64'],
    ['8', '8'],
    ['099', '99'],
  ])('%s is %s, not octal', (given, decimal) => {
    expect(readCount(given)).toMatchObject({ status: 0, stdout: decimal });
  });

  it.each(['0', '7', '257', '300', '0x10', '1e2', '-9', ' 9', '9 ', '', '０９'])(
    'rejects %j with exit status 2 and says why',
    (given) => {
      const r = readCount(given);
      if (given === '') {
        expect(r).toMatchObject({ status: 0, stdout: '64' });
        return;
      } // unset means the default
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(
        /^paramedic action: invalid parameter PARAMEDIC_COUNT=.*: must (match|be)/,
      );
    },
  );

  it('count=010 plans loop devices 0..9 only (octal would give 0..7), and exits 0', () => {
    const r = loopDevicesDryRun('010');
    expect(r.status, r.stderr).toBe(0);
    expect(r.devices.every((n) => n < 10)).toBe(true);
    // In a dry run nothing is created, so /dev/loop9 is planned unless the host already has it (the
    // machine is shared: the Docker fault tests create loop devices at the same time).
    if (!existsSync('/dev/loop9')) expect(r.devices).toContain(9);
  });

  it('a wrong count exits non-zero and plans nothing', () => {
    for (const bad of ['09x', '1000', '007e']) {
      const r = loopDevicesDryRun(bad);
      expect(r.status, bad).not.toBe(0);
      expect(r.devices).toEqual([]);
    }
  });
});
