/**
 * The abstract I/O the workflow steps need. Lambda handlers fill these with AWS adapters
 * (S3, DynamoDB, SSM, Step Functions, SNS, Kubernetes); the local pipeline fills them with
 * local adapters (files under a data directory, the local command runner). The core never
 * reads a clock or the environment itself.
 */
import type { EvidenceBundle } from './evidence/bundle.js';
import type { AuditEntry, AuditEntryInput, AuditFilter, ChainReport } from './audit/audit-entry.js';

export type { CommandRunner, CommandRequest, CommandResult, CommandStatus } from './collection/command-runner.js';

/** Time, injected. */
export interface Clock {
  now(): Date;
}

/** A stored evidence bundle: where it is and what it hashes to. Evidence travels by reference. */
export interface EvidenceRef {
  /** `s3://bucket/key` on AWS, `file:///…` locally. */
  readonly uri: string;
  readonly sha256: string;
  readonly bytes: number;
}

/** Evidence bundles, stored once and read back by reference. */
export interface EvidenceStore {
  put(key: string, bundle: EvidenceBundle): Promise<EvidenceRef>;
  get(ref: EvidenceRef | string): Promise<EvidenceBundle>;
}

/** The append-only, hash-chained audit trail. */
export interface AuditStore {
  /** Appends atomically after the current head; retries internally on a concurrent append. */
  append(entry: AuditEntryInput): Promise<AuditEntry>;
  /** Entries of one execution, in order. */
  execution(executionId: string): Promise<readonly AuditEntry[]>;
  /** Newest first; filter by target, runbook, outcome, time. */
  list(filter: AuditFilter): Promise<readonly AuditEntry[]>;
  /** Walks the whole chain; reports the first broken entry. */
  verify(): Promise<ChainReport>;
}

/** Per-target mutual exclusion with expiry, so a crashed execution cannot hold a host forever. */
export interface LockStore {
  /** True when acquired (or already held by the same owner). */
  acquire(target: string, owner: string, ttlSeconds: number): Promise<boolean>;
  release(target: string, owner: string): Promise<void>;
}

/** Key/value state with conditional insert: de-duplication of deliveries, cooldowns, failure counts. */
export interface StateStore {
  /** Inserts only if absent (or expired); false when the key already exists. */
  putIfAbsent(key: string, value: Record<string, unknown>, ttlSeconds: number): Promise<boolean>;
  get(key: string): Promise<Record<string, unknown> | undefined>;
  put(key: string, value: Record<string, unknown>, ttlSeconds: number): Promise<void>;
}

/** Outbound messages: approval requests, escalations, reports. */
export interface Notifier {
  notify(message: { subject: string; body: string; kind: 'approval' | 'escalation' | 'report' }): Promise<void>;
}
