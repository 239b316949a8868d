import { describe, expect, it } from 'vitest';
import {
  findInterruptedLocal,
  interruptedOnAws,
} from '../../../lambdas/core/workflow/interrupted-executions.js';

const now = new Date('2026-12-02T12:00:00Z');
const probe = (alive: number[]) => ({
  host: 'here',
  now,
  isAlive: (pid: number) => alive.includes(pid),
});

describe('interrupted executions', () => {
  it('closes a local execution whose runner process is gone on this host', () => {
    const found = findInterruptedLocal(
      [
        {
          executionId: 'dead',
          startedAt: '2026-12-02T11:59:00Z',
          owner: { pid: 41, host: 'here' },
        },
        {
          executionId: 'alive',
          startedAt: '2026-12-02T11:00:00Z',
          owner: { pid: 42, host: 'here' },
        },
        {
          executionId: 'remote',
          startedAt: '2026-12-01T00:00:00Z',
          owner: { pid: 41, host: 'elsewhere' },
        },
      ],
      probe([42]),
    );
    expect(found).toEqual([{ executionId: 'dead', reason: 'its runner (pid 41 on here) is gone' }]);
  });

  it('closes an ownerless record only when it is more than a day old', () => {
    const found = findInterruptedLocal(
      [
        { executionId: 'old', startedAt: '2026-11-30T12:00:00Z' },
        { executionId: 'recent', startedAt: '2026-12-02T10:00:00Z' },
        { executionId: 'garbled', startedAt: 'not a time' },
      ],
      probe([]),
    );
    expect(found.map((f) => f.executionId)).toEqual(['old']);
  });

  it('on AWS, an ended execution whose record still runs was interrupted; a running one was not', () => {
    expect(interruptedOnAws('e', 'ABORTED')?.reason).toContain('aborted');
    expect(interruptedOnAws('e', 'TIMED_OUT')?.reason).toContain('timed out');
    expect(interruptedOnAws('e', 'RUNNING')).toBeUndefined();
    expect(interruptedOnAws('e', 'SUCCEEDED')).toBeUndefined();
  });
});
