/**
 * Publishes an execution's milestones ("Paramedic Execution Status Change") through the events
 * port. Events are a copy of what the audit trail records, so publishing never fails a step: a
 * refused or thrown publish is appended to the trail as `event-unpublished` and the step goes on.
 */
import { executionStatusChange, type ExecutionStatus } from '../events/execution-events.js';
import { appendAudit } from './audit-writer.js';
import type { IntakeResult } from './model.js';
import type { Clock, WorkflowPorts } from './ports.js';

/** What publishing a status uses. */
export type StatusEventPorts = Pick<WorkflowPorts, 'events' | 'audit' | 'config'>;

/** What a step adds to the event beyond what Intake knows. */
export interface StatusDetails {
  readonly runbookId?: string | null;
  readonly confidence?: number | null;
  readonly summary?: string;
}

/** What an event is built from: the execution's intake, or the part of it its trail recorded. */
export type StatusSubject = Pick<IntakeResult, 'trigger' | 'mode' | 'targets' | 'runbookId'>;

/** `dry-run` or `execute`: a manual run chose; an alarm run follows the deployment's `dryRun`. */
export function eventMode(
  intake: Pick<IntakeResult, 'mode'>,
  config: WorkflowPorts['config'],
): 'dry-run' | 'execute' {
  if (intake.mode === 'alarm') return config.dryRun ? 'dry-run' : 'execute';
  return intake.mode;
}

/**
 * Publishes one status event; never throws.
 * @example await publishStatus(ports, clock, executionId, intake, 'classified', { runbookId, confidence })
 */
export async function publishStatus(
  ports: StatusEventPorts,
  clock: Clock,
  executionId: string,
  intake: StatusSubject,
  status: ExecutionStatus,
  details: StatusDetails = {},
): Promise<void> {
  if (!ports.events) return;
  const event = executionStatusChange({
    executionId,
    status,
    at: clock.now().toISOString(),
    trigger: intake.trigger.kind === 'alarm' ? 'alarm' : 'manual',
    mode: eventMode(intake, ports.config),
    targets: intake.targets.map((t) => t.id),
    ...(ports.config.deploymentName ? { deployment: ports.config.deploymentName } : {}),
    ...(intake.trigger.alarmName ? { alarmName: intake.trigger.alarmName } : {}),
    ...((details.runbookId ?? intake.runbookId)
      ? { runbookId: (details.runbookId ?? intake.runbookId)! }
      : {}),
    ...(typeof details.confidence === 'number' ? { confidence: details.confidence } : {}),
    ...(details.summary ? { summary: details.summary } : {}),
  });
  let errors: { errorCode: string; errorMessage: string }[];
  try {
    errors = (await ports.events.publish([event])).failed.map(({ errorCode, errorMessage }) => ({
      errorCode,
      errorMessage,
    }));
  } catch (error) {
    errors = [
      {
        errorCode: (error as Error).name ?? 'Error',
        errorMessage: (error as Error).message ?? String(error),
      },
    ];
  }
  if (errors.length > 0)
    await appendAudit(ports, clock, executionId, intake, 'event-unpublished', {
      status,
      errors: errors.map((e) => ({ ...e, errorMessage: e.errorMessage.slice(0, 500) })),
    });
}
