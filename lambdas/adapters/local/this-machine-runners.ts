/** Command runners that decide what "a target" means on one machine (alarm runs and manual runs without the deployed stack). */
import type { CommandRequest, CommandResult, CommandRunner } from '../../core/workflow/ports.js';

/**
 * Alarm runs: the alarm names a host (an instance id), but here that host is this machine, so
 * every target is collected and remediated as `local`; results carry the original target back.
 */
export class ThisMachineRunner implements CommandRunner {
  constructor(private readonly inner: CommandRunner) {}

  /** Runs once on `local` and answers for every requested target. */
  async run(request: CommandRequest): Promise<readonly CommandResult[]> {
    const [result] = await this.inner.run({ ...request, targets: ['local'] });
    return request.targets.map((target) => ({
      ...(result ?? { status: 'Failed', exitCode: null, stdout: '', stderr: 'no result' }),
      target,
    }));
  }
}

/** Manual runs: `local` runs here; any other target is out of reach without the deployed stack. */
export class LocalOnlyRunner implements CommandRunner {
  constructor(private readonly inner: CommandRunner | undefined) {}

  /** Runs `local` targets; answers InvalidTarget for the others. */
  async run(request: CommandRequest): Promise<readonly CommandResult[]> {
    const local = request.targets.filter((t) => t === 'local');
    const results: CommandResult[] =
      local.length && this.inner ? [...(await this.inner.run({ ...request, targets: local }))] : [];
    for (const target of request.targets) {
      if (target === 'local' && this.inner) continue;
      results.push({
        target,
        status: 'InvalidTarget',
        exitCode: null,
        stdout: '',
        stderr:
          target === 'local'
            ? 'no local runner in a dry run'
            : `${target} is not this machine: run it through the deployed stack (Step Functions) or use --target local`,
      });
    }
    return results;
  }
}
