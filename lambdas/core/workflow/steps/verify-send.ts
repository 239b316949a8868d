/**
 * VerifySend: the `waitForTaskToken` Task before Verify. Renews the locks, then sends the collector
 * again to the remediated targets and registers the wait (see collect-send.ts); Verify reads the
 * outcomes, classifies them and decides.
 */
import { commandWaitSeconds } from '../../collection/command-wait.js';
import { VERIFY_PHASE, verifyCollection } from '../collection-phases.js';
import { collectorRequests } from '../collector-requests.js';
import { renewLocks } from '../lock-lease.js';
import type { Clock, WorkflowPorts } from '../ports.js';
import { requireState, type TaskInput } from '../task-input.js';
import { sendAndRegister, type WaitedCommandPorts } from '../waited-commands.js';

/** What VerifySend uses. */
export type VerifySendPorts = WaitedCommandPorts & Pick<WorkflowPorts, 'config' | 'locks'>;

/** VerifySend: the commands sent and whether the step resumed the Task itself. */
export async function runVerifySend(
  { executionId, state, taskToken }: TaskInput,
  ports: VerifySendPorts,
  clock: Clock,
): Promise<unknown> {
  const intake = requireState('VerifySend', state.intake, 'intake');
  const { targets, timing } = verifyCollection('VerifySend', state);
  await renewLocks(ports, 'VerifySend', executionId, intake);
  return sendAndRegister(
    ports,
    clock,
    collectorRequests(ports.config, targets, timing).map((r) => r.request),
    {
      executionId,
      phase: VERIFY_PHASE,
      waitSeconds: commandWaitSeconds(ports.config.collectTimeoutSeconds),
      ...(taskToken ? { taskToken } : {}),
    },
  );
}
