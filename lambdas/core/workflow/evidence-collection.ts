/**
 * Collecting and classifying evidence inside the workflow: the platform's collector document runs
 * through the CommandRunner port, each printed bundle is validated and stored once, and stored
 * bundles are read back by reference to classify. Shared by Collect, Classify and Verify.
 */
import type { CompiledRulebook } from '../classify/compile.js';
import { classifyEvidence, evaluateVerifyChecks, type ClassificationResult, type VerifyCheckOutcome } from '../classify/engine.js';
import { collectorDocumentFor, incidentParameters, resolveDocumentParameters, type IncidentTiming } from '../collection/collector-documents.js';
import { parseEvidenceDocument, type EvidenceBundle } from '../evidence/bundle.js';
import { tail } from '../remediation/document-executor.js';
import type { Runbook } from '../runbook/model.js';
import type { WorkflowConfig } from './config.js';
import type { CollectedEvidence, CollectionResult, Target, TargetClassification } from './model.js';
import type { CommandRunner, EvidenceStore } from './ports.js';
import { executionName } from './task-input.js';

/** Ports of {@link collectFromTargets}. */
export interface CollectionPorts {
  readonly commands: CommandRunner;
  readonly evidence: EvidenceStore;
  readonly config: Pick<WorkflowConfig, 'collectTimeoutSeconds'>;
}

/** Counts of a list of collected evidence. */
export function collectionResult(evidence: readonly CollectedEvidence[]): CollectionResult {
  return { evidence, collected: evidence.filter((e) => e.ref).length, failed: evidence.filter((e) => !e.ref).length };
}

/**
 * Runs the collector of each platform on its targets and stores every valid bundle under
 * `executions/<name>/<phase>/`. `timing` anchors the collectors' window to the incident (and, when
 * verifying, to the fix), so stale lines and other tenants' old noise never prove the failure.
 */
export async function collectFromTargets(ports: CollectionPorts, executionId: string, phase: string, targets: readonly Target[], timing: IncidentTiming = {}): Promise<CollectionResult> {
  const evidence: CollectedEvidence[] = [];
  for (const platform of ['docker', 'eks'] as const) {
    const group = targets.filter((t) => t.platform === platform);
    if (group.length === 0) continue;
    const doc = collectorDocumentFor(platform);
    const results = await ports.commands.run({
      document: doc.documentName, parameters: resolveDocumentParameters(doc, incidentParameters(timing)), targets: group.map((t) => t.id), timeoutSeconds: ports.config.collectTimeoutSeconds,
    });
    for (const r of results) {
      const base = { target: r.target, status: r.status, ...(r.commandId ? { commandId: r.commandId } : {}) };
      if (r.status !== 'Success' && !r.stdout.trimStart().startsWith('{')) {
        evidence.push({ ...base, error: tail(r.stderr || r.stdout || r.status, 400) });
        continue;
      }
      let bundle: EvidenceBundle;
      try {
        bundle = parseEvidenceDocument(JSON.parse(r.stdout), r.target).bundle;
      } catch (error) {
        evidence.push({ ...base, error: `collector output is not an evidence bundle: ${(error as Error).message.slice(0, 300)}` });
        continue;
      }
      // Outside the try: a storage outage is an infrastructure failure (retried by the state machine), not the collector's fault.
      const ref = await ports.evidence.put(`executions/${executionName(executionId)}/${phase}/${r.target}.json`, bundle);
      evidence.push({ ...base, ref, sectionNames: Object.keys(bundle.sections) });
    }
  }
  return collectionResult(evidence);
}

/** One stored bundle's classification (and, when verifying, the runbook's verify checks). */
export interface ClassifiedEvidence {
  readonly target: string;
  readonly result: ClassificationResult;
  readonly checks: readonly VerifyCheckOutcome[];
}

/** Classifies every stored bundle (skipping targets whose collection failed). */
export async function classifyStored(ports: { readonly evidence: EvidenceStore; readonly rulebook: CompiledRulebook }, evidence: readonly CollectedEvidence[], verifying?: Runbook): Promise<ClassifiedEvidence[]> {
  const out: ClassifiedEvidence[] = [];
  for (const e of evidence) {
    if (!e.ref) continue;
    const bundle = await ports.evidence.get(e.ref);
    out.push({ target: e.target, result: classifyEvidence(ports.rulebook, bundle), checks: verifying ? evaluateVerifyChecks(ports.rulebook, bundle, verifying) : [] });
  }
  return out;
}

/** The top runbook of one target's result, with a few proving lines and the runner-up. */
export function summarizeMatches(result: ClassificationResult, target: string): TargetClassification {
  const [top, second] = result.matches;
  return {
    target,
    runbookId: top?.runbookId ?? null,
    confidence: top?.confidence ?? 0,
    evidence: (top?.evidence ?? []).slice(0, 5),
    ...(second ? { runnerUp: { runbookId: second.runbookId, confidence: second.confidence } } : {}),
  };
}

/** A runbook by id (the rulebook is small: a scan is cheaper than keeping an index in sync). */
export function runbookOf(rulebook: CompiledRulebook, id: string | null | undefined): Runbook | undefined {
  return id ? rulebook.runbooks.find((r) => r.id === id) : undefined;
}
