/** The local state documents: content-named `put` and fixed-key `putAt`, both read back sha256-checked. */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalStateDocuments } from '../../../../lambdas/adapters/local/local-state-documents.js';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('LocalStateDocuments', () => {
  it('putAt replaces the document at its key, and the newest reference reads back', async () => {
    dir = await mkdtemp(join(tmpdir(), 'state-docs-'));
    const store = new LocalStateDocuments(dir);

    const first = await store.putAt('command-results/run-1/triage/hosts/i-1.json', { at: 1 });
    const second = await store.putAt('command-results/run-1/triage/hosts/i-1.json', { at: 2 });

    expect(await readdir(join(store.root, 'command-results/run-1/triage/hosts'))).toEqual([
      'i-1.json',
    ]);
    expect(await store.get(second)).toEqual({ at: 2 });
    await expect(store.get(first)).rejects.toThrow(/does not match its recorded sha256/);
  });

  it('put names the document by its content, so different results sit side by side', async () => {
    dir = await mkdtemp(join(tmpdir(), 'state-docs-'));
    const store = new LocalStateDocuments(dir);

    const a = await store.put('executions/run-1/state/Plan', { steps: 1 });
    const b = await store.put('executions/run-1/state/Plan', { steps: 2 });

    expect(a.uri).toMatch(new RegExp(`/${a.sha256}\\.json$`));
    expect((await readdir(join(store.root, 'executions/run-1/state/Plan'))).sort()).toEqual(
      [`${a.sha256}.json`, `${b.sha256}.json`].sort(),
    );
    expect(await store.get(a)).toEqual({ steps: 1 });
  });
});
