/**
 * Sends a notification whose loss must not go unnoticed (an escalation, the final report). One
 * that still fails after the notifier's own retries (the SDK retries throttling and server errors)
 * is not thrown: a retry of the Task would repeat the step around it, and a thrown error would end
 * an escalated run as a broken one. It is recorded in the trail (`notify-failed`) and published as
 * a `notification-failed` status event, so a rule on the bus (or the audit trail) still tells
 * someone; the step goes on to its own outcome.
 */
import { appendAudit, withRunbook } from './audit-writer.js';
import type { IntakeResult } from './model.js';
import type { Clock, Notifier, WorkflowPorts } from './ports.js';
import { publishStatus } from './status-events.js';

/** What sending (or recording the failure) uses. */
export type NotifyOrRecordPorts = Pick<
  WorkflowPorts,
  'notifier' | 'audit' | 'events' | 'config' | 'errorWording'
>;

/** A message as the notifier takes it. */
export type NotificationMessage = Parameters<Notifier['notify']>[0];

/**
 * True when sent; false when the failure was recorded and published instead.
 * @example const notified = await notifyOrRecord(ports, clock, executionId, intake, message, plan?.runbookId)
 */
export async function notifyOrRecord(
  ports: NotifyOrRecordPorts,
  clock: Clock,
  executionId: string,
  intake: IntakeResult,
  message: NotificationMessage,
  runbookId?: string | null,
): Promise<boolean> {
  try {
    await ports.notifier.notify(message);
    return true;
  } catch (thrown) {
    const error = ports.errorWording.parts(thrown);
    await appendAudit(
      ports,
      clock,
      executionId,
      intake,
      'notify-failed',
      { kind: message.kind, subject: message.subject.slice(0, 200), error },
      withRunbook(runbookId),
    );
    await publishStatus(ports, clock, executionId, intake, 'notification-failed', {
      runbookId: runbookId ?? null,
      summary: `the ${message.kind} notification was not sent (${ports.errorWording.line(thrown)}); read the execution's audit trail`,
    });
    return false;
  }
}
