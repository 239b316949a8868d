import { collectorDocumentFor } from '../../core/collection/collector-documents.js';
import type { CommandResult, CommandRunner } from '../../core/collection/command-runner.js';
import { parseEvidenceDocument, type EvidenceBundle } from '../../core/evidence/bundle.js';

/** Collection did not yield a valid evidence bundle; `result` holds what the runner returned. */
export class CollectError extends Error {
  constructor(
    message: string,
    readonly result?: CommandResult,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CollectError';
  }
}

/** What {@link collectEvidence} needs. */
export interface CollectRequest {
  readonly platform: 'docker' | 'eks';
  /** Collector parameters by document name (`container`, `pid`, `sinceMinutes`, `straceSeconds`, `probeHost`). */
  readonly parameters?: Readonly<Record<string, string>>;
  readonly runner: CommandRunner;
  /** @default 'local' */
  readonly target?: string;
  /** @default the document's timeout */
  readonly timeoutSeconds?: number;
}

/** Last lines of a text, for error messages. */
function tailOf(text: string, lines = 3): string {
  return text.trim().split('\n').slice(-lines).join(' | ');
}

/**
 * Runs the platform's collector document through a command runner and validates the bundle it
 * printed.
 * @example const { bundle } = await collectEvidence({ platform: 'docker', runner: new LocalCommandRunner() })
 * @throws CollectError when the document failed or printed something that is not a bundle.
 */
export async function collectEvidence(
  request: CollectRequest,
): Promise<{ bundle: EvidenceBundle; result: CommandResult }> {
  const doc = collectorDocumentFor(request.platform);
  const target = request.target ?? 'local';
  const [result] = await request.runner.run({
    document: doc.documentName,
    parameters: request.parameters ?? {},
    targets: [target],
    timeoutSeconds: request.timeoutSeconds ?? doc.timeoutSeconds,
  });
  if (!result) throw new CollectError(`${doc.documentName} returned no result for ${target}`);
  if (result.status !== 'Success') {
    throw new CollectError(
      `${doc.documentName} on ${target} ended ${result.status} (exit ${result.exitCode ?? 'none'}): ${tailOf(result.stderr) || 'no stderr'}`,
      result,
    );
  }
  let doc2: unknown;
  try {
    doc2 = JSON.parse(result.stdout);
  } catch (error) {
    throw new CollectError(
      `${doc.documentName} on ${target} printed invalid JSON (${(error as Error).message}); rerun the script by hand to see its output`,
      result,
      { cause: error },
    );
  }
  try {
    return { bundle: parseEvidenceDocument(doc2).bundle, result };
  } catch (error) {
    throw new CollectError(
      `${doc.documentName} on ${target} printed JSON that is not an evidence bundle: ${(error as Error).message}`,
      result,
      { cause: error },
    );
  }
}
