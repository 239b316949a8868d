import { describe, expect, it } from 'vitest';
import { compileRunbooks } from '../../../lambdas/core/classify/compile.js';
import { classifyEvidence } from '../../../lambdas/core/classify/engine.js';
import {
  eventRecords,
  eventRowTiming,
  parseKubectlAge,
} from '../../../lambdas/core/classify/event-timing.js';
import { incidentWindow } from '../../../lambdas/core/classify/incident-window.js';
import { EVIDENCE_SCHEMA, type EvidenceBundle } from '../../../lambdas/core/evidence/bundle.js';
import { humanDuration } from '../../../lambdas/core/kubernetes/render/time-format.js';
import { renderGetEvents } from '../../../lambdas/core/kubernetes/render/get-tables.js';
import { minimalRunbook } from '../../support/minimal-runbook.js';

const MIN = 60_000;

describe('kubectl ages', () => {
  it('reads every form HumanDuration prints, and nothing else', () => {
    expect(parseKubectlAge('45s')).toBe(45_000);
    expect(parseKubectlAge('49m')).toBe(49 * MIN);
    expect(parseKubectlAge('5m30s')).toBe(330_000);
    expect(parseKubectlAge('3h20m')).toBe(200 * MIN);
    expect(parseKubectlAge('3d4h')).toBe((3 * 24 + 4) * 60 * MIN);
    expect(parseKubectlAge('2y30d')).toBe((2 * 365 + 30) * 24 * 60 * MIN);
    for (const word of ['<unknown>', '<invalid>', 'kubelet', '12', 'm', '5x'])
      expect(parseKubectlAge(word)).toBeNull();
  });

  it('round-trips what the cluster reader renders (a lower bound: kubectl truncates)', () => {
    for (const ms of [
      59_000,
      9 * MIN + 30_000,
      49 * MIN + 59_000,
      7 * 60 * MIN + 5 * MIN,
      400 * 60 * MIN,
    ]) {
      const back = parseKubectlAge(humanDuration(ms))!;
      expect(back).toBeLessThanOrEqual(ms);
      expect(back).toBeGreaterThan(ms * 0.8);
    }
  });
});

describe('event rows', () => {
  it("reads describe's Age with its (xN over M)", () => {
    expect(
      eventRowTiming(
        '  Warning  Unhealthy  49m (x4 over 49m)  kubelet            Readiness probe failed: HTTP probe failed with statuscode: 503',
      ),
    ).toMatchObject({
      lastSeenAgoMs: 49 * MIN,
      firstSeenAgoMs: 49 * MIN,
      count: 4,
      type: 'Warning',
      reason: 'Unhealthy',
    });
    expect(
      eventRowTiming('  Normal   Killing    25m    kubelet  Container x failed liveness probe'),
    ).toMatchObject({ lastSeenAgoMs: 25 * MIN, firstSeenAgoMs: null, count: 1 });
  });

  it('reads get events / kubectl events (LAST SEEN first), framed or not', () => {
    expect(
      eventRowTiming(
        '60s         Warning   Unhealthy   pod/catalog-1   Liveness probe failed: 500',
      ),
    ).toMatchObject({ lastSeenAgoMs: 60_000, count: null, reason: 'Unhealthy' });
    expect(
      eventRowTiming(
        '57s (x5 over 2m)  Warning  BackOff  Pod/web-1  Back-off restarting failed container',
      ),
    ).toMatchObject({ lastSeenAgoMs: 57_000, firstSeenAgoMs: 2 * MIN, count: 5 });
    expect(
      eventRowTiming(
        '│   Warning  Failed     101s (x4 over 3m7s)  kubelet   Failed to pull image "x" │',
      ),
    ).toMatchObject({ lastSeenAgoMs: 101_000, firstSeenAgoMs: 187_000, count: 4 });
  });

  it('reads the pre-1.14 layouts, whichever of first/last seen comes first', () => {
    const getEvents = eventRowTiming(
      '  2h\t\t48m\t\t7\tdefault-scheduler\t\t\tWarning\t\tFailedScheduling\tNo nodes are available',
    );
    expect(getEvents).toMatchObject({
      lastSeenAgoMs: 48 * MIN,
      firstSeenAgoMs: 120 * MIN,
      count: 7,
      reason: 'FailedScheduling',
    });
  });

  it('is no row for log lines, headings or messages', () => {
    for (const line of [
      'LAST SEEN   TYPE      REASON      OBJECT   MESSAGE',
      '  Type     Reason     Age   From     Message',
      'Readiness probe failed: Get "http://10.0.0.1:8080/": context deadline exceeded',
      'I1202 12:00:00.000000    1234 prober.go:107] "Probe failed" probeType="Readiness"',
      '10m  this line says Warning but is no event',
    ])
      expect(eventRowTiming(line)).toBeNull();
  });
});

describe('Event objects (YAML, JSON, a watch)', () => {
  it('groups each object with its own times and count', () => {
    const yaml = [
      'apiVersion: v1',
      'items:',
      '- apiVersion: v1',
      '  count: 61',
      '  firstTimestamp: 2026-12-02T11:44:55Z',
      '  involvedObject:',
      '    kind: Pod',
      '    name: web-1',
      '  lastTimestamp: 2026-12-02T11:54:45Z',
      "  message: 'Readiness probe failed: 503'",
      '  reason: Unhealthy',
      '  type: Warning',
      '- apiVersion: v1',
      '  involvedObject:',
      '    kind: Pod',
      '  eventTime: 2026-12-02T12:20:00.000000Z',
      '  message: Back-off restarting failed container',
      '  reason: BackOff',
      '  series:',
      '    count: 9',
      '    lastObservedTime: 2026-12-02T12:29:00.000000Z',
    ].join('\n');
    const [a, b] = eventRecords(yaml);
    expect(a).toMatchObject({
      firstLine: 3,
      lastLine: 12,
      messageLine: 10,
      message: 'Readiness probe failed: 503',
      count: 61,
      lastSeenAt: Date.parse('2026-12-02T11:54:45Z'),
      firstSeenAt: Date.parse('2026-12-02T11:44:55Z'),
      reason: 'Unhealthy',
    });
    expect(b).toMatchObject({
      firstLine: 13,
      count: 9,
      lastSeenAt: Date.parse('2026-12-02T12:29:00Z'),
      reason: 'BackOff',
    });
  });

  it('reads a JSON watch stream', () => {
    const json = JSON.stringify(
      {
        verb: 'ADDED',
        event: {
          metadata: { name: 'n.1' },
          involvedObject: { kind: 'Node', name: 'n' },
          reason: 'OOMKilling',
          message: 'Memory cgroup out of memory: Killed process 1',
          firstTimestamp: '2026-12-02T10:35:38Z',
          lastTimestamp: '2026-12-02T10:35:38Z',
          count: 1,
        },
      },
      null,
      2,
    );
    const records = eventRecords(`${json}\n${json.replaceAll('10:35:38', '12:25:00')}`);
    expect(records.map((r) => r.lastSeenAt)).toEqual([
      Date.parse('2026-12-02T10:35:38Z'),
      Date.parse('2026-12-02T12:25:00Z'),
    ]);
    expect(records[0]!.message).toBe('Memory cgroup out of memory: Killed process 1');
  });
});

function bundle(output: string, collectedAt: string, section = 'k8s.events'): EvidenceBundle {
  return {
    schema: EVIDENCE_SCHEMA,
    target: { platform: 'eks' },
    collectedAt,
    sections: { [section]: { output } },
  };
}

const probe = minimalRunbook('probe-failure', [
  {
    id: 'probe-failed',
    description: 'probe failed',
    weight: 0.95,
    match: { pattern: '(Liveness|Readiness) probe failed' },
  },
]);
const rulebook = compileRunbooks([probe]);
const STALE_BURST =
  'Events:\n  Type     Reason     Age                From     Message\n  ----     ------     ----               ----     -------\n  Warning  Unhealthy  49m (x4 over 49m)  kubelet  Readiness probe failed: HTTP probe failed with statuscode: 503';
const CURRENT_BURST =
  'Events:\n  Type     Reason     Age                 From     Message\n  Warning  Unhealthy  60s (x40 over 28m)  kubelet  Readiness probe failed: HTTP probe failed with statuscode: 503';
const COLLECTED = '2026-12-02T12:30:00Z';

describe('events placed against the incident window', () => {
  it('a burst last seen 49 minutes before collection proves nothing', () => {
    expect(classifyEvidence(rulebook, bundle(STALE_BURST, COLLECTED)).matches).toEqual([]);
    expect(classifyEvidence(rulebook, bundle(STALE_BURST, COLLECTED, 'k8s.pods')).matches).toEqual(
      [],
    );
  });

  it('a recurring burst still seen a minute ago classifies', () => {
    expect(classifyEvidence(rulebook, bundle(CURRENT_BURST, COLLECTED)).matches[0]).toMatchObject({
      runbookId: 'probe-failure',
      confidence: 0.95,
    });
  });

  it('a longer lookback, or an incident an hour before the collection, brings the old burst back', () => {
    const long = {
      ...bundle(STALE_BURST, COLLECTED),
      incident: { at: COLLECTED, lookbackMinutes: 60 },
    };
    expect(classifyEvidence(rulebook, long).matches).toHaveLength(1);
    const earlier = {
      ...bundle(STALE_BURST, COLLECTED),
      incident: { at: '2026-12-02T11:45:00Z', lookbackMinutes: 15 },
    };
    expect(classifyEvidence(rulebook, earlier).matches).toHaveLength(1);
  });

  it('on evidence that verifies a fix, only events seen again after the fix count', () => {
    const verify = (output: string) => ({
      ...bundle(output, COLLECTED),
      incident: {
        at: '2026-12-02T12:00:00Z',
        lookbackMinutes: 15,
        remediatedAt: '2026-12-02T12:25:00Z',
      },
    });
    expect(
      classifyEvidence(rulebook, verify(STALE_BURST.replace('49m (x4', '6m (x4'))).matches,
    ).toEqual([]);
    expect(classifyEvidence(rulebook, verify(CURRENT_BURST)).matches).toHaveLength(1);
  });

  it('what the cluster reader renders is judged the same way', () => {
    const now = new Date(COLLECTED);
    const event = (minutesAgo: number) => ({
      involvedObject: { kind: 'Pod', name: 'web-1' },
      type: 'Warning',
      reason: 'Unhealthy',
      message: 'Readiness probe failed: HTTP probe failed with statuscode: 503',
      lastTimestamp: new Date(now.getTime() - minutesAgo * MIN),
    });
    const rendered = (m: number) => renderGetEvents([event(m)] as never, now);
    expect(classifyEvidence(rulebook, bundle(rendered(40), COLLECTED)).matches).toEqual([]);
    expect(classifyEvidence(rulebook, bundle(rendered(3), COLLECTED)).matches).toHaveLength(1);
  });

  it('an Event object is placed by its own lastTimestamp, whichever of its lines matched', () => {
    const object = (last: string) =>
      `- involvedObject:\n    kind: Pod\n  lastTimestamp: "${last}"\n  message: "Readiness probe failed: 503"\n  count: 4`;
    expect(
      classifyEvidence(rulebook, bundle(object('2026-12-02T11:41:00Z'), COLLECTED)).matches,
    ).toEqual([]);
    expect(
      classifyEvidence(rulebook, bundle(object('2026-12-02T12:29:00Z'), COLLECTED)).matches,
    ).toHaveLength(1);
  });

  it('a pasted report (no collection time) keeps its rows: when it was pasted is unknown', () => {
    const pasted = bundle(STALE_BURST, '1970-01-01T00:00:00Z');
    expect(incidentWindow(pasted).counts('k8s.events', STALE_BURST.split('\n')[3]!, 4)).toBe(true);
    expect(classifyEvidence(rulebook, pasted).matches).toHaveLength(1);
  });

  it('rows of other sections are not read as events', () => {
    const w = incidentWindow(bundle('', COLLECTED, 'docker.journal'));
    expect(w.counts('docker.journal', '49m Warning Unhealthy pod/x Readiness probe failed')).toBe(
      true,
    );
  });
});

describe('facts are windowed like pattern hits', () => {
  const dns = compileRunbooks([
    minimalRunbook('dns-resolution-failure', [
      {
        id: 'lookup-failed',
        description: 'a lookup failed',
        weight: 0.9,
        match: { fact: 'dns.lookup', where: { answer: 'nxdomain' } },
      },
    ]),
  ]);
  const journal = (stamp: string) =>
    classifyEvidence(dns, {
      schema: EVIDENCE_SCHEMA,
      target: { platform: 'docker' },
      collectedAt: COLLECTED,
      sections: {
        'docker.journal': {
          output: `${stamp} dockerd[812]: dial tcp: lookup registry.example.invalid on 10.0.0.2:53: no such host`,
        },
      },
    }).matches;

  it('a lookup failure logged an hour before the window proves nothing; one inside it does', () => {
    expect(journal('2026-12-02T11:20:00+0000 host')).toEqual([]);
    expect(journal('2026-12-02T12:25:00+0000 host')).toHaveLength(1);
  });
});

describe('hostile event text', () => {
  it('long blank runs inside keys, values and rows cost linear time', () => {
    const blanks = ' '.repeat(1900);
    const object = `- involvedObject:\n    kind: Pod\n  message: a${blanks}b${blanks}\n  reason: x${blanks},${blanks}y\n`;
    const row = `  Warning  Unhealthy  1m  kubelet  Readiness probe failed${blanks}x${blanks}│\n`;
    const output = (object + row).repeat(400);
    const before = process.cpuUsage();
    const records = eventRecords(output);
    for (const line of output.split('\n')) eventRowTiming(line);
    const spent = process.cpuUsage(before);
    const cpuMs = (spent.user + spent.system) / 1000;
    expect(records).toHaveLength(400);
    // About 3 MB of text: linear work is milliseconds; the quadratic regexes took seconds.
    expect(cpuMs).toBeLessThan(1500);
  });
});
