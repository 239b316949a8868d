import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderDocumentScript } from '../../../lambdas/adapters/local/document-scripts.js';
import { REPO_ROOT } from '../../../lambdas/adapters/local/runbook-directory.js';
import {
  ACTION_DOCUMENTS,
  COLLECTOR_DOCUMENTS,
  DocumentParameterError,
  documentEnvironment,
  envNameOf,
  findCommandDocument,
  incidentParameters,
  inlineIncludes,
  listCommandDocuments,
  resolveDocumentParameters,
} from '../../../lambdas/core/collection/collector-documents.js';
import { listActions } from '../../../lambdas/core/remediation/catalog.js';

describe('command documents', () => {
  it('has one document per host action document of the catalogue, and both collectors', () => {
    const wanted = new Set(
      listActions()
        .filter((a) => a.document && (a.target === 'docker-host' || a.target === 'eks-node'))
        .map((a) => `Paramedic-${a.document}`),
    );
    expect(new Set(ACTION_DOCUMENTS.map((d) => d.documentName))).toEqual(wanted);
    expect(COLLECTOR_DOCUMENTS.map((d) => d.documentName)).toEqual([
      'Paramedic-CollectDockerHost',
      'Paramedic-CollectEksNode',
    ]);
    expect(findCommandDocument('Paramedic-JournalVacuum')?.platform).toBe('any');
  });

  for (const doc of listCommandDocuments()) {
    it(`${doc.documentName}: script exists, defaults match their own patterns, env names are PARAMEDIC_*`, async () => {
      expect(existsSync(join(REPO_ROOT, doc.script)), doc.script).toBe(true);
      for (const [name, p] of Object.entries(doc.parameters)) {
        // A required parameter declares no default; a declared one (even '') must pass its own pattern.
        if (p.default !== undefined)
          expect(new RegExp(p.allowedPattern).test(p.default), `${name} default`).toBe(true);
        expect(p.env).toBe(envNameOf(name));
        expect(
          readFileSync(join(REPO_ROOT, doc.script), 'utf8'),
          `${doc.script} reads ${p.env}`,
        ).toContain(p.env.replace(/^PARAMEDIC_/, ''));
      }
      const inlined = await renderDocumentScript(doc);
      expect(inlined).not.toMatch(/^[^#\n]*# paramedic:include/m);
      expect(inlined.length).toBeLessThan(64_000); // SSM document content limit is 64 KB
    });
  }

  it('resolves defaults, refuses bad values, maps to environment variables', () => {
    const doc = findCommandDocument('Paramedic-DockerPruneImages')!;
    expect(resolveDocumentParameters(doc, {})).toEqual({ olderThanHours: '24', dryRun: '0' });
    expect(() => resolveDocumentParameters(doc, { olderThanHours: '0' })).toThrow(
      DocumentParameterError,
    );
    expect(() => resolveDocumentParameters(doc, { olderThanHours: '24h' })).toThrow(
      /does not match/,
    );
    expect(documentEnvironment(doc, { olderThanHours: '48' })).toEqual({
      PARAMEDIC_OLDER_THAN_HOURS: '48',
      PARAMEDIC_DRY_RUN: '0',
      // Not a parameter: the action's time limit from the catalogue, the same for every caller.
      PARAMEDIC_TIME_LIMIT_SECONDS: '660',
    });
  });

  it('inlines libraries in place of their include line, leaving comments alone', () => {
    const text =
      '#!/bin/bash\n# paramedic:include lib.sh is explained here\n. ./lib.sh # paramedic:include lib.sh\necho done\n';
    const out = inlineIncludes(text, (p) => (p === 'lib.sh' ? '#!/bin/bash\nf() { :; }\n' : ''));
    expect(out).toBe(
      '#!/bin/bash\n# paramedic:include lib.sh is explained here\n# --- begin lib.sh (inlined without comments; the commented source is lib.sh in the Paramedic repository) ---\nf() { :; }\n# --- end lib.sh ---\necho done\n',
    );
  });
});

describe('incident parameters of the collectors', () => {
  const docker = COLLECTOR_DOCUMENTS[0]!;
  it('turn an alarm state-change time into incidentTime (UTC, RFC 3339) and a fix time into remediatedAt', () => {
    const values = incidentParameters({
      incidentTime: '2026-12-02T13:00:00.123+01:00',
      remediatedAt: new Date('2026-12-02T12:10:00Z'),
      lookbackMinutes: 30,
    });
    expect(values).toEqual({
      incidentTime: '2026-12-02T12:00:00.123Z',
      remediatedAt: '2026-12-02T12:10:00.000Z',
      sinceMinutes: '30',
    });
    expect(resolveDocumentParameters(docker, { container: 'web', ...values })).toMatchObject({
      incidentTime: '2026-12-02T12:00:00.123Z',
      sinceMinutes: '30',
    });
  });
  it('default to a 15-minute lookback from now and no fix time', () => {
    expect(resolveDocumentParameters(docker, {})).toMatchObject({
      incidentTime: '',
      sinceMinutes: '15',
      remediatedAt: '',
      daemonLog: '',
    });
  });
  it('refuse a time that is not RFC 3339 UTC, and a log path with shell characters', () => {
    expect(() => incidentParameters({ incidentTime: 'yesterday' })).toThrow(DocumentParameterError);
    for (const bad of [
      { incidentTime: '2026-12-02 12:00:00' } as Record<string, string>,
      { incidentTime: '2026-12-02T12:00:00+01:00' },
      { daemonLog: 'var/log/docker.log' },
      { daemonLog: '/var/log/$(id)' },
    ]) {
      expect(() => resolveDocumentParameters(docker, bad), JSON.stringify(bad)).toThrow(
        DocumentParameterError,
      );
    }
  });
});
