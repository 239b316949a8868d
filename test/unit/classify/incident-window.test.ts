import { describe, expect, it } from 'vitest';
import { compileRunbooks } from '../../../lambdas/core/classify/compile.js';
import { classifyEvidence, evaluateVerifyChecks } from '../../../lambdas/core/classify/engine.js';
import { incidentWindow } from '../../../lambdas/core/classify/incident-window.js';
import {
  EVIDENCE_SCHEMA,
  parseEvidenceDocument,
  type EvidenceBundle,
  type IncidentTime,
} from '../../../lambdas/core/evidence/bundle.js';
import { minimalRunbook as runbook } from '../../support/minimal-runbook.js';

function bundle(
  sections: Record<string, string>,
  extra: { incident?: IncidentTime; target?: EvidenceBundle['target']; collectedAt?: string } = {},
): EvidenceBundle {
  return {
    schema: EVIDENCE_SCHEMA,
    target: extra.target ?? { platform: 'docker' },
    collectedAt: extra.collectedAt ?? '2026-12-02T12:30:00Z',
    ...(extra.incident ? { incident: extra.incident } : {}),
    sections: Object.fromEntries(Object.entries(sections).map(([k, output]) => [k, { output }])),
  };
}
const oom = compileRunbooks([
  runbook('oom-killed', [
    {
      id: 'kernel-oom',
      description: 'The kernel killed a process',
      weight: 0.95,
      about: 'target',
      match: { pattern: 'Killed process \\d+|oom-kill:constraint=' },
    },
  ]),
]);
const ANCHOR = '# uptime-anchor: 7200.000 s at 2026-12-02T12:30:00.000Z'; // booted 10:30

describe('the incident window', () => {
  it('an OOM kill from before the window proves nothing', () => {
    // uptime 1800 s = 11:00, the incident at 12:25 with 15 minutes of lookback starts at 12:10.
    const b = bundle(
      {
        'kernel.log': `${ANCHOR}\n[ 1800.000000] Memory cgroup out of memory: Killed process 9 (java)`,
      },
      { incident: { at: '2026-12-02T12:25:00Z', lookbackMinutes: 15 } },
    );
    expect(classifyEvidence(oom, b).matches).toEqual([]);
  });
  it('an OOM kill inside the window proves it', () => {
    const b = bundle(
      {
        'kernel.log': `${ANCHOR}\n[ 6600.000000] Memory cgroup out of memory: Killed process 9 (java)`,
      },
      { incident: { at: '2026-12-02T12:25:00Z', lookbackMinutes: 15 } },
    );
    expect(classifyEvidence(oom, b).matches[0]?.runbookId).toBe('oom-killed');
  });
  it('without an incident time, the window reaches back 15 minutes from the collection time', () => {
    const old = bundle({
      'docker.journal': 'time="2026-12-02T12:00:00Z" level=error msg="Killed process 9 (java)"',
    });
    const recent = bundle({
      'docker.journal': 'time="2026-12-02T12:20:00Z" level=error msg="Killed process 9 (java)"',
    });
    expect(classifyEvidence(oom, old).matches).toEqual([]);
    expect(classifyEvidence(oom, recent).matches).toHaveLength(1);
  });
  it('keeps lines without a timestamp, and labelled cases (epoch collection time) whole', () => {
    expect(
      classifyEvidence(oom, bundle({ 'docker.cli': 'Killed process 9 (java)' })).matches,
    ).toHaveLength(1);
    const labelled = bundle(
      { 'docker.journal': 'Mar  1 10:00:00 h kernel: Killed process 9 (java)' },
      { collectedAt: '1970-01-01T00:00:00Z' },
    );
    expect(classifyEvidence(oom, labelled).matches).toHaveLength(1);
  });
  it("a labelled case taken from a live host keeps its collection and incident times, so its stale lines are judged like the host's", () => {
    const sections = {
      'docker.journal': {
        output: 'time="2026-12-02T12:00:00Z" level=error msg="Killed process 9 (java)"\n',
      },
    };
    const timed = parseEvidenceDocument({
      label: null,
      collectedAt: '2026-12-02T12:30:00Z',
      sections,
    }).bundle;
    const atIncident = parseEvidenceDocument({
      label: 'oom-killed',
      collectedAt: '2026-12-02T12:30:00Z',
      incident: { at: '2026-12-02T12:05:00Z' },
      sections,
    }).bundle;
    const untimed = parseEvidenceDocument({ label: 'oom-killed', sections }).bundle;
    expect(classifyEvidence(oom, timed).matches).toEqual([]);
    expect(classifyEvidence(oom, atIncident).matches).toHaveLength(1);
    expect(classifyEvidence(oom, untimed).matches).toHaveLength(1);
  });
  it('on verification evidence only lines after the fix count, for matches and for verify checks', () => {
    const rb = runbook(
      'registry-auth-required',
      [
        {
          id: 'unauth',
          description: 'd',
          weight: 0.9,
          match: { pattern: 'unauthorized: authentication required' },
        },
      ],
      {
        verify: {
          description: 'v',
          collect: ['docker.journal'],
          expectCleared: true,
          checks: [
            { description: 'no auth error', expect: 'absent', match: { pattern: 'unauthorized' } },
          ],
        },
      },
    );
    const compiled = compileRunbooks([rb]);
    const journal =
      'time="2026-12-02T12:20:00Z" level=error msg="unauthorized: authentication required"\ntime="2026-12-02T12:26:00Z" level=info msg="pull done"';
    const before = bundle(
      { 'docker.journal': journal },
      { incident: { at: '2026-12-02T12:20:00Z' } },
    );
    const after = bundle(
      { 'docker.journal': journal },
      { incident: { at: '2026-12-02T12:20:00Z', remediatedAt: '2026-12-02T12:25:00Z' } },
    );
    expect(classifyEvidence(compiled, before).matches).toHaveLength(1);
    expect(classifyEvidence(compiled, after).matches).toEqual([]);
    expect(evaluateVerifyChecks(compiled, after, rb)[0]?.held).toBe(true);
    expect(evaluateVerifyChecks(compiled, before, rb)[0]?.held).toBe(false);
  });
});

describe("zoneless stamps in the host's local time", () => {
  // The incident at 12:25 UTC with 15 minutes of lookback: the window starts at 12:10 UTC.
  const incident = { at: '2026-12-02T12:25:00Z', lookbackMinutes: 15 };
  const kill = (stamp: string) => `${stamp} host kernel: Killed process 9 (java)`;
  it("places a syslog line by the collector's offset heading: in the window on a UTC-5 host, stale on a UTC+5 one", () => {
    const west = bundle(
      { 'docker.journal': `# local-time-offset: -0500\n${kill('Dec  2 07:20:00')}` },
      { incident },
    );
    const east = bundle(
      { 'docker.journal': `# local-time-offset: +0500\n${kill('Dec  2 12:20:00')}` },
      { incident },
    );
    expect(classifyEvidence(oom, west).matches[0]?.runbookId).toBe('oom-killed');
    expect(classifyEvidence(oom, east).matches).toEqual([]);
  });
  it("infers the offset from a line that dockerd's logrus stamped with a zone, when no heading says it", () => {
    const journal = [
      'Dec  2 07:19:00 host dockerd[812]: time="2026-12-02T12:18:59.600Z" level=info msg="Starting up"',
      kill('Dec  2 07:20:00'),
    ].join('\n');
    const window = incidentWindow(bundle({ 'docker.journal': journal }, { incident }));
    expect(window.timeOf('docker.journal', kill('Dec  2 07:20:00'))).toBe(
      Date.parse('2026-12-02T12:20:00Z'),
    );
    expect(window.counts('docker.journal', kill('Dec  2 07:20:00'))).toBe(true);
    // A stamp in the message is no logger's: nothing inferred, the line read as UTC, stale.
    const quoted = bundle(
      {
        'docker.journal': `Dec  2 07:19:00 host app[9]: next run at time="2026-12-02T12:19:00Z"\n${kill('Dec  2 07:20:00')}`,
      },
      { incident },
    );
    expect(incidentWindow(quoted).counts('docker.journal', kill('Dec  2 07:20:00'))).toBe(false);
  });
  it('leaves zoned stamps as they are, and other sections at UTC', () => {
    const b = bundle(
      {
        'docker.journal': `# local-time-offset: -0500\ntime="2026-12-02T12:00:00Z" level=error msg="Killed process 9 (java)"`,
        'containerd.log': kill('Dec  2 07:20:00'),
      },
      { incident },
    );
    const window = incidentWindow(b);
    expect(
      window.counts(
        'docker.journal',
        'time="2026-12-02T12:00:00Z" level=error msg="Killed process 9 (java)"',
      ),
    ).toBe(false);
    expect(window.counts('containerd.log', kill('Dec  2 07:20:00'))).toBe(false);
  });
});

describe('target linking', () => {
  const ours = 'a'.repeat(64);
  const theirs = 'b'.repeat(64);
  const kernel = (id: string) =>
    `oom-kill:constraint=CONSTRAINT_MEMCG,task_memcg=/system.slice/docker-${id}.scope,task=java,pid=9\nMemory cgroup out of memory: Killed process 9 (java)`;
  it('an OOM kill of the alarmed container proves it at full weight', () => {
    const b = bundle(
      { 'kernel.log': kernel(ours) },
      { target: { platform: 'docker', container: 'web', containerId: ours } },
    );
    expect(classifyEvidence(oom, b).matches[0]).toMatchObject({
      runbookId: 'oom-killed',
      confidence: 0.95,
    });
  });
  it("another process's OOM kill is context only, and the explanation says so", () => {
    const b = bundle(
      { 'kernel.log': kernel(theirs) },
      { target: { platform: 'docker', container: 'web', containerId: ours } },
    );
    const result = classifyEvidence(oom, b);
    expect(result.matches).toEqual([]);
    expect(result.explanations[0]?.signals[0]).toMatchObject({ weight: 0.095 });
    expect(result.explanations[0]?.signals[0]?.description).toContain(
      'context only: about another workload than the alarmed web',
    );
  });
  it('a container fact names its container; a bundle without a target keeps full weight', () => {
    const rb = compileRunbooks([
      runbook('oom-killed', [
        {
          id: 'state',
          description: 'd',
          weight: 0.95,
          about: 'target',
          match: { fact: 'container.state', where: { oomKilled: true } },
        },
      ]),
    ]);
    const ps = 'name=batch oomkilled=true exitcode=137';
    expect(
      classifyEvidence(
        rb,
        bundle({ 'docker.inspect': ps }, { target: { platform: 'docker', container: 'web' } }),
      ).matches,
    ).toEqual([]);
    expect(
      classifyEvidence(
        rb,
        bundle({ 'docker.inspect': ps }, { target: { platform: 'docker', container: 'batch' } }),
      ).matches,
    ).toHaveLength(1);
    expect(classifyEvidence(rb, bundle({ 'docker.inspect': ps })).matches).toHaveLength(1);
  });
});

describe('unresolved / resolvedBy', () => {
  const rb = compileRunbooks([
    runbook('registry-insecure-http', [
      {
        id: 'fallback',
        description: 'd',
        weight: 0.75,
        match: {
          unresolved: { pattern: 'server gave HTTP response to HTTPS client' },
          resolvedBy: { pattern: '\\bimage pull \\S+' },
        },
      },
    ]),
  ]);
  const refused =
    'time="2026-12-02T12:20:00Z" level=info msg="Attempting next endpoint for pull after error: http: server gave HTTP response to HTTPS client"';
  it('a refusal that a completed pull follows is a healthy signature', () => {
    const b = bundle({
      'docker.journal': refused,
      'docker.events':
        '2026-12-02T12:20:01.000000000Z image pull 10.0.0.2:5000/app:1 (name=10.0.0.2:5000/app:1)',
    });
    expect(classifyEvidence(rb, b).matches).toEqual([]);
  });
  it('a refusal with no completed pull after it holds', () => {
    const b = bundle({
      'docker.journal': refused,
      'docker.events':
        '2026-12-02T12:19:00.000000000Z image pull 10.0.0.2:5000/app:1 (name=10.0.0.2:5000/app:1)',
    });
    expect(classifyEvidence(rb, b).matches[0]?.runbookId).toBe('registry-insecure-http');
  });
  it('without timestamps, order within one section decides', () => {
    expect(
      classifyEvidence(
        rb,
        bundle({ 'docker.cli': 'server gave HTTP response to HTTPS client\nimage pull x:1' }),
      ).matches,
    ).toEqual([]);
    expect(
      classifyEvidence(
        rb,
        bundle({ 'docker.cli': 'image pull x:1\nserver gave HTTP response to HTTPS client' }),
      ).matches,
    ).toHaveLength(1);
  });
  it("a failure's minCount counts the lines no success follows, not the ones a start resolved", () => {
    const twice = compileRunbooks([
      runbook('control-plane-unavailable', [
        {
          id: 'never-ready',
          description: 'd',
          weight: 0.75,
          match: {
            unresolved: { pattern: 'not yet ready', minCount: 2 },
            resolvedBy: { pattern: 'is up and running' },
          },
        },
      ]),
    ]);
    const lines = (...l: string[]) => bundle({ 'docker.cli': l.join('\n') });
    // Two waits at one start that came up, then one wait at the next start: once is a start's wait.
    expect(
      classifyEvidence(
        twice,
        lines('not yet ready', 'not yet ready', 'is up and running', 'not yet ready'),
      ).matches,
    ).toEqual([]);
    expect(
      classifyEvidence(twice, lines('is up and running', 'not yet ready', 'not yet ready')).matches,
    ).toHaveLength(1);
  });
});

describe("a container's ended state in the window", () => {
  const lastState = (finished: string) =>
    `    Last State:     Terminated\n      Reason:       OOMKilled\n      Exit Code:    137\n      Finished:     ${finished}\n    Ready:          True`;
  const reasonCounts = (finished: string, extra: Parameters<typeof bundle>[1]) =>
    incidentWindow(bundle({ 'k8s.pods': lastState(finished) }, extra)).counts(
      'k8s.pods',
      '      Reason:       OOMKilled',
      2,
    );

  it('with an incident time, a termination counts only inside the window', () => {
    const alarmed = { incident: { at: '2026-12-02T12:25:00Z', lookbackMinutes: 15 } };
    expect(reasonCounts('Wed, 02 Dec 2026 12:12:00 +0000', alarmed)).toBe(true);
    expect(reasonCounts('Wed, 02 Dec 2026 12:05:00 +0000', alarmed)).toBe(false);
  });

  it('without one, a termination hours before the collection still counts; one days old does not', () => {
    // A describe taken by hand some time after the kill someone noticed (collected 12:30).
    expect(reasonCounts('Wed, 02 Dec 2026 11:25:00 +0000', {})).toBe(true);
    expect(reasonCounts('Sun, 29 Nov 2026 11:25:00 +0000', {})).toBe(false);
  });

  it('on verification evidence, a termination before the fix proves nothing', () => {
    const verified = {
      incident: { at: '2026-12-02T12:00:00Z', remediatedAt: '2026-12-02T12:20:00Z' },
    };
    expect(reasonCounts('Wed, 02 Dec 2026 12:10:00 +0000', verified)).toBe(false);
    expect(reasonCounts('Wed, 02 Dec 2026 12:25:00 +0000', verified)).toBe(true);
  });
});
