import { describe, expect, it } from 'vitest';
import { localOffsetOf } from '../../../lambdas/core/classify/local-offset.js';

const HOUR = 3_600_000;

describe('localOffsetOf', () => {
  it("reads the collector's heading", () => {
    expect(localOffsetOf('# log file /var/log/docker.log\n# local-time-offset: -0500\nx')).toBe(
      -5 * HOUR,
    );
    expect(localOffsetOf('# local-time-offset: +0530\n')).toBe(5.5 * HOUR);
    expect(localOffsetOf('# local-time-offset: +0000\n')).toBe(0);
  });
  it("infers it from a syslog line whose logger stamped its own message with a zone (dockerd's logrus, a JSON logger)", () => {
    expect(
      localOffsetOf(
        'Sep 21 13:52:27 ip-10-0-0-1 dockerd[812]: time="2026-09-21T17:52:26.420000000Z" level=error msg="x"',
      ),
    ).toBe(-4 * HOUR);
    expect(
      localOffsetOf(
        'Sep 21 13:52:27 host dockerd[812]: time="2026-09-21T13:52:27.42-04:00" level=info msg="x"',
      ),
    ).toBe(-4 * HOUR);
    expect(
      localOffsetOf(
        'no stamp here\nSep 21 23:22:28 host ipamd[9]: {"level":"error","ts":"2026-09-21T17:52:27.000Z","msg":"x"}',
      ),
    ).toBe(5.5 * HOUR);
    // Near the new year: the prefix's year is the logger's year before.
    expect(
      localOffsetOf('Dec 31 22:00:00 host dockerd[1]: time="2027-01-01T03:00:00Z" level=info'),
    ).toBe(-5 * HOUR);
    // A UTC host whose logger stamps a second before syslog received the line: 0, not -0.
    expect(
      Object.is(
        localOffsetOf('Sep 21 13:52:27 host dockerd[1]: time="2026-09-21T13:52:27.9Z" level=info'),
        0,
      ),
    ).toBe(true);
  });
  it('the first line that shows it decides; the heading wins over inference', () => {
    const lines = [
      'Sep 21 13:52:27 host dockerd[1]: time="2026-09-21T17:52:27Z" level=info',
      'Sep 21 13:52:28 host dockerd[1]: time="2026-09-21T13:52:28Z" level=info',
    ];
    expect(localOffsetOf(lines.join('\n'))).toBe(-4 * HOUR);
    expect(localOffsetOf(`# local-time-offset: +0100\n${lines.join('\n')}`)).toBe(HOUR);
  });
  it("infers nothing from a stamp the message talks about, or one no zone's whole quarter hours away", () => {
    for (const output of [
      // Not the logger's field: a time quoted inside the message.
      'Sep 21 13:52:27 host app[1]: retry scheduled at time="2026-09-21T17:52:27Z"',
      'Sep 21 13:52:27 host app[1]: {"msg":"certificate expires","expiry":"x","pad":"y"} time="2026-09-21T17:52:27Z"',
      // The logger's field, but 7 minutes (or a minute past a whole hour) from the prefix.
      'Sep 21 13:52:27 host dockerd[1]: time="2026-09-21T13:45:27Z" level=info',
      'Sep 21 13:52:27 host dockerd[1]: time="2026-09-21T17:53:27Z" level=info',
      // More than 14 hours apart: no zone.
      'Sep 21 13:52:27 host dockerd[1]: time="2026-09-22T05:52:27Z" level=info',
      // No zone on the logger's stamp: nothing to compare with.
      'Sep 21 13:52:27 host dockerd[1]: time="2026-09-21T17:52:27" level=info',
      '2026-09-21T13:52:27-0400 host dockerd[1]: time="2026-09-21T17:52:27Z" level=info',
      '',
    ])
      expect(localOffsetOf(output), output).toBe(0);
  });
  it('reads a long section in linear time', () => {
    const line = `Sep 21 13:52:27 ${'h'.repeat(60)} ${'t'.repeat(60)}: ${'{'.repeat(300)}\n`;
    const started = performance.now();
    expect(localOffsetOf(line.repeat(20_000))).toBe(0);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
