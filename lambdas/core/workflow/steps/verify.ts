/**
 * Verify: reads the collectors VerifySend sent, classifies again, runs the runbook's verify checks (a check whose sections
 * were not collected is unknown, not passed), re-reads the Kubernetes state of EKS targets and
 * reads the alarm, to decide whether the fix worked.
 */
import { appendAudit, withRunbook } from '../audit-writer.js';
import { verifyClusterState } from '../cluster-verification.js';
import { unfinishedReason } from '../../collection/command-wait.js';
import { collectFromWait } from '../evidence-collection.js';
import { classifyStored } from '../stored-classification.js';
import { runbookOf } from '../runbook-lookup.js';
import type { WaitedCommandPorts } from '../waited-commands.js';
import { VERIFY_PHASE, verifyCollection } from '../collection-phases.js';
import { recordFailure } from '../failure-history.js';
import type { VerificationCheck, VerificationResult } from '../model.js';
import type { Clock, WorkflowPorts } from '../ports.js';
import { renewLocks } from '../lock-lease.js';
import { publishStatus } from '../status-events.js';
import { requireState, type TaskInput } from '../task-input.js';
import { locationOf } from '../target-location.js';
import { alarmHadTimeToReevaluate, decideVerification } from '../verification.js';

/** What Verify uses. */
export type VerifyPorts = Pick<
  WorkflowPorts,
  'audit' | 'state' | 'locks' | 'evidence' | 'rulebook' | 'config' | 'alarms' | 'cluster' | 'events'
> &
  WaitedCommandPorts;

/** Verify: cleared, or why not (a target not cleared counts towards its repeated-failure guard). */
export async function runVerify(
  { executionId, state }: TaskInput,
  ports: VerifyPorts,
  clock: Clock,
): Promise<VerificationResult> {
  const intake = requireState('Verify', state.intake, 'intake');
  const plan = requireState('Verify', state.plan, 'plan');
  const runbook = runbookOf(ports.rulebook, plan.runbookId);
  const { targets, timing } = verifyCollection('Verify', state);
  await renewLocks(ports, 'Verify', executionId, intake);
  const collection = await collectFromWait(
    ports,
    executionId,
    VERIFY_PHASE,
    targets,
    clock,
    timing,
    unfinishedReason(state.verifyCollectWait),
  );
  // Judged from the fix on: the evidence before it is what the fix was for.
  const classified = await classifyStored(ports, collection.evidence, runbook, timing.remediatedAt);
  const since = state.remediation?.finishedAt
    ? new Date(state.remediation.finishedAt)
    : clock.now();
  const checks: VerificationCheck[] = [
    ...classified.flatMap((c) => c.checks.map((k) => ({ target: c.target, ...k }))),
    ...(await verifyClusterState(ports, targets, state.collection?.evidence ?? [], since)),
  ];
  // The alarm where it is: a same-named alarm of the hub (or of another spoke) is not this incident's.
  const { alarmName, alarmAccount, alarmRegion } = intake.trigger;
  const reading =
    alarmName && ports.alarms
      ? await ports.alarms.readAlarm(alarmName, locationOf(alarmAccount, alarmRegion))
      : undefined;
  const alarmState = reading?.state;
  const decision = runbook
    ? decideVerification({
        runbook,
        matches: classified.map((c) => ({
          target: c.target,
          runbookIds: c.result.matches.map((m) => m.runbookId),
        })),
        uncollected: collection.evidence.filter((e) => !e.ref).map((e) => e.target),
        failedChecks: checks.filter((k) => k.status === 'failed'),
        unknownChecks: checks.filter((k) => k.status === 'unknown'),
        ...(alarmState
          ? {
              alarmState,
              alarmSettled: alarmHadTimeToReevaluate(
                reading?.evaluationSeconds,
                state.remediation?.finishedAt,
                clock.now(),
              ),
            }
          : {}),
      })
    : { cleared: false, reason: 'no runbook to verify against', stillMatching: [] };
  if (!decision.cleared)
    for (const t of plan.targets) await recordFailure(ports.state, clock, t, executionId);
  const result: VerificationResult = {
    ...decision,
    evidence: collection.evidence,
    ...(alarmState ? { alarmState } : {}),
    ...(checks.length ? { checks } : {}),
  };
  await appendAudit(
    ports,
    clock,
    executionId,
    intake,
    'verified',
    { ...result },
    withRunbook(plan.runbookId),
  );
  // Not cleared goes to Escalate, which publishes `escalated`.
  if (result.cleared)
    await publishStatus(ports, clock, executionId, intake, 'verified', {
      runbookId: plan.runbookId,
      summary: result.reason,
    });
  return result;
}
