import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { loadRunbookDirectory } from '../../../lambdas/adapters/local/runbook-directory.js';
import { readRunbookJsonFile } from '../../../lambdas/adapters/local/runbook-json-file.js';
import { writeRunbookJson } from '../../../lambdas/adapters/local/runbook-json-writer.js';
import { REPO_ROOT } from '../../../lambdas/adapters/local/runbook-directory.js';
import {
  RUNBOOK_JSON_FORMAT,
  runbooksFromJson,
} from '../../../lambdas/core/runbook/runbook-json.js';

describe('runbooks compiled to JSON at bundling', () => {
  it('round-trips every shipped runbook exactly as the YAML loader reads it', () => {
    const file = writeRunbookJson(join(REPO_ROOT, 'runbooks'));

    expect(readRunbookJsonFile(file)).toEqual(
      loadRunbookDirectory(join(REPO_ROOT, 'runbooks')).runbooks,
    );
    expect(JSON.parse(readFileSync(file, 'utf8')).format).toBe(RUNBOOK_JSON_FORMAT);
  });

  it('a broken runbook fails the compile (the synth), naming the runbook and the path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbooks-broken-'));
    writeFileSync(
      join(dir, 'disk-full.yaml'),
      readFileSync(join(REPO_ROOT, 'runbooks/disk-full.yaml'), 'utf8').replace(
        /^id: .*$/m,
        'id: Disk Full',
      ),
    );

    expect(() => writeRunbookJson(dir)).toThrow(/runbook disk-full at id/);
  });

  it.each([
    ['not JSON', '{', /not JSON/],
    [
      'another format',
      JSON.stringify({ format: 'x', runbooks: [] }),
      /expected paramedic\.runbooks\/v1/,
    ],
    [
      'an entry without id',
      JSON.stringify({ format: RUNBOOK_JSON_FORMAT, runbooks: [{}] }),
      /runbooks\[0\] has no id/,
    ],
  ])('rejects %s with the file name and the fix', (_name, text, message) => {
    expect(() => runbooksFromJson(text, '/x/runbooks.json')).toThrow(message);
    expect(() => runbooksFromJson(text, '/x/runbooks.json')).toThrow(
      /\/x\/runbooks\.json: .*rebuild it from runbooks/,
    );
  });

  it('a missing file names the path', () => {
    expect(() => readRunbookJsonFile('/nonexistent/runbooks.json')).toThrow(
      '/nonexistent/runbooks.json: cannot be read (ENOENT)',
    );
  });
});
