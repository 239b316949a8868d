/**
 * Collect: reads the outcome of the collectors CollectSend sent (once, after their completion
 * events resumed the workflow or the wait timed out) and stores each bundle; on a replay, the
 * recorded bundle (stored once before the execution started) is the evidence and no collector ran.
 */
import { appendAudit } from '../audit-writer.js';
import { unfinishedReason } from '../../collection/command-wait.js';
import { collectFromWait, collectionResult } from '../evidence-collection.js';
import type { WaitedCommandPorts } from '../waited-commands.js';
import { TRIAGE_PHASE } from '../collection-phases.js';
import type { CollectionResult } from '../model.js';
import type { Clock, WorkflowPorts } from '../ports.js';
import { requireState, type TaskInput } from '../task-input.js';

/** What Collect uses. */
export type CollectPorts = Pick<WorkflowPorts, 'audit' | 'evidence' | 'config' | 'cluster'> &
  WaitedCommandPorts;

/** Collect: one stored bundle (or one error) per target. */
export async function runCollect(
  { executionId, state }: TaskInput,
  ports: CollectPorts,
  clock: Clock,
): Promise<CollectionResult> {
  const intake = requireState('Collect', state.intake, 'intake');
  if (intake.replay) {
    // Read back to record what it holds; the reference was checked against its sha256 when stored.
    const bundle = await ports.evidence.get(intake.replay.evidence);
    const result = collectionResult(
      intake.targets.map((t) => ({
        target: t.id,
        status: 'Success',
        ref: intake.replay!.evidence,
        sectionNames: Object.keys(bundle.sections),
      })),
    );
    await appendAudit(ports, clock, executionId, intake, 'collected', {
      phase: 'triage',
      how: 'replay',
      evidence: result.evidence,
    });
    return result;
  }
  const result = await collectFromWait(
    ports,
    executionId,
    TRIAGE_PHASE,
    intake.targets,
    clock,
    { incidentTime: intake.trigger.at },
    unfinishedReason(state.collectWait),
  );
  await appendAudit(ports, clock, executionId, intake, 'collected', {
    phase: 'triage',
    how: 'collector',
    evidence: result.evidence,
  });
  return result;
}
