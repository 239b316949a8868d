/** Classify: every stored bundle against the runbooks; the plan follows the manual choice, else the runbook most targets matched. */
import { appendAudit, withRunbook } from '../audit-writer.js';
import { classifyStored, summarizeMatches } from '../stored-classification.js';
import type { ClassificationSummary } from '../model.js';
import type { Clock, WorkflowPorts } from '../ports.js';
import { publishStatus } from '../status-events.js';
import { requireState, type TaskInput } from '../task-input.js';
import { dominantRunbook } from '../verification.js';

/** What Classify uses. */
export type ClassifyPorts = Pick<
  WorkflowPorts,
  'audit' | 'evidence' | 'rulebook' | 'events' | 'config'
>;

/** Classify: per-target top match and runner-up, and the execution's runbook. */
export async function runClassify(
  { executionId, state }: TaskInput,
  ports: ClassifyPorts,
  clock: Clock,
): Promise<ClassificationSummary> {
  const intake = requireState('Classify', state.intake, 'intake');
  const collection = requireState('Classify', state.collection, 'collection');
  const results = await classifyStored(ports, collection.evidence);
  const targets = results.map((r) => summarizeMatches(r.result, r.target));
  const runbookId = intake.runbookId ?? dominantRunbook(targets);
  const chosen = targets.find((t) => t.runbookId === runbookId);
  await appendAudit(
    ports,
    clock,
    executionId,
    intake,
    'classified',
    {
      runbookId,
      confidence: chosen?.confidence ?? null,
      forced: intake.runbookId !== undefined,
      targets: results.map((r) => ({
        target: r.target,
        matches: r.result.matches,
        ref: collection.evidence.find((e) => e.target === r.target)?.ref,
      })),
    },
    withRunbook(runbookId),
  );
  await publishStatus(ports, clock, executionId, intake, 'classified', {
    runbookId,
    confidence: chosen?.confidence ?? null,
    summary: runbookId ? `classified as ${runbookId}` : 'unclassified',
  });
  return { runbookId, targets };
}
