import { describe, expect, it } from 'vitest';
import {
  EVIDENCE_SCHEMA,
  parseEvidenceDocument,
  type EvidenceBundle,
} from '../../../lambdas/core/evidence/bundle.js';
import { joinIncidentEvidence } from '../../../lambdas/core/evidence/incident-bundle.js';

const at = new Date('2026-11-23T09:00:05Z');
const bundle = (
  target: EvidenceBundle['target'],
  sections: EvidenceBundle['sections'],
): EvidenceBundle => ({
  schema: EVIDENCE_SCHEMA,
  target,
  collectedAt: '2026-11-23T09:00:00Z',
  sections,
});
const node = bundle(
  { platform: 'eks', instanceId: 'i-0a1b2c3d4e5f60701', node: 'ip-10-0-1-23' },
  {
    'kubelet.journal': { output: 'PLEG is not healthy\n' },
    'k8s.node': { output: 'kubectl on the node said this\n' },
    'io.block': { output: 'iostat: not installed\n', error: 'iostat not installed' },
  },
);
const api = bundle(
  {
    platform: 'eks',
    cluster: 'shop-prod',
    node: 'ip-10-0-1-23.eu-west-1.compute.internal',
    namespace: 'shop',
    pod: 'web-1',
  },
  {
    'k8s.node': { output: 'Name: ip-10-0-1-23.eu-west-1.compute.internal\n' },
    'kubelet.journal': { output: 'not what the API reads, but possible\n' },
  },
);

describe('joinIncidentEvidence', () => {
  it('merges sections, the owner keeping a shared name and the other copy kept beside it', () => {
    const b = joinIncidentEvidence(
      [
        { kind: 'ssm-command', bundle: node, reference: 'cmd-1' },
        { kind: 'kubernetes-api', bundle: api, reference: 'eks:shop-prod' },
      ],
      at,
    );
    expect(b.sections['k8s.node']!.output).toMatch(/^Name:/);
    expect(b.sections['k8s.node.node']!.output).toMatch(/^kubectl on the node/);
    expect(b.sections['kubelet.journal']!.output).toBe('PLEG is not healthy\n');
    expect(b.sections['kubelet.journal.api']!.output).toMatch(/^not what the API/);
    expect(b.sources).toEqual([
      {
        kind: 'ssm-command',
        status: 'partial',
        sections: ['kubelet.journal', 'k8s.node.node', 'io.block'],
        errors: [{ section: 'io.block', error: 'iostat not installed' }],
        reference: 'cmd-1',
      },
      {
        kind: 'kubernetes-api',
        status: 'collected',
        sections: ['k8s.node', 'kubelet.journal.api'],
        errors: [],
        reference: 'eks:shop-prod',
      },
    ]);
  });

  it('takes the instance from the node and the Kubernetes names from the API', () => {
    const b = joinIncidentEvidence(
      [
        { kind: 'kubernetes-api', bundle: api },
        { kind: 'ssm-command', bundle: node },
      ],
      at,
    );
    expect(b.target).toEqual({
      platform: 'eks',
      instanceId: 'i-0a1b2c3d4e5f60701',
      cluster: 'shop-prod',
      node: 'ip-10-0-1-23.eu-west-1.compute.internal',
      namespace: 'shop',
      pod: 'web-1',
      container: null,
    });
    expect(b.collectedAt).toBe('2026-11-23T09:00:05.000Z');
  });

  it("keeps the incident window: the node's first, else the API's, else the one given (the classifier windows back from collectedAt without it)", () => {
    const incident = { at: '2026-11-23T08:20:00Z', lookbackMinutes: 15 };
    const fromNode = joinIncidentEvidence(
      [
        { kind: 'kubernetes-api', bundle: { ...api, incident: { at: '2026-11-23T08:00:00Z' } } },
        { kind: 'ssm-command', bundle: { ...node, incident } },
      ],
      at,
    );
    expect(fromNode.incident).toEqual(incident);
    const fromApi = joinIncidentEvidence(
      [
        { kind: 'ssm-command', error: 'Undeliverable' },
        { kind: 'kubernetes-api', bundle: { ...api, incident } },
      ],
      at,
    );
    expect(fromApi.incident).toEqual(incident);
    const given = joinIncidentEvidence(
      [
        { kind: 'ssm-command', error: 'Undeliverable' },
        { kind: 'kubernetes-api', error: 'no access' },
      ],
      at,
      {},
      { at: '2026-11-23T08:20:00Z', remediatedAt: '2026-11-23T08:50:00Z' },
    );
    expect(given.incident).toEqual({
      at: '2026-11-23T08:20:00Z',
      remediatedAt: '2026-11-23T08:50:00Z',
    });
    expect(parseEvidenceDocument(given).bundle.incident?.at).toBe('2026-11-23T08:20:00Z');
    expect(
      joinIncidentEvidence([{ kind: 'ssm-command', bundle: node }], at).incident,
    ).toBeUndefined();
  });

  it('a source with no bundle leaves a section with its error; the result is a valid v1 bundle', () => {
    const b = joinIncidentEvidence(
      [
        { kind: 'ssm-command', error: 'Undeliverable' },
        { kind: 'kubernetes-api', error: 'no access' },
      ],
      at,
      { cluster: 'shop-prod', node: 'n1' },
    );
    expect(b.sections).toEqual({
      'collector.ssm': {
        command: 'ssm send-command (node collector)',
        output: 'Undeliverable\n',
        exitCode: 1,
        error: 'Undeliverable',
      },
      'k8s.cluster': {
        command: 'kubernetes api',
        output: 'no access\n',
        exitCode: 1,
        error: 'no access',
      },
    });
    expect(b.sources.map((s) => s.status)).toEqual(['failed', 'failed']);
    expect(b.target).toMatchObject({ cluster: 'shop-prod', node: 'n1', instanceId: null });
    expect(parseEvidenceDocument(b).bundle.sections['k8s.cluster']!.error).toBe('no access');
  });
});
