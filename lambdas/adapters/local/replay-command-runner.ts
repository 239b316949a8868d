import type { EvidenceBundle } from '../../core/evidence/bundle.js';
import type { CommandRequest, CommandResult, CommandRunner } from '../../core/ports.js';

/** True for the names of evidence-collection documents (`Paramedic-Collect…`, `…collect…`). */
export function isCollectorDocument(document: string): boolean {
  return /collect/i.test(document);
}

/**
 * A command runner for replays: collector documents "print" the recorded bundle, everything else
 * is refused (a replay never changes this machine). Every request is recorded for the report.
 */
export class ReplayCommandRunner implements CommandRunner {
  /** What was asked, in order. */
  readonly requests: CommandRequest[] = [];

  constructor(private readonly bundle: EvidenceBundle) {}

  /** Answers collectors with the recorded bundle; fails any other document. */
  async run(request: CommandRequest): Promise<readonly CommandResult[]> {
    this.requests.push(request);
    const collector = isCollectorDocument(request.document);
    return request.targets.map((target) => ({
      target,
      status: collector ? 'Success' : 'Failed',
      exitCode: collector ? 0 : 1,
      stdout: collector ? JSON.stringify(this.bundle) : '',
      stderr: collector ? '' : `replay: ${request.document} was not run (a replay never changes this machine)`,
      commandId: `replay-${this.requests.length}`,
      durationMs: 0,
    }));
  }
}
