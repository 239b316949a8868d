import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRulebook, REPO_ROOT } from '../../../lambdas/adapters/local/runbook-directory.js';
import {
  missingKubernetesSections,
  verifyChecksWithCoverage,
} from '../../../lambdas/core/classify/verify-coverage.js';
import type { EvidenceBundle } from '../../../lambdas/core/evidence/bundle.js';
import {
  allPassed,
  baselineFromBundle,
  checkKubernetesState,
  type ObservedPod,
} from '../../../lambdas/core/kubernetes/state-checks.js';

const NODE = 'ip-10-0-1-23.eu-west-1.compute.internal';
const since = new Date('2026-11-23T09:10:00Z');
const rulebook = loadRulebook();
const runbook = (id: string) => rulebook.runbooks.find((r) => r.id === id)!;
const recorded = (id: string): EvidenceBundle => {
  const c = JSON.parse(
    readFileSync(join(REPO_ROOT, 'test/fixtures/kubernetes/bundles', `${id}.json`), 'utf8'),
  );
  return {
    schema: 'paramedic.evidence/v1',
    target: { platform: 'eks' },
    collectedAt: '2026-11-23T09:00:00Z',
    sections: c.sections,
  };
};
const nodeBundle = (): EvidenceBundle =>
  JSON.parse(
    readFileSync(
      join(REPO_ROOT, 'test/fixtures/kubernetes/node-evidence/node-disk-pressure-node.json'),
      'utf8',
    ),
  );
const conditions = (disk: string, ready = 'True') => [
  { type: 'Ready', status: ready },
  { type: 'DiskPressure', status: disk },
  { type: 'MemoryPressure', status: 'False' },
];
const pod = (over: Partial<ObservedPod> = {}): ObservedPod => ({
  namespace: 'shop',
  name: 'reports-6f5d4c3b2-k7j6h',
  phase: 'Running',
  containers: [
    { name: 'reports', ready: true, restartCount: 7, lastTerminatedAt: '2026-11-23T08:57:30Z' },
  ],
  ...over,
});

describe('node state after remediation', () => {
  it('the diagnosis bundle says which condition must clear', () => {
    expect(baselineFromBundle(recorded('node-disk-pressure-node'))).toEqual({
      nodeConditionsTrue: ['DiskPressure'],
    });
    expect(baselineFromBundle(nodeBundle())).toEqual({});
  });

  it('passes when Ready and DiskPressure cleared; fails while DiskPressure holds', () => {
    const base = { nodeConditionsTrue: ['DiskPressure'] };
    const ok = checkKubernetesState(
      { node: NODE },
      { node: { read: true, value: { name: NODE, conditions: conditions('False') } } },
      since,
      base,
    );
    expect(ok.map((c) => [c.description, c.status])).toEqual([
      [`node ${NODE} is Ready`, 'passed'],
      [`node ${NODE} DiskPressure is not True`, 'passed'],
    ]);
    expect(allPassed(ok)).toBe(true);
    const still = checkKubernetesState(
      { node: NODE },
      { node: { read: true, value: { name: NODE, conditions: conditions('True') } } },
      since,
      base,
    );
    expect(still[1]).toMatchObject({ status: 'failed', observed: 'DiskPressure=True' });
  });

  it('a node that was not read, or lacks the condition, is unknown and never a pass', () => {
    const forbidden = checkKubernetesState(
      { node: NODE },
      { node: { read: false, reason: 'Error from server (Forbidden): nodes "x" is forbidden' } },
      since,
    );
    expect(forbidden.every((c) => c.status === 'unknown')).toBe(true);
    expect(forbidden.map((c) => c.description)).toContain(`node ${NODE} PIDPressure is not True`);
    expect(allPassed(forbidden)).toBe(false);
    expect(
      checkKubernetesState({ node: NODE }, {}, since).every((c) => c.status === 'unknown'),
    ).toBe(true);
    const noReady = checkKubernetesState(
      { node: NODE },
      { node: { read: true, value: { name: NODE, conditions: [] } } },
      since,
      { nodeConditionsTrue: [] },
    );
    expect(noReady).toEqual([
      {
        description: `node ${NODE} is Ready`,
        status: 'unknown',
        observed: 'the node reports no Ready condition',
      },
    ]);
    expect(allPassed([])).toBe(false);
  });
});

describe('pod state after remediation', () => {
  it('passes a Running, Ready pod that has not restarted since the remediation', () => {
    const r = checkKubernetesState(
      { namespace: 'shop', pod: 'reports-6f5d4c3b2-k7j6h' },
      { pods: { read: true, value: [pod()] } },
      since,
    );
    expect(r.map((c) => c.status)).toEqual(['passed', 'passed']);
  });

  it('fails a pod still crash looping or restarted after the remediation', () => {
    const looping = pod({
      containers: [
        {
          name: 'reports',
          ready: false,
          restartCount: 9,
          waitingReason: 'CrashLoopBackOff',
          lastTerminatedAt: '2026-11-23T09:12:00Z',
        },
      ],
    });
    const r = checkKubernetesState(
      { namespace: 'shop', pod: 'reports-6f5d4c3b2-k7j6h' },
      { pods: { read: true, value: [looping] } },
      since,
    );
    expect(r.map((c) => c.status)).toEqual(['failed', 'failed']);
    expect(r[1]!.observed).toBe(
      'reports-6f5d4c3b2-k7j6h/reports (restarts 9, CrashLoopBackOff, last ended 2026-11-23T09:12:00Z)',
    );
  });

  it('a workload with no pod left fails; an unread pod is unknown', () => {
    expect(
      checkKubernetesState(
        { namespace: 'shop', pod: 'x' },
        { pods: { read: true, value: [] } },
        since,
      ).map((c) => c.status),
    ).toEqual(['failed', 'unknown']);
    expect(
      checkKubernetesState(
        { namespace: 'shop', pod: 'x' },
        { pods: { read: false, reason: 'refused' } },
        since,
      ).map((c) => c.status),
    ).toEqual(['unknown', 'unknown']);
  });
});

describe('runbook verify.checks with Kubernetes coverage', () => {
  it('node-disk-pressure: node-side evidence alone leaves the DiskPressure check unknown (not passed)', () => {
    expect(missingKubernetesSections(nodeBundle(), runbook('node-disk-pressure'))).toEqual([
      'k8s.node',
    ]);
    expect(verifyChecksWithCoverage(rulebook, nodeBundle(), runbook('node-disk-pressure'))).toEqual(
      [
        {
          description: 'DiskPressure condition is no longer True',
          status: 'unknown',
          observed: expect.stringMatching(/^k8s\.node not collected/),
        },
      ],
    );
  });

  it('decides once k8s.node is there: failed while DiskPressure is True', () => {
    const both: EvidenceBundle = {
      ...nodeBundle(),
      sections: { ...nodeBundle().sections, ...recorded('node-disk-pressure-node').sections },
    };
    const [check] = verifyChecksWithCoverage(rulebook, both, runbook('node-disk-pressure'));
    expect(check).toMatchObject({
      status: 'failed',
      observed: expect.stringMatching(/^k8s\.node:\d+: .*DiskPressure\s+True/),
    });
  });

  it('a k8s.node read with an error does not count as collected', () => {
    const denied: EvidenceBundle = {
      ...nodeBundle(),
      sections: {
        ...nodeBundle().sections,
        'k8s.node': {
          output: 'Error from server (Forbidden): nodes "x" is forbidden',
          error: 'Forbidden',
        },
      },
    };
    expect(verifyChecksWithCoverage(rulebook, denied, runbook('node-not-ready'))[0]!.status).toBe(
      'unknown',
    );
  });
});
