import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../../core/ports.js';
import { withFileLock } from './file-lock.js';

/** Where an approval stands. */
export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'timed-out';

/** A request for a person to approve a remediation, and its decision (who, when). */
export interface ApprovalRecord {
  readonly id: string;
  readonly executionId: string;
  readonly runbookId?: string;
  readonly target?: string;
  /** What would run, in words. */
  readonly summary: string;
  /** The plan as the workflow carries it. */
  readonly plan?: unknown;
  readonly requestedAt: string;
  readonly expiresAt: string;
  readonly status: ApprovalStatus;
  readonly decidedBy?: string;
  readonly decidedAt?: string;
  readonly comment?: string;
}

/** An approval decision was refused (unknown id, already decided, bad input). */
export class ApprovalError extends Error {
  constructor(
    message: string,
    readonly code: 'not-found' | 'already-decided' | 'invalid',
  ) {
    super(message);
    this.name = 'ApprovalError';
  }
}

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const ACTOR_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@:+-]{0,63}$/;

/** Checks an approver name (`alice`, `user:alice@example.test`). */
export function isValidActor(name: string): boolean {
  return ACTOR_PATTERN.test(name);
}

/**
 * Pending approvals as files under `<dataDir>/approvals/` (the local stand-in for waitForTaskToken):
 * the workflow requests, a person approves or rejects from the console or the CLI, the record keeps who and when.
 */
export class LocalApprovals {
  private readonly dir: string;

  constructor(
    dataDir: string,
    private readonly clock: Clock = { now: () => new Date() },
  ) {
    this.dir = resolve(dataDir, 'approvals');
  }

  private file(id: string): string {
    if (!ID_PATTERN.test(id))
      throw new ApprovalError(`approval id ${JSON.stringify(id)} is invalid`, 'invalid');
    return join(this.dir, `${id}.json`);
  }

  private async write(rec: ApprovalRecord): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const file = this.file(rec.id);
    await writeFile(`${file}.tmp`, JSON.stringify(rec, null, 1));
    await rename(`${file}.tmp`, file);
  }

  /** Records a new pending request. */
  async request(input: {
    id: string;
    executionId: string;
    runbookId?: string;
    target?: string;
    summary: string;
    plan?: unknown;
    timeoutSeconds: number;
  }): Promise<ApprovalRecord> {
    const now = this.clock.now();
    const rec: ApprovalRecord = {
      id: input.id,
      executionId: input.executionId,
      runbookId: input.runbookId,
      target: input.target,
      summary: input.summary,
      plan: input.plan,
      requestedAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + input.timeoutSeconds * 1000).toISOString(),
      status: 'pending',
    };
    await this.write(rec);
    return rec;
  }

  /** One record, with a pending request past its expiry reported as timed out. */
  async get(id: string): Promise<ApprovalRecord | undefined> {
    try {
      return this.expire(JSON.parse(await readFile(this.file(id), 'utf8')) as ApprovalRecord);
    } catch (error) {
      if (error instanceof ApprovalError) throw error;
      return undefined;
    }
  }

  private expire(rec: ApprovalRecord): ApprovalRecord {
    return rec.status === 'pending' && Date.parse(rec.expiresAt) <= this.clock.now().getTime()
      ? { ...rec, status: 'timed-out' }
      : rec;
  }

  /** Every record (optionally of one status, or of one execution), newest request first. */
  async list(
    filter: { status?: ApprovalStatus; executionId?: string } = {},
  ): Promise<ApprovalRecord[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const out: ApprovalRecord[] = [];
    for (const name of names.filter((n) => n.endsWith('.json'))) {
      const rec = await this.get(name.slice(0, -5)).catch(() => undefined);
      if (!rec) continue;
      if (filter.status && rec.status !== filter.status) continue;
      if (filter.executionId && rec.executionId !== filter.executionId) continue;
      out.push(rec);
    }
    return out.sort((a, b) =>
      a.requestedAt < b.requestedAt ? 1 : a.requestedAt > b.requestedAt ? -1 : 0,
    );
  }

  /** Approves or rejects a pending request, recording who and when. */
  async decide(
    id: string,
    decision: { approved: boolean; by: string; comment?: string },
  ): Promise<ApprovalRecord> {
    if (!isValidActor(decision.by))
      throw new ApprovalError(
        `approver ${JSON.stringify(decision.by)} is invalid: use a user name (letters, digits, . _ @ : + -)`,
        'invalid',
      );
    if (decision.comment !== undefined && decision.comment.length > 500)
      throw new ApprovalError('comment is longer than 500 characters', 'invalid');
    await mkdir(this.dir, { recursive: true });
    return withFileLock(`${this.file(id)}.lock`, async () => {
      const rec = await this.get(id);
      if (!rec)
        throw new ApprovalError(
          `no approval ${id}; list pending ones with the console or "paramedic audit list"`,
          'not-found',
        );
      if (rec.status !== 'pending')
        throw new ApprovalError(
          `approval ${id} is already ${rec.status}${rec.decidedBy ? ` (by ${rec.decidedBy} at ${rec.decidedAt})` : ''}`,
          'already-decided',
        );
      const decided: ApprovalRecord = {
        ...rec,
        status: decision.approved ? 'approved' : 'rejected',
        decidedBy: decision.by,
        decidedAt: this.clock.now().toISOString(),
        comment: decision.comment,
      };
      await this.write(decided);
      return decided;
    });
  }

  /** Marks a pending request as timed out (the workflow gave up waiting). */
  async timeOut(id: string): Promise<ApprovalRecord | undefined> {
    return withFileLock(`${this.file(id)}.lock`, async () => {
      const rec = await this.get(id);
      if (!rec || (rec.status !== 'pending' && rec.status !== 'timed-out')) return rec;
      const out: ApprovalRecord = {
        ...rec,
        status: 'timed-out',
        decidedBy: 'system',
        decidedAt: this.clock.now().toISOString(),
      };
      await this.write(out);
      return out;
    });
  }

  /** Polls until the request is decided or `waitMs` passes; returns the record as it then stands. */
  async awaitDecision(
    id: string,
    waitMs: number,
    pollMs = 250,
  ): Promise<ApprovalRecord | undefined> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const rec = await this.get(id);
      if (rec?.status !== 'pending' || Date.now() >= deadline) return rec;
      await sleep(Math.min(pollMs, Math.max(1, deadline - Date.now())));
    }
  }
}
