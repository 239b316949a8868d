/**
 * VerifySend: the `waitForTaskToken` Task before Verify. Renews the locks, then sends the collector
 * again to the remediated targets and registers the wait (see collect-send.ts); Verify reads the
 * outcomes, classifies them and decides.
 */
import { commandWaitSeconds } from '../../collection/command-wait.js';
import type { IncidentTiming } from '../../collection/collector-documents.js';
import { collectorRequests } from '../evidence-collection.js';
import { renewLocks } from '../lock-lease.js';
import type { Target, WorkflowState } from '../model.js';
import type { Clock, WorkflowPorts } from '../ports.js';
import { requireState, type TaskInput } from '../task-input.js';
import { sendAndRegister, type WaitedCommandPorts } from '../waited-commands.js';

/** What VerifySend uses. */
export type VerifySendPorts = WaitedCommandPorts & Pick<WorkflowPorts, 'config' | 'locks'>;

/** The phase name of the verification collection. */
export const VERIFY_PHASE = 'verify';

/** The targets Verify collects from (the plan's) and the window: only what was logged after the fix may show that it did not hold. */
export function verifyCollection(task: string, state: WorkflowState): { readonly targets: readonly Target[]; readonly timing: IncidentTiming } {
  const intake = requireState(task, state.intake, 'intake');
  const plan = requireState(task, state.plan, 'plan');
  const planned = new Set(plan.targets);
  return { targets: intake.targets.filter((t) => planned.has(t.id)), timing: { incidentTime: intake.trigger.at, remediatedAt: state.remediation?.finishedAt ?? null } };
}

/** VerifySend: the commands sent and whether the step resumed the Task itself. */
export async function runVerifySend({ executionId, state, taskToken }: TaskInput, ports: VerifySendPorts, clock: Clock): Promise<unknown> {
  const intake = requireState('VerifySend', state.intake, 'intake');
  const { targets, timing } = verifyCollection('VerifySend', state);
  await renewLocks(ports, 'VerifySend', executionId, intake);
  return sendAndRegister(ports, clock, collectorRequests(ports.config, targets, timing).map((r) => r.request), {
    executionId, phase: VERIFY_PHASE, waitSeconds: commandWaitSeconds(ports.config.collectTimeoutSeconds), ...(taskToken ? { taskToken } : {}),
  });
}
