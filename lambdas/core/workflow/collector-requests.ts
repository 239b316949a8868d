/**
 * The collector request of each platform among the targets: which document, with which
 * parameters, on which targets. A file of its own because the sending steps (CollectSend,
 * VerifySend) need only this, and evidence-collection.ts reads and parses what the collectors
 * print (with its evidence schemas, zod's until 2026-12-05: ~20 KiB): code those Lambdas' cold
 * starts would load and never use.
 */
import {
  collectorDocumentFor,
  collectorLogParameters,
  DocumentParameterError,
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

/**
 * The deployment's log paths for a platform's collector. Only log parameters: the incident window
 * and the rest are the run's own, so a key such as `remediatedAt` here would make the triage
 * collection read as verification evidence.
 * @throws DocumentParameterError for any other key or a value that is no string (the synth
 * checks the configuration, deployment-config.ts; this guards a hand-edited environment).
 */
function deploymentLogPaths(
  config: Pick<WorkflowConfig, 'collectorLogs'>,
  platform: 'docker' | 'eks',
): Record<string, string> {
  const given: Readonly<Record<string, unknown>> = config.collectorLogs?.[platform] ?? {};
  const known = collectorLogParameters(platform);
  for (const [name, value] of Object.entries(given))
    if (!known.includes(name) || typeof value !== 'string')
      throw new DocumentParameterError(
        collectorDocumentFor(platform).documentName,
        name,
        `PARAMEDIC_CONFIG collectorLogs.${platform}.${name} is not a log file path this collector reads (${known.join(', ')}); fix collectorLogs in the deployment's configuration and redeploy (cdk deploy)`,
      );
  return given as Record<string, string>;
}

/**
 * The collector request of each platform that has targets (docker first, then eks), with the
 * deployment's log paths of that platform and the incident window.
 * @throws DocumentParameterError when a configured log path is not one of the document's.
 */
export function collectorRequests(
  config: Pick<WorkflowConfig, 'collectTimeoutSeconds' | 'collectorLogs'>,
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
        parameters: resolveDocumentParameters(doc, {
          ...deploymentLogPaths(config, platform),
          ...window,
        }),
        targets: group.map((t) => t.id),
        timeoutSeconds: config.collectTimeoutSeconds,
        ...(locations ? { locations } : {}),
      },
    });
  }
  return out;
}
