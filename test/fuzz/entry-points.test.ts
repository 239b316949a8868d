import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyEvidence } from '../../lambdas/core/classify/engine.js';
import { EvidenceFormatError, parseEvidenceDocument } from '../../lambdas/core/evidence/bundle.js';
import {
  parseQuantity,
  planDrain,
  renderDescribePod,
  renderGetEvents,
  renderGetPods,
  resolveIngressBackends,
  renderDescribeIngress,
} from '../../lambdas/core/kubernetes/index.js';
import { parseRunbookText, validateRunbooks } from '../../lambdas/core/runbook/validate.js';
import { AlarmEventError, normalizeAlarmEvent } from '../../lambdas/core/workflow/alarm-event.js';
import { ManualInputError, parseManualInput } from '../../lambdas/core/workflow/manual-input.js';
import {
  parseTarget,
  resolveAlarmTargets,
  TargetGrammarError,
} from '../../lambdas/core/workflow/targets.js';
import { parseS3OutputUrl, terminalStatus } from '../../lambdas/adapters/ssm/ssm-command-runner.js';
import { loadRulebook } from '../../lambdas/adapters/local/runbook-directory.js';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { cpuMs, fuzzParameters, fuzzTally, HANG_MS, hostileString } from './fuzz-harness.js';

const rulebook = loadRulebook();
const runbookIds = rulebook.runbooks.map((r) => r.id);
const { check, tally } = fuzzTally('entry points');
const NOW = new Date('2026-11-23T09:00:00Z');

/** Any JSON value, with hostile strings in it. */
const jsonish = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    hostileString(),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(hostileString(20), tie('value'), { maxKeys: 6 }),
  ),
})).value;

/** Mutates a valid document: replace a field, drop one, or splice in a hostile value. */
function mutated(base: Record<string, unknown>): fc.Arbitrary<unknown> {
  const paths: string[][] = [];
  const walk = (v: unknown, path: string[]) => {
    paths.push(path);
    if (v && typeof v === 'object') for (const [k, c] of Object.entries(v)) walk(c, [...path, k]);
  };
  walk(base, []);
  return fc
    .tuple(fc.constantFrom(...paths), fc.oneof(jsonish, fc.constant(undefined)))
    .map(([path, value]) => {
      const copy = structuredClone(base) as Record<string, unknown>;
      if (path.length === 0) return value;
      let at: Record<string, unknown> = copy;
      for (const key of path.slice(0, -1)) at = at[key] as Record<string, unknown>;
      if (value === undefined) delete at[path.at(-1)!];
      else at[path.at(-1)!] = value;
      return copy;
    });
}

const alarmEvent = JSON.parse(
  readFileSync(
    join(
      process.cwd(),
      'test/fixtures/alarms',
      readdirSync(join(process.cwd(), 'test/fixtures/alarms')).find((f) => f.endsWith('.json'))!,
    ),
    'utf8',
  ),
) as Record<string, unknown>;
const corpusBundle = JSON.parse(
  readFileSync(
    join(
      process.cwd(),
      'test/fixtures/recorded',
      readdirSync(join(process.cwd(), 'test/fixtures/recorded'))[0]!,
    ),
    'utf8',
  ),
) as Record<string, unknown>;

describe('fuzz: every entry point rejects bad input with a one-line message and never crashes', () => {
  it('alarm events (normalize, then resolve the dimensions)', () => {
    fc.assert(
      fc.property(fc.oneof(mutated(alarmEvent), jsonish), (event) =>
        check(
          event,
          (e) => {
            const alarm = normalizeAlarmEvent(e);
            resolveAlarmTargets(alarm.dimensions, ['prod']);
          },
          [AlarmEventError],
        ),
      ),
      fuzzParameters(),
    );
    fc.assert(
      fc.property(
        fc.array(
          fc.dictionary(
            fc.constantFrom('InstanceId', 'ClusterName', 'NodeName', 'AutoScalingGroupName', 'x'),
            hostileString(),
          ),
          { maxLength: 4 },
        ),
        (dims) =>
          check(
            dims,
            (d) => {
              // Whatever the dimensions say, a resolved target holds no character a shell or a page could act on.
              for (const t of resolveAlarmTargets(d))
                for (const v of Object.values(t)) expect(String(v)).not.toMatch(/[\s$`'";|&<>\\]/);
            },
            [],
          ),
      ),
      fuzzParameters(),
    );
  });

  it('manual input and target strings', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.record(
            {
              runbookId: fc.oneof(fc.constantFrom(...runbookIds), hostileString()),
              target: hostileString(),
              mode: fc.oneof(fc.constantFrom('dry-run', 'execute'), hostileString()),
            },
            { requiredKeys: [] },
          ),
          jsonish,
        ),
        (input) => check(input, (i) => parseManualInput(i, runbookIds), [ManualInputError]),
      ),
      fuzzParameters(),
    );
    fc.assert(
      fc.property(
        hostileString(300),
        fc.constantFrom('docker', 'eks') as fc.Arbitrary<'docker' | 'eks'>,
        (target, platform) => check(target, (t) => parseTarget(t, platform), [TargetGrammarError]),
      ),
      fuzzParameters(),
    );
  });

  it('evidence bundles (parse, then classify in bounded time)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          mutated(corpusBundle),
          jsonish,
          fc
            .dictionary(
              fc.constantFrom('docker.logs', 'kernel.log', 'k8s.events', 'x'),
              fc.record({ output: hostileString(4000) }),
            )
            .map((sections) => ({
              schema: 'paramedic.evidence/v1',
              target: { platform: 'docker' },
              collectedAt: '2026-11-23T09:00:00Z',
              sections,
            })),
        ),
        (doc) =>
          check(
            doc,
            (d) => {
              const { bundle } = parseEvidenceDocument(d);
              const started = cpuMs();
              const result = classifyEvidence(rulebook, bundle);
              expect(cpuMs() - started).toBeLessThan(HANG_MS);
              expect(Array.isArray(result.matches)).toBe(true);
            },
            [EvidenceFormatError],
          ),
      ),
      fuzzParameters(),
    );
  });

  it('SSM output: collector stdout, command status, output URLs', () => {
    const stdout = JSON.stringify(corpusBundle);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.nat({ max: stdout.length }).map((n) => stdout.slice(0, n)),
          fc
            .tuple(fc.nat({ max: stdout.length }), hostileString(40))
            .map(([n, s]) => stdout.slice(0, n) + s + stdout.slice(n)),
          hostileString(),
        ),
        (text) =>
          check(text, (t) => parseEvidenceDocument(JSON.parse(t)), [
            SyntaxError,
            EvidenceFormatError,
          ]),
      ),
      fuzzParameters(),
    );
    fc.assert(
      fc.property(fc.option(hostileString(30)), fc.option(hostileString(30)), (status, details) =>
        check(
          [status, details],
          () => terminalStatus(status ?? undefined, details ?? undefined),
          [],
        ),
      ),
      fuzzParameters(),
    );
    fc.assert(
      fc.property(fc.oneof(fc.webUrl(), hostileString()), (url) =>
        check(
          url,
          (u) => {
            const loc = parseS3OutputUrl(u);
            if (loc) expect(loc.bucket.length).toBeGreaterThan(0);
          },
          [],
        ),
      ),
      fuzzParameters(),
    );
  });

  it('runbook YAML (both validation passes)', () => {
    const yamlText = readFileSync(join(process.cwd(), 'runbooks', 'disk-full.yaml'), 'utf8');
    const lines = yamlText.split('\n');
    const mutatedYaml = fc.oneof(
      fc
        .tuple(fc.nat({ max: lines.length - 1 }), hostileString(80))
        .map(([i, s]) =>
          lines.map((l, j) => (j === i ? `${l.slice(0, l.indexOf(':') + 1)} ${s}` : l)).join('\n'),
        ),
      fc
        .tuple(fc.nat({ max: lines.length - 1 }), fc.nat({ max: lines.length - 1 }))
        .map(([a, b]) =>
          lines.filter((_, j) => j < Math.min(a, b) || j > Math.max(a, b)).join('\n'),
        ),
      fc.nat({ max: yamlText.length }).map((n) => yamlText.slice(0, n)),
      hostileString(500),
    );
    fc.assert(
      fc.property(mutatedYaml, (text) =>
        check(
          text,
          (t) => {
            const { runbook, errors } = parseRunbookText('disk-full', t);
            for (const e of errors) expect(e.message).not.toContain('\n');
            if (runbook)
              for (const e of validateRunbooks([runbook]).errors)
                expect(e.message).not.toContain('\n');
          },
          [],
        ),
      ),
      fuzzParameters(),
    );
  });

  it('Kubernetes objects (renderers, drain plan, ingress backends)', () => {
    const name = hostileString(80);
    const time = fc.oneof(
      fc.constant(undefined),
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      hostileString(30),
    );
    const meta = fc.record(
      {
        name,
        namespace: name,
        labels: fc.dictionary(hostileString(30), hostileString(30), { maxKeys: 3 }),
        annotations: fc.dictionary(hostileString(30), hostileString(60), { maxKeys: 3 }),
        creationTimestamp: time,
        ownerReferences: fc.array(
          fc.record({
            kind: fc.constantFrom('ReplicaSet', 'DaemonSet', 'Job', 'StatefulSet', 'x'),
            name,
            apiVersion: fc.constant('v1'),
            uid: name,
          }),
          { maxLength: 2 },
        ),
      },
      { requiredKeys: [] },
    );
    const state = fc.record(
      {
        waiting: fc.record({ reason: name, message: name }, { requiredKeys: [] }),
        terminated: fc.record(
          {
            reason: name,
            exitCode: fc.integer(),
            message: name,
            startedAt: time,
            finishedAt: time,
          },
          { requiredKeys: [] },
        ),
        running: fc.record({ startedAt: time }, { requiredKeys: [] }),
      },
      { requiredKeys: [] },
    );
    const container = fc.record(
      {
        name,
        image: name,
        ports: fc.array(
          fc.record({
            containerPort: fc.integer({ min: -5, max: 70000 }),
            protocol: fc.constantFrom('TCP', 'UDP'),
          }),
          { maxLength: 2 },
        ),
        resources: fc.record(
          {
            requests: fc.dictionary(fc.constantFrom('cpu', 'memory'), hostileString(12)),
            limits: fc.dictionary(fc.constantFrom('cpu', 'memory'), hostileString(12)),
          },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: ['name'] },
    );
    const pod = fc.record(
      {
        metadata: meta,
        spec: fc.record(
          { nodeName: name, containers: fc.array(container, { maxLength: 3 }) },
          { requiredKeys: [] },
        ),
        status: fc.record(
          {
            phase: fc.constantFrom('Running', 'Pending', 'Failed', 'Succeeded', 'Unknown'),
            reason: name,
            message: name,
            podIP: name,
            startTime: time,
            conditions: fc.array(
              fc.record({
                type: name,
                status: fc.constantFrom('True', 'False', 'Unknown'),
                reason: name,
              }),
              { maxLength: 3 },
            ),
            containerStatuses: fc.array(
              fc.record(
                {
                  name,
                  ready: fc.boolean(),
                  restartCount: fc.integer({ min: -1, max: 1e6 }),
                  image: name,
                  state,
                  lastState: state,
                },
                { requiredKeys: ['name'] },
              ),
              { maxLength: 3 },
            ),
          },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: [] },
    );
    const event = fc.record(
      {
        metadata: meta,
        involvedObject: fc.record({ kind: name, name, namespace: name }, { requiredKeys: [] }),
        reason: name,
        message: name,
        type: fc.constantFrom('Normal', 'Warning'),
        count: fc.integer(),
        lastTimestamp: time,
        firstTimestamp: time,
        eventTime: time,
      },
      { requiredKeys: ['involvedObject'] },
    );
    fc.assert(
      fc.property(
        fc.array(pod, { maxLength: 3 }),
        fc.array(event, { maxLength: 3 }),
        (pods, events) =>
          check([pods, events], () => {
            renderGetPods(pods as never, NOW, { wide: true });
            renderGetEvents(events as never, NOW);
            for (const p of pods) renderDescribePod(p as never, events as never, NOW);
            planDrain(pods as never);
          }, []),
      ),
      fuzzParameters(),
    );
    fc.assert(
      fc.property(hostileString(30), (text) => check(text, (t) => parseQuantity(t), [])),
      fuzzParameters(),
    );
    const ingress = fc.record(
      {
        metadata: meta,
        spec: fc.record(
          {
            rules: fc.array(
              fc.record(
                {
                  host: name,
                  http: fc.record({
                    paths: fc.array(
                      fc.record(
                        {
                          path: name,
                          pathType: fc.constantFrom('Prefix', 'Exact'),
                          backend: fc.oneof(
                            fc.record({
                              service: fc.record(
                                {
                                  name,
                                  port: fc.record(
                                    { number: fc.integer(), name },
                                    { requiredKeys: [] },
                                  ),
                                },
                                { requiredKeys: ['name'] },
                              ),
                            }),
                            fc.record({
                              resource: fc.record({ kind: name, name, apiGroup: name }),
                            }),
                          ),
                        },
                        { requiredKeys: ['backend'] },
                      ),
                      { maxLength: 2 },
                    ),
                  }),
                },
                { requiredKeys: [] },
              ),
              { maxLength: 2 },
            ),
          },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: [] },
    );
    const service = fc.record(
      {
        metadata: meta,
        spec: fc.record(
          {
            selector: fc.dictionary(hostileString(20), hostileString(20), { maxKeys: 2 }),
            ports: fc.array(
              fc.record(
                { port: fc.integer(), name, targetPort: fc.oneof(fc.integer(), name) },
                { requiredKeys: [] },
              ),
              { maxLength: 2 },
            ),
          },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(ingress, fc.array(service, { maxLength: 2 }), (ing, services) =>
        check([ing, services], () => {
          resolveIngressBackends(ing as never, services as never, []);
          renderDescribeIngress(ing as never, services as never, [], [], NOW);
        }, []),
      ),
      fuzzParameters(),
    );
  });

  it('found no crash and no hang', () => {
    expect(tally.crashes).toBe(0);
    expect(tally.hangs).toBe(0);
    expect(tally.inputs).toBeGreaterThan(0);
  });
});
