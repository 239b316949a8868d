/**
 * CollectSend: the `waitForTaskToken` Task before Collect. Sends the platform's collector to every
 * target and registers the wait; the last command's completion event resumes the workflow (or this
 * step does, when nothing is left to wait for: a replay, or every command already done). Collect
 * then reads the outcomes and stores the bundles.
 */
import { commandWaitSeconds } from '../../collection/command-wait.js';
import { TRIAGE_PHASE } from '../collection-phases.js';
import { collectorRequests } from '../collector-requests.js';
import { requireState, type TaskInput } from '../task-input.js';
import { sendAndRegister, type WaitedCommandPorts } from '../waited-commands.js';
import type { Clock, WorkflowPorts } from '../ports.js';

/** What CollectSend uses. */
export type CollectSendPorts = WaitedCommandPorts & Pick<WorkflowPorts, 'config'>;

/** CollectSend: the commands sent and whether the step resumed the Task itself. */
export async function runCollectSend(
  { executionId, state, taskToken }: TaskInput,
  ports: CollectSendPorts,
  clock: Clock,
): Promise<unknown> {
  const intake = requireState('CollectSend', state.intake, 'intake');
  // A replay's evidence was recorded before the execution started: nothing to run.
  const requests = intake.replay
    ? []
    : collectorRequests(ports.config, intake.targets, { incidentTime: intake.trigger.at }).map(
        (r) => r.request,
      );
  return sendAndRegister(ports, clock, requests, {
    executionId,
    phase: TRIAGE_PHASE,
    waitSeconds: commandWaitSeconds(ports.config.collectTimeoutSeconds),
    ...(taskToken ? { taskToken } : {}),
  });
}
