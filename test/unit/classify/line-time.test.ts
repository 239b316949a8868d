import { describe, expect, it } from 'vitest';
import { bootTimeOf, lineTime } from '../../../lambdas/core/classify/line-time.js';

const reference = Date.parse('2026-12-02T12:30:00Z');
const clock = { reference, bootedAt: Date.parse('2026-12-02T10:00:00Z'), localOffset: 0 };
const at = (iso: string) => Date.parse(iso);

describe('lineTime', () => {
  it('reads RFC 3339 at the start of a line (docker logs --timestamps, docker events)', () => {
    expect(lineTime('2026-12-02T12:00:00.123456789Z container oom 0123456789ab', clock)).toBe(
      at('2026-12-02T12:00:00.123Z'),
    );
  });
  it('reads journald short-iso with a numeric offset', () => {
    expect(lineTime('2026-12-02T13:00:00+0100 ip-10-0-0-1 dockerd[812]: ...', clock)).toBe(
      at('2026-12-02T12:00:00Z'),
    );
  });
  it("reads dockerd's logrus time field", () => {
    expect(lineTime('time="2026-12-02T12:00:01.5Z" level=error msg="x"', clock)).toBe(
      at('2026-12-02T12:00:01.500Z'),
    );
  });
  it("reads a JSON log line's own stamp near its start (zap ts, logrus/slog time), not one quoted in its message", () => {
    expect(
      lineTime(
        '{"level":"error","ts":"2026-12-02T12:00:02.585Z","caller":"ipamd/ipamd.go:444","msg":"Failed to call ec2:DescribeNetworkInterfaces"}',
        clock,
      ),
    ).toBe(at('2026-12-02T12:00:02.585Z'));
    expect(lineTime('{"time":"2026-12-02T12:00:03Z","level":"ERROR","msg":"x"}', clock)).toBe(
      at('2026-12-02T12:00:03Z'),
    );
    // An escaped quote inside the message is no field of the line, nor is a stamp far into it.
    expect(lineTime('{"msg":"retry at \\"time\\":\\"2026-12-02T12:00:04Z\\""}', clock)).toBeNull();
    expect(lineTime(`{"msg":"${'x'.repeat(120)}","ts":"2026-12-02T12:00:05Z"}`, clock)).toBeNull();
  });
  it('reads syslog stamps in the year of the reference, and December read in January in the year before', () => {
    expect(lineTime('Dec  2 12:00:00 host dockerd[1]: x', clock)).toBe(at('2026-12-02T12:00:00Z'));
    expect(
      lineTime('Dec 31 23:59:00 host kubelet[1]: x', {
        reference: at('2027-01-01T00:10:00Z'),
        bootedAt: null,
        localOffset: 0,
      }),
    ).toBe(at('2026-12-31T23:59:00Z'));
  });
  it('reads klog headers', () => {
    expect(
      lineTime('E1202 12:00:00.250000    1234 kubelet.go:2412] "Error syncing pod"', clock),
    ).toBe(at('2026-12-02T12:00:00.250Z'));
  });
  it('places dmesg seconds since boot through the boot time', () => {
    expect(
      lineTime('[ 3600.500000] Memory cgroup out of memory: Killed process 1 (x)', clock),
    ).toBe(at('2026-12-02T11:00:00.500Z'));
    expect(lineTime('[ 3600.5] x', { reference, bootedAt: null, localOffset: 0 })).toBeNull();
  });
  it("reads zoneless stamps in the host's local time, and zoned ones as they say", () => {
    const eastern = { ...clock, localOffset: -5 * 3_600_000 }; // UTC-5
    const utc = at('2026-12-02T12:00:00.250Z');
    expect(lineTime('Dec  2 07:00:00.250 host dockerd[1]: x', eastern)).toBe(utc);
    expect(lineTime('E1202 07:00:00.250000    1234 kubelet.go:2412] x', eastern)).toBe(utc);
    expect(lineTime('2026-12-02 07:00:00,250 ERROR app: x', eastern)).toBe(utc);
    expect(lineTime('{"level":"error","ts":"2026-12-02T07:00:00.250"}', eastern)).toBe(utc);
    expect(lineTime('time="2026-12-02T07:00:00.25" level=error', eastern)).toBe(utc);
    expect(lineTime('2026-12-02T12:00:00.250Z x', eastern)).toBe(utc);
    expect(lineTime('2026-12-02T13:00:00.250+0100 host dockerd[1]: x', eastern)).toBe(utc);
    expect(lineTime('time="2026-12-02T07:00:00.25-05:00" level=error', eastern)).toBe(utc);
    // 23:30 on Dec 31 in UTC-5 is already the new year in UTC: still last year's line.
    expect(
      lineTime('Dec 31 23:30:00 host kubelet[1]: x', {
        reference: at('2027-01-01T04:40:00Z'),
        bootedAt: null,
        localOffset: -5 * 3_600_000,
      }),
    ).toBe(at('2027-01-01T04:30:00Z'));
  });
  it('gives null for lines without a stamp', () => {
    for (const line of [
      '$ docker ps',
      '# kernel log',
      'CONTAINER ID   IMAGE',
      '4242 dd web 0 100',
      '',
    ])
      expect(lineTime(line, clock)).toBeNull();
  });
});

describe('bootTimeOf', () => {
  it('reads the uptime anchor the collectors print', () => {
    expect(bootTimeOf('# uptime-anchor: 7200.25 s at 2026-12-02T12:00:00.250Z\n[ 1.0] x')).toBe(
      at('2026-12-02T10:00:00Z'),
    );
    expect(bootTimeOf('[ 1.0] x')).toBeNull();
  });
});
