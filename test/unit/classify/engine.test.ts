import { describe, expect, it } from 'vitest';
import { compileRunbooks } from '../../../lambdas/core/classify/compile.js';
import { classifyEvidence, evaluateVerifyChecks } from '../../../lambdas/core/classify/engine.js';
import { EVIDENCE_SCHEMA, type EvidenceBundle } from '../../../lambdas/core/evidence/bundle.js';
import type { FactMatch } from '../../../lambdas/core/runbook/model.js';
import { minimalRunbook as runbook } from '../../support/minimal-runbook.js';

const bundle = (sections: Record<string, string>): EvidenceBundle => ({
  schema: EVIDENCE_SCHEMA,
  target: { platform: 'docker' },
  collectedAt: '2026-11-23T09:00:00Z',
  sections: Object.fromEntries(Object.entries(sections).map(([k, output]) => [k, { output }])),
});

describe('classifyEvidence', () => {
  it('returns the proving lines with section and 1-based line number', () => {
    const rb = compileRunbooks([
      runbook('disk-full', [
        {
          id: 'enospc',
          description: 'd',
          weight: 0.9,
          match: { pattern: 'no space left on device' },
        },
      ]),
    ]);
    const result = classifyEvidence(
      rb,
      bundle({ 'docker.journal': 'ok\nwrite /x: No space left on device\n' }),
    );
    expect(result.matches).toEqual([
      {
        runbookId: 'disk-full',
        confidence: 0.9,
        evidence: [
          { section: 'docker.journal', line: 2, text: 'write /x: No space left on device' },
        ],
      },
    ]);
  });

  it('is unclassified (empty matches) when nothing passes the threshold', () => {
    const rb = compileRunbooks([
      runbook('a', [{ id: 'weak', description: 'd', weight: 0.3, match: { pattern: 'warning' } }]),
    ]);
    const result = classifyEvidence(rb, bundle({ x: 'warning: something' }));
    expect(result.matches).toEqual([]);
    expect(result.explanations[0]).toMatchObject({
      runbookId: 'a',
      confidence: 0.3,
      passed: false,
    });
  });

  it('combines weak signals with noisy-OR so that together they pass', () => {
    const rb = compileRunbooks([
      runbook('np', [
        { id: 'policy', description: 'd', weight: 0.35, match: { pattern: 'kind: NetworkPolicy' } },
        { id: 'timeout', description: 'd', weight: 0.35, match: { pattern: 'timed out' } },
      ]),
    ]);
    expect(
      classifyEvidence(
        rb,
        bundle({ a: 'kind: NetworkPolicy', b: 'curl: (28) Connection timed out' }),
      ).matches[0]?.confidence,
    ).toBeCloseTo(0.5775, 2);
    expect(classifyEvidence(rb, bundle({ a: 'kind: NetworkPolicy' })).matches).toEqual([]);
  });

  it('restricts a pattern to the sections it names, with prefix selectors', () => {
    const rb = compileRunbooks([
      runbook('k', [
        {
          id: 's',
          description: 'd',
          weight: 0.9,
          match: { pattern: 'NotReady', sections: ['k8s.*'] },
        },
      ]),
    ]);
    expect(classifyEvidence(rb, bundle({ 'docker.cli': 'NotReady' })).matches).toEqual([]);
    expect(classifyEvidence(rb, bundle({ 'k8s.node': 'NotReady' })).matches).toHaveLength(1);
  });

  it("ignores a line that also matches the pattern's unless", () => {
    const rb = compileRunbooks([
      runbook('disk', [
        {
          id: 's',
          description: 'd',
          weight: 0.9,
          match: { pattern: 'no space left on device', unless: 'inotify' },
        },
      ]),
    ]);
    expect(
      classifyEvidence(rb, bundle({ x: 'inotify_add_watch: no space left on device' })).matches,
    ).toEqual([]);
  });

  it('zeroes a runbook that an exclusion rules out, and keeps the reason', () => {
    const rb = compileRunbooks([
      runbook(
        'reg-dns',
        [
          {
            id: 's',
            description: 'd',
            weight: 0.9,
            match: { pattern: 'lookup \\S+: no such host' },
          },
        ],
        {
          rulesOut: [{ id: 'proxy', description: 'proxy', match: { pattern: 'proxyconnect' } }],
        },
      ),
    ]);
    const result = classifyEvidence(
      rb,
      bundle({ x: 'proxyconnect tcp: dial tcp: lookup proxy.invalid: no such host' }),
    );
    expect(result.matches).toEqual([]);
    expect(result.explanations[0]?.ruledOutBy[0]?.id).toBe('proxy');
  });

  it('ranks the more specific runbook first when a general one is superseded', () => {
    const rb = compileRunbooks([
      runbook(
        'daemon-down',
        [{ id: 's', description: 'd', weight: 0.95, match: { pattern: 'Failed to start Docker' } }],
        { supersededBy: ['group-missing'] },
      ),
      runbook('group-missing', [
        { id: 's', description: 'd', weight: 0.9, match: { pattern: 'status=216/GROUP' } },
      ]),
    ]);
    const result = classifyEvidence(
      rb,
      bundle({
        j: 'docker.socket: status=216/GROUP\nFailed to start Docker Application Container Engine.',
      }),
    );
    expect(result.matches.map((m) => m.runbookId)).toEqual(['group-missing']);
    expect(result.explanations.find((e) => e.runbookId === 'daemon-down')?.supersededBy).toBe(
      'group-missing',
    );
  });

  it('matches facts with comparisons and absence only in collected sections', () => {
    const rb = compileRunbooks([
      runbook('full', [
        {
          id: 'df',
          description: 'd',
          weight: 0.85,
          match: {
            fact: 'disk.usage',
            where: { usePercent: { gte: 97 }, mount: { notMatch: '^/snap' } },
          },
        },
      ]),
      runbook('nogroup', [
        {
          id: 'a',
          description: 'd',
          weight: 0.6,
          match: { absent: { pattern: '^docker:' }, in: ['security.groups'] },
        },
      ]),
    ]);
    const df =
      'Filesystem 1K-blocks Used Available Use% Mounted on\n/dev/loop0 10 10 0 100% /snap/core\n/dev/xvda1 10 10 0 98% /';
    expect(
      classifyEvidence(rb, bundle({ 'disk.df': df })).matches.map((m) => [
        m.runbookId,
        m.evidence[0]?.line,
      ]),
    ).toEqual([['full', 3]]);
    expect(
      classifyEvidence(rb, bundle({ 'security.groups': '' })).matches.map((m) => m.runbookId),
    ).toEqual(['nogroup']);
    expect(classifyEvidence(rb, bundle({ 'security.groups': 'docker:x:999:' })).matches).toEqual(
      [],
    );
  });

  it('finds a needle in a large haystack and caps evidence lines', () => {
    const rb = compileRunbooks([
      runbook('disk', [
        { id: 's', description: 'd', weight: 0.9, match: { pattern: 'no space left' } },
      ]),
    ]);
    const noise = 'level=info msg="healthy"\n'.repeat(50_000);
    const result = classifyEvidence(
      rb,
      bundle({ j: `${noise}no space left\n${noise}${'no space left\n'.repeat(20)}` }),
      { maxEvidence: 3 },
    );
    expect(result.matches[0]?.evidence).toHaveLength(3);
    expect(result.matches[0]?.evidence[0]?.line).toBe(50_001);
  });
});

describe('evaluateVerifyChecks', () => {
  it('reports whether each check holds on fresh evidence', () => {
    const rb = runbook(
      'node',
      [{ id: 's', description: 'd', weight: 0.9, match: { pattern: 'NotReady' } }],
      {
        verify: {
          description: 'v',
          collect: ['k8s.node'],
          expectCleared: true,
          checks: [
            {
              description: 'Ready is True',
              expect: 'present',
              match: { pattern: 'Ready\\s+True' },
            },
            {
              description: 'no pressure',
              expect: 'absent',
              match: { pattern: 'Pressure\\s+True' },
            },
          ],
        },
      },
    );
    const compiled = compileRunbooks([rb]);
    expect(
      evaluateVerifyChecks(
        compiled,
        bundle({ 'k8s.node': 'Ready True\nDiskPressure False' }),
        rb,
      ).map((c) => c.held),
    ).toEqual([true, true]);
    expect(
      evaluateVerifyChecks(
        compiled,
        bundle({ 'k8s.node': 'Ready False\nDiskPressure True' }),
        rb,
      ).map((c) => c.held),
    ).toEqual([false, false]);
    expect(
      evaluateVerifyChecks(compiled, bundle({ 'docker.cli': 'Ready False' }), rb).map(
        (c) => c.held,
      ),
    ).toEqual([null, null]);
  });
});

describe('hard-wrapped messages', () => {
  it('matches a message a terminal cut mid-word or YAML folded onto the next line', () => {
    const rb = compileRunbooks([
      runbook('tag', [
        {
          id: 's',
          description: 'd',
          weight: 0.9,
          match: { pattern: 'Tag \\S+ not found in repository' },
        },
      ]),
    ]);
    const folded = classifyEvidence(
      rb,
      bundle({
        'k8s.events': 'message: (Tag v2.0.0-bob\n    not found in repository quay.io/acme/api)',
      }),
    );
    expect(folded.matches[0]?.evidence[0]).toEqual({
      section: 'k8s.events',
      line: 2,
      text: 'not found in repository quay.io/acme/api)',
    });
    expect(
      classifyEvidence(rb, bundle({ x: 'Tag v1 was pushed\nnothing not found in repository' }))
        .matches,
    ).toEqual([]);
  });

  const notFound = compileRunbooks([
    runbook('image-not-found', [
      {
        id: 'reference-not-found',
        description: 'd',
        weight: 0.95,
        match: { pattern: 'failed to resolve reference .*not found' },
      },
    ]),
  ]);
  const event = (lastTimestamp: string) =>
    [
      '- involvedObject:',
      '    kind: Pod',
      '    name: api-1',
      `  lastTimestamp: "${lastTimestamp}"`,
      '  message: Failed to pull image "x": rpc error: code = NotFound desc = failed to',
      '    pull and unpack image "docker.io/library/x:latest": failed to resolve reference',
      '    "docker.io/library/x:latest": docker.io/library/x:latest:',
      '    not found',
      '  reason: Failed',
    ].join('\n');

  it('matches a message kubectl -o yaml folded over four lines; the evidence is the candidate line', () => {
    const result = classifyEvidence(
      notFound,
      bundle({ 'k8s.events': event('2026-11-23T08:58:00Z') }),
    );
    expect(result.matches[0]?.evidence).toEqual([
      {
        section: 'k8s.events',
        line: 6,
        text: 'pull and unpack image "docker.io/library/x:latest": failed to resolve reference',
      },
    ]);
  });

  it("places a folded line in time by its own line (the event object's), not by the joined text", () => {
    // The event was last seen two hours before the collection: outside the 15-minute window.
    expect(
      classifyEvidence(notFound, bundle({ 'k8s.events': event('2026-11-23T07:00:00Z') })).matches,
    ).toEqual([]);
  });

  it('matches a pull error a blog re-wrapped over four lines of a describe event', () => {
    const describe = [
      'Events:',
      'Type Reason Age From Message',
      '---- ------ ---- ---- -------',
      'Warning Failed 44s (x4 over 2m14s) kubelet Failed to pull image "x":',
      'rpc error: code = NotFound desc =',
      'failed to resolve reference',
      '"docker.io/library/x:latest":',
      'docker.io/library/x:latest:',
      'not found',
    ].join('\n');
    expect(
      classifyEvidence(notFound, bundle({ 'k8s.events': describe })).matches[0]?.evidence,
    ).toEqual([{ section: 'k8s.events', line: 6, text: 'failed to resolve reference' }]);
  });

  it('does not join klog lines or timestamped log lines into a match no single line makes', () => {
    const klog = [
      'E1123 08:58:11.204118    2231 pod_workers.go:1298] "Error syncing pod" err="failed to resolve reference"',
      'E1123 08:58:11.304118    2231 prober.go:1] "Probe failed" err="HTTP probe: 404 not found"',
    ].join('\n');
    const logs = [
      '2026-11-23T08:58:11Z failed to resolve reference "docker.io/library/x:latest": 429',
      '2026-11-23T08:58:12Z GET /healthz 404 not found',
    ].join('\n');
    expect(classifyEvidence(notFound, bundle({ 'kubelet.journal': klog })).matches).toEqual([]);
    expect(classifyEvidence(notFound, bundle({ 'docker.logs': logs })).matches).toEqual([]);
  });

  it('does not join across a YAML key of the enclosing object', () => {
    const message =
      '  message: failed to resolve reference "docker.io/library/x:latest": 429 Too Many';
    for (const yaml of [
      [message, '  note: not found'],
      [message, '    Requests', '  note: not found'],
    ])
      expect(classifyEvidence(notFound, bundle({ 'k8s.events': yaml.join('\n') })).matches).toEqual(
        [],
      );
  });
});

describe('the engine runs joins', () => {
  const onlyFact = (match: FactMatch) =>
    compileRunbooks([runbook('joined', [{ id: 's', description: 'd', weight: 0.9, match }])]);

  it("parses a join's input facts though no runbook names them, and shows both halves", () => {
    const rulebook = onlyFact({ fact: 'port.published', where: { listener: 'loopback' } });
    expect(rulebook.factKinds.has('net.listener')).toBe(true);
    const result = classifyEvidence(
      rulebook,
      bundle({
        'docker.ps':
          'CONTAINER ID   IMAGE   COMMAND   CREATED   STATUS         PORTS                  NAMES\nabc   web   "node ."   1 hour ago   Up 1 hour   0.0.0.0:80->3000/tcp   web',
        'net.sockets': '# netns container=web pid=9\nLISTEN 0 511 127.0.0.1:3000 0.0.0.0:*',
      }),
    );
    expect(result.matches[0]?.evidence.map((e) => [e.section, e.line])).toEqual([
      ['docker.ps', 2],
      ['net.sockets', 2],
    ]);
  });

  it('hands a join only sections that showed its markers: no Service selector, no service facts', () => {
    const rulebook = onlyFact({ fact: 'service.selection', where: { selectorConflict: true } });
    const yaml =
      'kind: Service\nmetadata:\n  name: a\n  labels:\n    app: a\nspec:\n  selector:\n    app: b';
    expect(classifyEvidence(rulebook, bundle({ 'k8s.services': yaml })).matches).toHaveLength(1);
    const noSelector = yaml.replace('selector:', 'matchLabels:');
    expect(classifyEvidence(rulebook, bundle({ 'k8s.services': noSelector })).matches).toEqual([]);
  });
});
