/**
 * A CommandRunner that runs each target in its own account and region: the request's targets are
 * split by their `locations` (core/workflow/target-location.ts), each part goes to the runner of
 * that account/region (SSM and S3 clients with the spoke role's credentials, reading full output
 * from the spoke's own output bucket), and the results come back as one list.
 */
import type { CommandResultSink } from '../../core/collection/command-runner.js';
import type { CommandRequest, CommandResult, CommandRunner } from '../../core/ports.js';
import type { TargetLocation as AccountRegion } from '../../core/workflow/ports.js';

/** Makes the runner of one account and region (undefined: the function's own). */
export type RunnerFor = (location: AccountRegion | undefined) => CommandRunner;

/** {@link CommandRunner} that dispatches by target location. */
export class LocatedCommandRunner implements CommandRunner {
  private readonly runners = new Map<string, CommandRunner>();

  constructor(private readonly runnerFor: RunnerFor) {}

  /** Runs every location's part at once (their targets are disjoint); `each` goes to every part. */
  async run(request: CommandRequest, each?: CommandResultSink): Promise<readonly CommandResult[]> {
    const parts = new Map<string, { location?: AccountRegion; targets: string[] }>();
    for (const target of request.targets) {
      const location = request.locations?.[target];
      const key = location ? `${location.account}/${location.region}` : '';
      const part = parts.get(key) ?? { ...(location ? { location } : {}), targets: [] };
      part.targets.push(target);
      parts.set(key, part);
    }
    const { locations: _dispatched, ...rest } = request;
    const results = await Promise.all(
      [...parts].map(([key, part]) =>
        this.runner(key, part.location).run({ ...rest, targets: part.targets }, each),
      ),
    );
    return results.flat();
  }

  private runner(key: string, location: AccountRegion | undefined): CommandRunner {
    let runner = this.runners.get(key);
    if (!runner) {
      runner = this.runnerFor(location);
      this.runners.set(key, runner);
    }
    return runner;
  }
}
