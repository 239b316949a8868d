/**
 * Collecting evidence inside the workflow: the platform's collector document runs through the
 * command ports (waited-commands.ts), and each printed bundle is validated and stored once
 * (classifying the stored bundles is stored-classification.ts, so Classify loads no collection
 * code). Shared by Collect and Verify.
 */
import pMap, { pMapSkip } from 'p-map';
import { incidentParameters, type IncidentTiming } from '../collection/evidence-collectors.js';
import { parseEvidenceDocument } from '../evidence/bundle.js';
import type { EvidencePart } from '../evidence/incident-bundle.js';
import { tail } from '../collection/output-tail.js';
import type { WorkflowConfig } from './config.js';
import type { CollectedEvidence, CollectionResult, Target } from './model.js';
import {
  clusterViews,
  isClusterTarget,
  sourceSummary,
  type ViewWindow,
  withClusterView,
} from './cluster-evidence.js';
import type { Clock, ClusterPort, CommandRequest, CommandResult, EvidenceStore } from './ports.js';
import { readWaitedResults, type WaitedCommandPorts } from './waited-commands.js';
import { executionName } from './task-input.js';

/** What storing collected evidence uses (reading it is waited-commands.ts). */
export interface CollectionPorts {
  readonly evidence: EvidenceStore;
  readonly config: Pick<WorkflowConfig, 'collectTimeoutSeconds'>;
  /** The clusters' API: EKS targets get its `k8s.*` view joined to their node evidence. */
  readonly cluster?: ClusterPort;
}

/** Counts of a list of collected evidence. */
export function collectionResult(evidence: readonly CollectedEvidence[]): CollectionResult {
  return {
    evidence,
    collected: evidence.filter((e) => e.ref).length,
    failed: evidence.filter((e) => !e.ref).length,
  };
}

/** The node's evidence from one collector run: its bundle, or why there is none. */
function nodePart(r: CommandResult): EvidencePart {
  const reference = r.commandId ? { reference: r.commandId } : {};
  if (r.status !== 'Success' && !r.stdout.trimStart().startsWith('{'))
    return {
      kind: 'ssm-command',
      ...reference,
      error: tail(r.stderr || r.stdout || r.status, 400),
    };
  // A cut bundle cannot parse; why it was cut (and what fixes it) is the error, not the JSON's.
  if (r.outputError) return { kind: 'ssm-command', ...reference, error: r.outputError };
  try {
    return {
      kind: 'ssm-command',
      ...reference,
      bundle: parseEvidenceDocument(JSON.parse(r.stdout), r.target).bundle,
    };
  } catch (error) {
    return {
      kind: 'ssm-command',
      ...reference,
      error: `collector output is not an evidence bundle: ${(error as Error).message.slice(0, 300)}`,
    };
  }
}

/** The incident window the cluster's view is read in: the one the node collector was given. */
function viewWindow(timing: IncidentTiming): ViewWindow {
  const p = incidentParameters(timing);
  return {
    ...(p.incidentTime ? { incidentTime: p.incidentTime } : {}),
    ...(p.remediatedAt ? { remediatedAt: p.remediatedAt } : {}),
    ...(p.sinceMinutes !== undefined ? { lookbackMinutes: Number(p.sinceMinutes) } : {}),
  };
}

/** Bundles of one command stored at a time: S3 PUTs overlap; the bundles are already in memory. */
const STORES_AT_ONCE = 8;

/**
 * Stores every valid bundle of one collector run under `executions/<name>/<phase>/`. An EKS
 * target's bundle is one incident bundle: the node's SSM evidence and the cluster's `k8s.*` view
 * (read for the run's EKS targets together), so it is stored even when one of the two failed.
 */
async function storeCollected(
  ports: CollectionPorts,
  executionId: string,
  phase: string,
  targetsById: ReadonlyMap<string, Target>,
  results: readonly CommandResult[],
  clock: Clock,
  timing: IncidentTiming,
): Promise<CollectedEvidence[]> {
  const window = viewWindow(timing);
  const clusterTargets = results
    .map((r) => targetsById.get(r.target))
    .filter((t): t is Target & { readonly cluster: string } => !!t && isClusterTarget(t));
  const views = await clusterViews(ports.cluster, clusterTargets, window);
  // After a failed store none is started, and the function throws only once the stores already
  // under way have ended: none of them lands after it returned, beside (or over) its retry's.
  let failure: { readonly error: unknown } | undefined;
  const stored = await pMap(
    results,
    async (r) => {
      if (failure) return pMapSkip;
      try {
        return await store(r);
      } catch (error) {
        failure ??= { error };
        return pMapSkip;
      }
    },
    { concurrency: STORES_AT_ONCE },
  );
  if (failure) throw failure.error;
  return stored;

  async function store(r: CommandResult): Promise<CollectedEvidence> {
    const base = {
      target: r.target,
      status: r.status,
      ...(r.commandId ? { commandId: r.commandId } : {}),
    };
    const node = nodePart(r);
    const target = targetsById.get(r.target);
    const view = views.get(r.target);
    const incident =
      target && view && isClusterTarget(target)
        ? withClusterView(target, node, view, clock.now(), window)
        : undefined;
    const bundle = incident ?? node.bundle;
    if (!bundle) return { ...base, error: node.error ?? r.status };
    // Not caught as the target's error: a storage outage is an infrastructure failure (the step throws it once the other stores end; the state machine retries).
    const ref = await ports.evidence.put(
      `executions/${executionName(executionId)}/${phase}/${r.target}.json`,
      bundle,
    );
    return {
      ...base,
      ref,
      sectionNames: Object.keys(bundle.sections),
      ...(node.error ? { error: node.error } : {}),
      ...(incident ? { sources: sourceSummary(incident) } : {}),
    };
  }
}

const targetsById = (targets: readonly Target[]): ReadonlyMap<string, Target> =>
  new Map(targets.map((t) => [t.id, t]));

/**
 * The same, for collectors sent earlier by the phase's send Task (waited-commands.ts): reads each
 * command's outcome once (what still runs is cancelled and recorded as timed out, `why` saying so)
 * and stores every valid bundle. Each command's bundles are stored before the next command is read,
 * so the function holds one command's outputs (at most 50 hosts), not the fleet's; a retry stores
 * under the same keys (`<phase>/<target>.json`), so nothing is stored twice or lost. The evidence
 * list keeps the order sent (requests in turn, targets in each request's order).
 */
export async function collectFromWait(
  ports: CollectionPorts & WaitedCommandPorts,
  executionId: string,
  phase: string,
  targets: readonly Target[],
  clock: Clock,
  timing: IncidentTiming,
  why: string,
): Promise<CollectionResult> {
  const byId = targetsById(targets);
  const evidence: CollectedEvidence[] = [];
  const position = new Map<string, number>();
  const seen = new Set<CommandRequest>();
  for await (const { request, results } of readWaitedResults(ports, executionId, phase, why)) {
    if (!seen.has(request)) {
      seen.add(request);
      for (const t of request.targets) if (!position.has(t)) position.set(t, position.size);
    }
    evidence.push(
      ...(await storeCollected(ports, executionId, phase, byId, results, clock, timing)),
    );
  }
  const at = (e: CollectedEvidence) => position.get(e.target) ?? position.size;
  return collectionResult(evidence.sort((a, b) => at(a) - at(b)));
}
