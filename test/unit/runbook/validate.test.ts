import { describe, expect, it } from 'vitest';
import { loadRunbooksFromTexts } from '../../../lambdas/core/runbook/validate.js';

const valid = `
id: sample
title: Sample
platform: docker
summary: s
why: w
evidence: { sections: [docker.cli] }
signals:
  - { id: one, description: d, weight: 0.9, match: { pattern: 'boom' } }
remediation:
  safety: automatic
  summary: r
  steps: [{ action: docker-prune-images, params: { olderThanHours: 24 } }]
verify: { description: v, collect: [docker.cli] }
`;

const errorsOf = (text: string, classIds?: string[]) =>
  loadRunbooksFromTexts([{ id: 'sample', text }], classIds).errors.map((e) => e.message);

describe('runbook validation', () => {
  it('accepts a valid runbook and fills defaults', () => {
    const result = loadRunbooksFromTexts([{ id: 'sample', text: valid }]);
    expect(result.errors).toEqual([]);
    expect(result.runbooks[0]?.remediation.guards).toEqual({
      cooldownMinutes: 30,
      maxTargets: 10,
      maxFailuresPerDay: 3,
    });
  });

  it('pass 1 names the runbook and the path of a structural error', () => {
    expect(errorsOf(valid.replace('weight: 0.9', 'weight: 2'))[0]).toMatch(
      /^runbook sample at signals\[0\]\.weight: /,
    );
    expect(errorsOf(valid.replace('title: Sample', 'title: Sample\ncolour: red'))[0]).toMatch(
      /^runbook sample.*colour/,
    );
  });

  it('reports broken YAML with its line', () => {
    expect(errorsOf('id: [unclosed')[0]).toMatch(/^runbook sample at line \d+: not valid YAML/);
  });

  it('requires the id to equal the file name', () => {
    expect(errorsOf(valid.replace('id: sample', 'id: other'))[0]).toBe(
      'runbook sample at id: id "other" must equal the file name "sample.yaml"',
    );
  });

  it('pass 2 rejects an invalid regular expression with its path', () => {
    expect(errorsOf(valid.replace("pattern: 'boom'", "pattern: 'bo(om'"))[0]).toMatch(
      /^runbook sample at signals\[0\]\.match\.pattern: invalid regular expression/,
    );
  });

  it('pass 2 rejects unknown actions, wrong parameters and unsafe automation', () => {
    expect(
      errorsOf(valid.replace('docker-prune-images, params: { olderThanHours: 24 }', 'rm-rf'))[0],
    ).toMatch(/steps\[0\]\.action: unknown action "rm-rf"/);
    expect(errorsOf(valid.replace('olderThanHours: 24', 'olderThanHours: 0'))[0]).toMatch(
      /params\.olderThanHours: expected an integer from 1 to 8760/,
    );
    expect(errorsOf(valid.replace('olderThanHours: 24', 'days: 1'))[0]).toMatch(
      /takes no parameter "days"/,
    );
    expect(
      errorsOf(
        valid.replace(
          'docker-prune-images, params: { olderThanHours: 24 }',
          'docker-restart-service',
        ),
      )[0],
    ).toMatch(/is risky; set remediation.safety to approval/);
    expect(
      errorsOf(
        valid.replace('docker-prune-images, params: { olderThanHours: 24 }', 'k8s-cordon-node'),
      )[0],
    ).toMatch(/runs on kubernetes, which a docker runbook cannot target/);
  });

  it('pass 2 checks superseding runbooks exist and every failure class has a runbook', () => {
    expect(
      errorsOf(valid.replace('remediation:', 'supersededBy: [ghost]\nremediation:'))[0],
    ).toMatch(/supersededBy\[0\]: no runbook "ghost"/);
    expect(errorsOf(valid, ['sample', 'disk-full'])).toEqual([
      'runbook disk-full: failure class has no runbook: add runbooks/disk-full.yaml',
    ]);
  });
});
