/**
 * The Lambda handlers run their step through the same runner as the local root: a result too large
 * for the execution state goes to the state documents store (S3 on AWS) and the next Task reads it
 * back. Before, handlers called the step directly, so on AWS a 1,000-target plan travelled inline
 * into States.DataLimitExceeded while the local runs (by reference) passed.
 */
import { describe, expect, it } from 'vitest';
import { createTaskHandler } from '../../../lambdas/handlers/task-handler.js';
import {
  INLINE_RESULT_LIMIT_BYTES,
  isResultSummary,
  jsonBytes,
} from '../../../lambdas/core/workflow/state-by-reference.js';
import type { TaskInput } from '../../../lambdas/core/workflow/task-input.js';
import type { WorkflowPorts } from '../../../lambdas/core/workflow/ports.js';
import { memoryDocuments } from '../../support/memory-state-documents.js';
import { lambdaContext } from './lambda-harness.js';

const EXECUTION = 'arn:aws:states:eu-west-1:123456789012:execution:Paramedic:run-1';
const bigPlan = {
  decision: 'automatic',
  done: false,
  steps: Array.from({ length: 300 }, (_, i) => ({
    index: i,
    action: 'journal-vacuum',
    target: `i-${i}`,
  })),
};

describe('a Lambda Task handler', () => {
  it('stores a large result by reference and hands the next Task the whole result back', async () => {
    const store = memoryDocuments();
    const ports = {
      stateDocuments: store,
      audit: { append: async (e: unknown) => e },
    } as unknown as WorkflowPorts;
    const plan = createTaskHandler('Plan', async () => bigPlan, { ports });
    let seenByNext: unknown;
    const remediate = createTaskHandler(
      'ReleaseLock',
      async (input: TaskInput) => {
        seenByNext = input.state.plan;
        return { released: [] };
      },
      { ports },
    );

    const summary = await plan(
      { executionId: EXECUTION, state: {} },
      lambdaContext('paramedic-Plan'),
    );

    expect(jsonBytes(bigPlan)).toBeGreaterThan(INLINE_RESULT_LIMIT_BYTES);
    expect(isResultSummary(summary)).toBe(true);
    expect(summary).toMatchObject({ decision: 'automatic', done: false, counts: { steps: 300 } });
    expect(store.docs.size).toBe(1);
    await remediate(
      { executionId: EXECUTION, state: { plan: summary } },
      lambdaContext('paramedic-ReleaseLock'),
    );
    expect(seenByNext).toEqual(bigPlan);
  });
});
