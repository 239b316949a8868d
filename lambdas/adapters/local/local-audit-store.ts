import {
  appendFile,
  type FileHandle,
  mkdir,
  open,
  readFile,
  rename,
  writeFile,
} from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  chainEntry,
  verifyChain,
  type AuditEntry,
  type AuditEntryInput,
  type AuditEntryOf,
  type AuditFilter,
  type ChainReport,
} from '../../core/audit/audit-entry.js';
import { checkChainHead, headOf, type ChainHead } from '../../core/audit/chain-head.js';
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

/** A file's text, or undefined when it does not exist. */
async function readIfPresent(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
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
  /** The head anchor (latest seq and hash), rewritten under the lock after each append. */
  readonly headFile: string;
  private readonly lockFile: string;
  private readonly dir: string;

  constructor(dataDir: string) {
    this.dir = resolve(dataDir, 'audit');
    this.file = join(this.dir, 'trail.jsonl');
    this.headFile = join(this.dir, 'head.json');
    this.lockFile = join(this.dir, 'trail.lock');
  }

  /** Appends after the current head, under the lock. */
  async append(input: AuditEntryInput): Promise<AuditEntry> {
    if (!input.executionId || !input.type || Number.isNaN(Date.parse(input.at))) {
      throw new AuditTrailError(
        `audit entry needs executionId, type and an ISO time "at"; got ${JSON.stringify({ executionId: input.executionId, type: input.type, at: input.at })}`,
      );
    }
    await mkdir(this.dir, { recursive: true });
    return withFileLock(this.lockFile, async () => {
      const previous = await this.readLast();
      const head = await this.readHead();
      // Never chain onto a cut trail: the anchor would move past the gap and hide it.
      if (head && head.seq > (previous?.seq ?? 0)) {
        throw new AuditTrailError(
          `${this.file} ends at seq ${previous?.seq ?? 0} but its head anchor ${this.headFile} says ${head.seq}: records were removed; run "paramedic audit verify" and restore the trail before appending`,
        );
      }
      const entry = chainEntry(input, previous, sha256Hex);
      await appendFile(this.file, `${JSON.stringify(entry)}\n`);
      await this.writeHead(headOf(entry));
      return entry;
    });
  }

  /**
   * Anchors a trail that has none (written before head anchors existed, which `verify` reports as
   * "no head anchor"): only when every link verifies, and by appending an `anchored` entry, so the
   * re-anchoring is itself in the chain with who did it. A trail that has an anchor is refused:
   * moving an existing anchor would hide a cut or a rewrite.
   */
  async anchor(actor: string): Promise<AuditEntryOf<'anchored'> & { seq: number }> {
    await mkdir(this.dir, { recursive: true });
    return withFileLock(this.lockFile, async () => {
      if (await this.readHead())
        throw new AuditTrailError(
          `${this.headFile} exists: the trail is anchored already; "paramedic audit verify" checks it`,
        );
      const entries = await this.readAll();
      const report = verifyChain(entries, sha256Hex);
      if (!report.ok)
        throw new AuditTrailError(
          `the chain is broken at seq ${report.firstBroken!.seq} (${report.firstBroken!.reason}); only an intact chain can be anchored`,
        );
      if (entries.length === 0)
        throw new AuditTrailError(
          `${this.file} has no records: nothing to anchor (the first append creates the anchor)`,
        );
      const last = entries[entries.length - 1]!;
      const input: AuditEntryInput = {
        executionId: 'audit',
        type: 'anchored',
        at: new Date().toISOString(),
        actor,
        data: {
          seq: last.seq,
          hash: last.hash,
          reason: `${entries.length} records written without a head anchor, chain intact up to seq ${last.seq}`,
        },
      };
      const entry = chainEntry(input, last, sha256Hex);
      await appendFile(this.file, `${JSON.stringify(entry)}\n`);
      await this.writeHead(headOf(entry));
      return entry as AuditEntryOf<'anchored'> & { seq: number };
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
          return {
            ok: false,
            entries: lines.length,
            firstBroken: {
              seq: i + 1,
              executionId: '?',
              reason: `line ${i + 1} of ${this.file} is not valid JSON: the record was damaged or hand-edited`,
            },
          };
        }
      }
      let head: ChainHead | undefined;
      try {
        head = await this.readHead();
      } catch (error) {
        return {
          ok: false,
          entries: entries.length,
          firstBroken: { seq: entries.length, executionId: '?', reason: (error as Error).message },
        };
      }
      return checkChainHead(verifyChain(entries, sha256Hex), entries, head);
    });
  }

  private async readHead(): Promise<ChainHead | undefined> {
    const text = await readIfPresent(this.headFile);
    if (text === undefined) return undefined;
    try {
      const head = JSON.parse(text) as Partial<ChainHead>;
      if (Number.isInteger(head.seq) && typeof head.hash === 'string')
        return { seq: head.seq!, hash: head.hash };
    } catch {
      /* reported below */
    }
    throw new AuditTrailError(
      `the head anchor ${this.headFile} is damaged; run "paramedic audit verify" on a copy and restore it from a backup`,
    );
  }

  /** Written aside and renamed over, so a crash leaves the old anchor or the new one, never half of one. */
  private async writeHead(head: ChainHead): Promise<void> {
    const aside = `${this.headFile}.${process.pid}.tmp`;
    await writeFile(aside, `${JSON.stringify(head)}\n`);
    await rename(aside, this.headFile);
  }

  private async readText(): Promise<string> {
    return (await readIfPresent(this.file)) ?? '';
  }

  private async readAll(): Promise<AuditEntry[]> {
    const out: AuditEntry[] = [];
    for (const line of (await this.readText()).split('\n')) {
      if (!line.trim()) continue;
      try {
        out.push(JSON.parse(line) as AuditEntry);
      } catch {
        /* reported by verify */
      }
    }
    return out;
  }

  /** The last record, reading only the file's tail (growing the window until a whole line fits). */
  private async readLast(): Promise<AuditEntry | undefined> {
    let fh: FileHandle;
    try {
      fh = await open(this.file, 'r');
    } catch (error) {
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
          throw new AuditTrailError(
            `the last record of ${this.file} is damaged; run "paramedic audit verify" and repair the file before appending`,
          );
        }
      }
    } finally {
      await fh.close();
    }
  }
}
