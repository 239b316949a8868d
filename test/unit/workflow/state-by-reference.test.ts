import { describe, expect, it } from 'vitest';
import {
  INLINE_AUDIT_DATA_LIMIT_BYTES,
  INLINE_RESULT_LIMIT_BYTES,
  auditWithLargeDataByReference,
  isResultSummary,
  jsonBytes,
  loadReferencedState,
  storeLargeResult,
} from '../../../lambdas/core/workflow/state-by-reference.js';
import type { AuditStore, EvidenceRef } from '../../../lambdas/core/workflow/ports.js';
import { memoryDocuments } from '../../support/memory-state-documents.js';
import {
  invocationDeadline,
  startInvocation,
} from '../../../lambdas/handlers/invocation-deadline.js';

const bigPlan = {
  decision: 'automatic',
  runbookId: 'disk-full',
  done: false,
  steps: Array.from({ length: 200 }, (_, i) => ({
    index: i,
    action: 'journal-vacuum',
    target: `i-${i}`,
  })),
  targets: ['a', 'b'],
};

describe('state by reference', () => {
  it('keeps a small result inline', async () => {
    const store = memoryDocuments();
    expect(await storeLargeResult(store, 'run-1', 'Plan', { decision: 'skip', steps: [] })).toEqual(
      { decision: 'skip', steps: [] },
    );
    expect(store.docs.size).toBe(0);
  });

  it('stores a large result and leaves its scalars, array counts and reference for the Choice states', async () => {
    const store = memoryDocuments();
    expect(jsonBytes(bigPlan)).toBeGreaterThan(INLINE_RESULT_LIMIT_BYTES);
    const summary = await storeLargeResult(store, 'run-1', 'Plan', bigPlan);
    expect(isResultSummary(summary)).toBe(true);
    expect(summary).toMatchObject({
      decision: 'automatic',
      runbookId: 'disk-full',
      done: false,
      counts: { steps: 200, targets: 2 },
    });
    expect(jsonBytes(summary)).toBeLessThan(1024);
    expect([...store.docs.keys()][0]).toMatch(/^executions\/run-1\/state\/Plan\/[0-9a-f]{64}$/);
    // The next Task sees the whole result again.
    expect(
      await loadReferencedState(store, {
        plan: summary as never,
        lock: { acquired: true } as never,
      }),
    ).toEqual({ plan: bigPlan, lock: { acquired: true } });
  });

  it('stores an audit payload too large for a DynamoDB item and appends its summary', async () => {
    const store = memoryDocuments();
    const appended: unknown[] = [];
    const audit = {
      append: async (e: unknown) => {
        appended.push(e);
        return e;
      },
    } as unknown as AuditStore;
    const data = {
      how: 'collector',
      evidence: Array.from({ length: 1000 }, (_, i) => ({
        target: `i-${i}`,
        ref: { uri: `s3://b/executions/x/${i}.json`, sha256: 'f'.repeat(64), bytes: 1 },
      })),
    };
    expect(jsonBytes(data)).toBeGreaterThan(INLINE_AUDIT_DATA_LIMIT_BYTES);
    await auditWithLargeDataByReference(audit, store, 'run-1').append({
      executionId: 'e',
      type: 'collected',
      at: 't',
      actor: 'a',
      data,
    } as never);
    await auditWithLargeDataByReference(audit, store, 'run-1').append({
      executionId: 'e',
      type: 'released',
      at: 't',
      actor: 'a',
      data: { released: ['i-1'] },
    } as never);
    expect(appended[0]).toMatchObject({
      type: 'collected',
      data: { how: 'collector', counts: { evidence: 1000 } },
    });
    expect(
      await store.get((appended[0] as { data: { stateRef: EvidenceRef } }).data.stateRef),
    ).toEqual(data);
    expect(appended[1]).toMatchObject({ data: { released: ['i-1'] } });
  });
});

describe('invocation deadline', () => {
  it("is the Lambda's remaining time less the margin to cancel and return", () => {
    startInvocation({ getRemainingTimeInMillis: () => 840_000 }, 1_000);
    expect(invocationDeadline()).toBe(1_000 + 840_000 - 30_000);
    startInvocation(undefined);
    expect(invocationDeadline()).toBeUndefined();
  });
});
