/**
 * The targets of one SSM command known to be done, while the runner polls or reads it. Each result
 * goes to the caller's sink as soon as it is known (and only its target is remembered), or is kept
 * to be returned: with a sink, a command's outputs (up to 1 MiB a host) are let go one by one.
 */
import type { CommandResult, CommandResultSink } from '../../core/collection/command-runner.js';

/** Done targets of one command, and the results kept for the caller when it gave no sink. */
export class FinishedTargets {
  private readonly done = new Set<string>();
  /** Results not given to the sink (all of them without one). */
  readonly kept: CommandResult[] = [];

  constructor(private readonly each?: CommandResultSink) {}

  /** True once the target's result was added. */
  has(target: string): boolean {
    return this.done.has(target);
  }

  /** How many targets are done. */
  get size(): number {
    return this.done.size;
  }

  /** Records the target as done; its result goes to the sink, or is kept. */
  async add(result: CommandResult): Promise<void> {
    this.done.add(result.target);
    if (this.each) await this.each(result);
    else this.kept.push(result);
  }
}
