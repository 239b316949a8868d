/**
 * Large step results travel by reference: Step Functions caps the execution state at 256 KiB and a
 * `States.DataLimitExceeded` cannot be caught (the lock would never be released and no completion
 * audited), while targets, plan steps, outcomes and per-target classifications grow with the alarm's
 * fleet. A result whose JSON exceeds {@link INLINE_RESULT_LIMIT_BYTES} is stored whole and replaced in
 * the state by a summary: its scalar fields (what Choice states read: `decision`, `done`, `cleared`,
 * `runbookId`…), the length of each array (`counts`) and `stateRef`. Every Task reads the referenced
 * results back before its step runs, so the steps see the same state whatever its size.
 */
import type { AuditStore } from './ports.js';
import type { EvidenceRef, WorkflowState } from './model.js';

/** Whole step results, stored once per content (S3 on AWS, files locally). */
export interface StateDocumentStore {
  /** Stores `value` as JSON under `prefix` (the adapter names the object by its sha256). */
  put(prefix: string, value: unknown): Promise<EvidenceRef>;
  /**
   * Stores `value` as JSON at exactly `key`, replacing what is there: for a document a retried Task
   * writes again with other content (a host's command output), which must not leave a copy per attempt.
   */
  putAt(key: string, value: unknown): Promise<EvidenceRef>;
  /** Reads a stored result back; the sha256 must match. */
  get(ref: EvidenceRef): Promise<unknown>;
}

/** Results at most this large stay inline: 12 result keys of 4 KiB keep the state under 64 KiB whatever the fleet. */
export const INLINE_RESULT_LIMIT_BYTES = 4096;

/** What stays in the state of a result stored by reference. */
export interface ResultSummary {
  readonly [scalar: string]: unknown;
  /** Length of each array field of the stored result. */
  readonly counts: Readonly<Record<string, number>>;
  readonly stateRef: EvidenceRef;
}

/** True for a summary left in the state by {@link storeLargeResult}. */
export function isResultSummary(value: unknown): value is ResultSummary {
  if (typeof value !== 'object' || value === null) return false;
  const ref = (value as { stateRef?: unknown }).stateRef;
  return (
    typeof ref === 'object' &&
    ref !== null &&
    typeof (ref as EvidenceRef).uri === 'string' &&
    typeof (ref as EvidenceRef).sha256 === 'string'
  );
}

/** Size of a value as the state machine counts it (UTF-8 JSON). */
export function jsonBytes(value: unknown): number {
  return new TextEncoder().encode(JSON.stringify(value) ?? '').length;
}

/** The summary of a result: its scalar fields (strings cut to 256 characters), array lengths, the reference. */
export function summarizeResult(
  result: Record<string, unknown>,
  stateRef: EvidenceRef,
): ResultSummary {
  const scalars: Record<string, unknown> = {};
  const counts: Record<string, number> = {};
  for (const [key, value] of Object.entries(result)) {
    if (Array.isArray(value)) counts[key] = value.length;
    else if (typeof value === 'string') scalars[key] = value.slice(0, 256);
    else if (typeof value === 'number' || typeof value === 'boolean' || value === null)
      scalars[key] = value;
  }
  return { ...scalars, counts, stateRef };
}

/**
 * The result to put in the state: the result itself when small, else its summary (stored under
 * `executions/<execution>/state/<task>/`).
 * @example await storeLargeResult(store, 'run-1', 'Classify', classification)
 */
export async function storeLargeResult(
  store: StateDocumentStore,
  execution: string,
  task: string,
  result: unknown,
): Promise<unknown> {
  if (
    typeof result !== 'object' ||
    result === null ||
    Array.isArray(result) ||
    jsonBytes(result) <= INLINE_RESULT_LIMIT_BYTES
  )
    return result;
  const ref = await store.put(`executions/${execution}/state/${task}`, result);
  return summarizeResult(result as Record<string, unknown>, ref);
}

/** The state with every stored result read back in place of its summary. */
export async function loadReferencedState(
  store: StateDocumentStore,
  state: WorkflowState,
): Promise<WorkflowState> {
  const entries = await Promise.all(
    Object.entries(state).map(
      async ([key, value]) =>
        [key, isResultSummary(value) ? await store.get(value.stateRef) : value] as const,
    ),
  );
  return Object.fromEntries(entries) as WorkflowState;
}

/** Audit payloads larger than this are stored by reference too (a DynamoDB item holds at most 400 KB). */
export const INLINE_AUDIT_DATA_LIMIT_BYTES = 64 * 1024;

/**
 * The audit trail with large payloads by reference: an entry whose `data` exceeds
 * {@link INLINE_AUDIT_DATA_LIMIT_BYTES} (the `collected` or `classified` entry of a large fleet) keeps
 * its summary and `stateRef` in the chain; the chain hashes the reference, whose sha256 pins the payload.
 */
export function auditWithLargeDataByReference(
  audit: AuditStore,
  store: StateDocumentStore,
  execution: string,
): AuditStore {
  return {
    append: async (entry) => {
      const data = (entry as { data?: unknown }).data;
      if (
        typeof data !== 'object' ||
        data === null ||
        Array.isArray(data) ||
        jsonBytes(data) <= INLINE_AUDIT_DATA_LIMIT_BYTES
      )
        return audit.append(entry);
      const ref = await store.put(`executions/${execution}/audit/${entry.type}`, data);
      return audit.append({
        ...entry,
        data: summarizeResult(data as Record<string, unknown>, ref),
      } as unknown as typeof entry);
    },
    execution: (executionId) => audit.execution(executionId),
    list: (filter) => audit.list(filter),
    verify: () => audit.verify(),
  };
}

/** An audit entry's payload was stored by reference and could not be read back. */
export class AuditDataUnreadableError extends Error {
  constructor(
    readonly executionId: string,
    readonly entryType: string,
    readonly uri: string,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(
      `execution ${executionId}: its ${entryType} audit entry is stored by reference at ${uri} and could not be read back (${reason}). Check that the object exists and that this function may read the evidence bucket`,
      options,
    );
    this.name = 'AuditDataUnreadableError';
  }
}

/**
 * The entries with the payload of each entry of `types` read back in place of its summary (the
 * payloads {@link auditWithLargeDataByReference} stored). Entries of other types stay as they are.
 * @throws AuditDataUnreadableError when one is by reference and `store` is missing or the read fails.
 */
export async function loadReferencedAuditData<E extends { type: string; data?: unknown }>(
  entries: readonly E[],
  store: StateDocumentStore | undefined,
  types: ReadonlySet<string>,
  executionId: string,
): Promise<E[]> {
  return Promise.all(
    entries.map(async (entry) => {
      if (!types.has(entry.type) || !isResultSummary(entry.data)) return entry;
      const { uri } = entry.data.stateRef;
      if (!store)
        throw new AuditDataUnreadableError(executionId, entry.type, uri, 'no document store wired');
      try {
        return { ...entry, data: await store.get(entry.data.stateRef) };
      } catch (error) {
        throw new AuditDataUnreadableError(
          executionId,
          entry.type,
          uri,
          `${(error as Error).name}: ${(error as Error).message}`,
          { cause: error },
        );
      }
    }),
  );
}
