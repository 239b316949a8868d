import { describe, expect, it } from 'vitest';
import { documentExecutor } from '../../../lambdas/core/remediation/document-executor.js';
import type {
  CommandRequest,
  CommandResult,
  CommandRunner,
} from '../../../lambdas/core/workflow/ports.js';
import type { PlannedStep } from '../../../lambdas/core/workflow/model.js';

const clock = { now: () => new Date() };

/** A runner whose every command takes `ms` of real time, recording how many ran at once. */
function slowRunner(
  ms: number,
): CommandRunner & { maxConcurrent: number; requests: CommandRequest[] } {
  let running = 0;
  const runner = {
    maxConcurrent: 0,
    requests: [] as CommandRequest[],
    async run(request: CommandRequest): Promise<readonly CommandResult[]> {
      runner.requests.push(request);
      running++;
      runner.maxConcurrent = Math.max(runner.maxConcurrent, running);
      await new Promise((r) => setTimeout(r, ms));
      running--;
      return request.targets.map((target) => ({
        target,
        status: 'Success' as const,
        exitCode: 0,
        stdout: 'done',
        stderr: '',
        commandId: `c-${request.parameters.olderThanHours}`,
      }));
    },
  };
  return runner;
}

describe('documentExecutor', () => {
  it('sends the parameter groups of a step all at once, so their waits overlap instead of adding up past the Task timeout', async () => {
    const step: PlannedStep = {
      index: 0,
      action: 'docker-prune-images',
      title: 'prune',
      actionTarget: 'docker-host',
      risk: 'safe',
      mutates: true,
      document: 'Paramedic-DockerPruneImages',
      invocations: [
        { target: 'i-1', parameters: { olderThanHours: '24' } },
        { target: 'i-2', parameters: { olderThanHours: '48' } },
        { target: 'i-3', parameters: { olderThanHours: '24' } },
        { target: 'i-4', parameters: { olderThanHours: '72' } },
      ],
    };
    const runner = slowRunner(50);

    const outcomes = await documentExecutor(runner, clock).execute(step, [], { executionId: 'e' });

    expect(runner.requests).toHaveLength(3);
    expect(runner.maxConcurrent).toBe(3);
    expect(outcomes.map((o) => [o.target, o.status, o.commandId])).toEqual([
      ['i-1', 'succeeded', 'c-24'],
      ['i-3', 'succeeded', 'c-24'],
      ['i-2', 'succeeded', 'c-48'],
      ['i-4', 'succeeded', 'c-72'],
    ]);
  });
});
