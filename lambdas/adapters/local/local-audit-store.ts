import { appendFile, mkdir, open, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { chainEntry, verifyChain, type AuditEntry, type AuditEntryInput, type AuditFilter, type ChainReport } from '../../core/audit/audit-entry.js';
import type { AuditStore } from '../../core/ports.js';
import { sha256Hex } from './data-dir.js';
import { withFileLock } from './file-lock.js';

/** The trail file cannot be appended to safely (its last record is damaged). */
export class AuditTrailError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuditTrailError';
  }
}

/** True when an entry passes a filter (fields the entry lacks do not match). */
export function entryMatches(entry: AuditEntry, filter: AuditFilter): boolean {
  if (filter.target !== undefined && entry.target !== filter.target) return false;
  if (filter.runbookId !== undefined && entry.runbookId !== filter.runbookId) return false;
  if (filter.outcome !== undefined && entry.outcome !== filter.outcome) return false;
  if (filter.since !== undefined && Date.parse(entry.at) < Date.parse(filter.since)) return false;
  return true;
}

/**
 * The audit trail as one append-only JSON-lines file (`<dataDir>/audit/trail.jsonl`), hash-chained
 * (see core/audit/audit-entry.ts). Appends hold `trail.lock`, so concurrent processes never
 * interleave or fork the chain.
 */
export class LocalAuditStore implements AuditStore {
  /** The JSON-lines file. */
  readonly file: string;
  private readonly lockFile: string;
  private readonly dir: string;

  constructor(dataDir: string) {
    this.dir = resolve(dataDir, 'audit');
    this.file = join(this.dir, 'trail.jsonl');
    this.lockFile = join(this.dir, 'trail.lock');
  }

  /** Appends after the current head, under the lock. */
  async append(input: AuditEntryInput): Promise<AuditEntry> {
    if (!input.executionId || !input.type || Number.isNaN(Date.parse(input.at))) {
      throw new AuditTrailError(`audit entry needs executionId, type and an ISO time "at"; got ${JSON.stringify({ executionId: input.executionId, type: input.type, at: input.at })}`);
    }
    await mkdir(this.dir, { recursive: true });
    return withFileLock(this.lockFile, async () => {
      const previous = await this.readLast();
      const entry = chainEntry(input, previous, sha256Hex);
      await appendFile(this.file, `${JSON.stringify(entry)}\n`);
      return entry;
    });
  }

  /** Entries of one execution, in order. */
  async execution(executionId: string): Promise<readonly AuditEntry[]> {
    return (await this.readAll()).filter((e) => e.executionId === executionId);
  }

  /** Matching entries, newest first. */
  async list(filter: AuditFilter): Promise<readonly AuditEntry[]> {
    const out = (await this.readAll()).filter((e) => entryMatches(e, filter)).reverse();
    return filter.limit !== undefined ? out.slice(0, filter.limit) : out;
  }

  /** Every entry in order (unparsable lines skipped; `verify` reports them). */
  async all(): Promise<readonly AuditEntry[]> {
    return this.readAll();
  }

  /** Walks the whole chain under the lock; the first unparsable, edited, removed or reordered record breaks it. */
  async verify(): Promise<ChainReport> {
    await mkdir(this.dir, { recursive: true });
    return withFileLock(this.lockFile, async () => {
      const lines = (await this.readText()).split('\n').filter((l) => l.trim() !== '');
      const entries: AuditEntry[] = [];
      for (let i = 0; i < lines.length; i++) {
        try {
          entries.push(JSON.parse(lines[i]!) as AuditEntry);
        } catch {
          const partial = verifyChain(entries, sha256Hex);
          if (!partial.ok) return { ...partial, entries: lines.length };
          return { ok: false, entries: lines.length, firstBroken: { seq: i + 1, executionId: '?', reason: `line ${i + 1} of ${this.file} is not valid JSON: the record was damaged or hand-edited` } };
        }
      }
      return verifyChain(entries, sha256Hex);
    });
  }

  private async readText(): Promise<string> {
    try {
      return await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
      throw error;
    }
  }

  private async readAll(): Promise<AuditEntry[]> {
    const out: AuditEntry[] = [];
    for (const line of (await this.readText()).split('\n')) {
      if (!line.trim()) continue;
      try { out.push(JSON.parse(line) as AuditEntry); } catch { /* reported by verify */ }
    }
    return out;
  }

  /** The last record, reading only the file's tail (growing the window until a whole line fits). */
  private async readLast(): Promise<AuditEntry | undefined> {
    let fh;
    try { fh = await open(this.file, 'r'); } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    try {
      const size = (await fh.stat()).size;
      if (size === 0) return undefined;
      for (let window = 64 * 1024; ; window *= 4) {
        const start = Math.max(0, size - window);
        const buf = Buffer.alloc(size - start);
        await fh.read(buf, 0, buf.length, start);
        const text = buf.toString('utf8').replace(/\n+$/, '');
        const nl = text.lastIndexOf('\n');
        if (nl < 0 && start > 0) continue;
        const line = text.slice(nl + 1);
        try {
          return JSON.parse(line) as AuditEntry;
        } catch {
          throw new AuditTrailError(`the last record of ${this.file} is damaged; run "paramedic audit verify" and repair the file before appending`);
        }
      }
    } finally {
      await fh.close();
    }
  }
}
