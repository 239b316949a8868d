import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  type AuditEntry,
  type AuditEntryInput,
  chainEntry,
} from '../../../lambdas/core/audit/audit-entry.js';
import {
  executionMatches,
  summarizeExecution,
} from '../../../lambdas/core/audit/execution-summary.js';
import { OUTCOME_RUNS, runEntries } from '../../support/outcome-trail.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
function chain(inputs: readonly AuditEntryInput[]): AuditEntry[] {
  const out: AuditEntry[] = [];
  for (const input of inputs) out.push(chainEntry(input, out[out.length - 1], sha256));
  return out;
}

describe('execution summaries (audit list, the console)', () => {
  // A run killed before Complete: Intake's entry, then the one ExecutionInterrupted (or the local
  // close of a killed run) appends.
  const [triggered] = runEntries({ ...OUTCOME_RUNS[0]!, executionId: 'exec-killed' });
  const killed = chain([
    triggered!,
    {
      executionId: 'exec-killed',
      type: 'interrupted',
      at: '2026-11-23T00:10:00.000Z',
      actor: 'system',
      outcome: 'interrupted',
      data: { reason: 'the execution was aborted', startedAt: triggered!.at, status: 'ABORTED' },
    },
  ]);

  it('a run closed as interrupted has ended: its outcome and end time, not "running"', () => {
    const s = summarizeExecution(killed);
    expect(s.outcome).toBe('interrupted');
    expect(s.finishedAt).toBe('2026-11-23T00:10:00.000Z');
    expect(executionMatches(s, killed, { outcome: 'interrupted' })).toBe(true);
    expect(executionMatches(s, killed, { outcome: 'running' as never })).toBe(false);
  });

  it('a run with neither a completed nor an interrupted entry is still running', () => {
    const s = summarizeExecution(killed.slice(0, 1));
    expect(s.outcome).toBe('running');
    expect(s.finishedAt).toBeUndefined();
  });
});
