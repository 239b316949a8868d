/**
 * The collector request of each platform among the targets: which document, with which
 * parameters, on which targets. A file of its own because the sending steps (CollectSend,
 * VerifySend) need only this, and evidence-collection.ts reads and parses what the collectors
 * print (with its evidence schemas, zod's until 2026-12-05: ~20 KiB): code those Lambdas' cold
 * starts would load and never use.
 */
import {
  collectorDocumentFor,
  incidentParameters,
  resolveDocumentParameters,
  type IncidentTiming,
} from '../collection/evidence-collectors.js';
import type { WorkflowConfig } from './config.js';
import type { Target } from './model.js';
import type { CommandRequest } from './ports.js';
import { commandLocations } from './target-location.js';

/** One platform's collector request, with the targets it covers. */
export interface CollectorRequest {
  readonly group: readonly Target[];
  readonly request: CommandRequest;
}

/** The collector request of each platform that has targets (docker first, then eks). */
export function collectorRequests(
  config: Pick<WorkflowConfig, 'collectTimeoutSeconds'>,
  targets: readonly Target[],
  timing: IncidentTiming = {},
): CollectorRequest[] {
  const window = incidentParameters(timing);
  const out: CollectorRequest[] = [];
  for (const platform of ['docker', 'eks'] as const) {
    const group = targets.filter((t) => t.platform === platform);
    if (group.length === 0) continue;
    const doc = collectorDocumentFor(platform);
    // Targets in a spoke account/region carry where they are; the runner sends there.
    const locations = commandLocations(group);
    out.push({
      group,
      request: {
        document: doc.documentName,
        parameters: resolveDocumentParameters(doc, window),
        targets: group.map((t) => t.id),
        timeoutSeconds: config.collectTimeoutSeconds,
        ...(locations ? { locations } : {}),
      },
    });
  }
  return out;
}
