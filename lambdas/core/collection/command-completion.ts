/**
 * SSM completion by event: SSM reports "EC2 Command Status-change Notification" to EventBridge when
 * a command reaches a status; a rule on the terminal statuses of this deployment's documents invokes
 * the CommandCompleted Lambda, which marks the command done in the state table and counts it off
 * the workflow's wait (command-wait.ts). The step that then reads the command's invocations does so
 * once (one ListCommandInvocations, 50 per page = one per command) instead of polling SSM. Events
 * are best effort: the wait times out and the read runs regardless.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/reference-eventbridge-events.html
 */

/** The event's detail-type (command level; the invocation-level event is one per instance and is not used). */
export const COMMAND_STATUS_DETAIL_TYPE = 'EC2 Command Status-change Notification';
/** Command-level statuses after which nothing more happens to the command. */
export const TERMINAL_COMMAND_STATUSES = ['Success', 'Failed', 'TimedOut', 'Cancelled'] as const;
/** How long a completion mark is kept: longer than any command may run. */
export const COMMAND_DONE_TTL_SECONDS = 24 * 3600;

/** A terminal command, as the event reports it. */
export interface CommandCompletion {
  readonly commandId: string;
  readonly status: (typeof TERMINAL_COMMAND_STATUSES)[number];
  readonly documentName: string;
}

/** The state-table key marking a command done (written by CommandCompleted, read by the waiting runner). */
export function commandDoneKey(commandId: string): string {
  return `ssm-done#${commandId}`;
}

/** Marks of finished commands (the state table on AWS). */
export interface CommandCompletions {
  /** True once the command's terminal event arrived. */
  isDone(commandId: string): Promise<boolean>;
}

/**
 * The completion an event reports, or undefined when it is not a terminal status of one of this
 * deployment's documents (`documentPrefix`, e.g. `Paramedic-prod-`): the rule filters the same, this is the second line.
 */
export function parseCommandStatusEvent(
  event: unknown,
  documentPrefix: string,
): CommandCompletion | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const e = event as {
    source?: unknown;
    'detail-type'?: unknown;
    detail?: Record<string, unknown>;
  };
  if (
    e.source !== 'aws.ssm' ||
    e['detail-type'] !== COMMAND_STATUS_DETAIL_TYPE ||
    typeof e.detail !== 'object' ||
    e.detail === null
  )
    return undefined;
  const commandId = e.detail['command-id'];
  const status = e.detail.status;
  const documentName = e.detail['document-name'];
  if (typeof commandId !== 'string' || !/^[0-9a-f-]{36}$/i.test(commandId)) return undefined;
  if (typeof documentName !== 'string' || !documentName.startsWith(documentPrefix))
    return undefined;
  if (!(TERMINAL_COMMAND_STATUSES as readonly unknown[]).includes(status)) return undefined;
  return { commandId, status: status as CommandCompletion['status'], documentName };
}
