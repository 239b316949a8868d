/**
 * Step Functions' own "Step Functions Execution Status Change" event (source `aws.states`, on the
 * default bus), parsed strictly: only an execution of this deployment's state machine that ended
 * without succeeding is returned; anything else (another state machine, a running or succeeded
 * execution, a malformed event) is `undefined`, never an exception.
 * https://docs.aws.amazon.com/step-functions/latest/dg/eventbridge-integration.html
 */
import * as z from 'zod/mini';
import type { SfnExecutionStatus } from './interrupted-executions.js';

/** The event's `source`. */
export const SFN_EVENT_SOURCE = 'aws.states';
/** The event's `detail-type`. */
export const SFN_STATUS_DETAIL_TYPE = 'Step Functions Execution Status Change';
/** Statuses after which the execution's own steps can no longer write its outcome. */
export const ENDED_UNFINISHED_STATUSES = [
  'FAILED',
  'TIMED_OUT',
  'ABORTED',
] as const satisfies readonly SfnExecutionStatus[];

/** An execution that ended without succeeding, as its status-change event reports it. */
export interface EndedExecution {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly status: (typeof ENDED_UNFINISHED_STATUSES)[number];
  /** ISO-8601 start of the execution. */
  readonly startedAt: string;
  /** ISO-8601 end, when the event carries it. */
  readonly stoppedAt?: string;
  /** The error and cause Step Functions reports (FAILED, TIMED_OUT), cut to 500 characters. */
  readonly error?: string;
  readonly cause?: string;
}

// A Step Functions ARN: partition, region, account, then `stateMachine:<name>` or `execution:<machine>:<name>`.
// Names exclude whitespace, brackets, wildcards and `" # % \ ^ | ~ ` $ & , ; : /` (StartExecution's rules); the
// `:`-separated parts cannot overlap, so matching is linear.
const ARN =
  /^arn:[a-z-]{2,20}:states:[a-z0-9-]{1,30}:\d{12}:[A-Za-z]{1,20}(?::[^\s:/"#%\\^|~`$&,;<>{}[\]?*]{1,80}){1,2}$/;
const epochMs = z.number().check(z.gte(0));
const optionalText = z.optional(z.nullable(z.string()));

const EVENT = z.object({
  source: z.literal(SFN_EVENT_SOURCE),
  'detail-type': z.literal(SFN_STATUS_DETAIL_TYPE),
  detail: z.object({
    executionArn: z.string().check(z.regex(ARN)),
    stateMachineArn: z.string().check(z.regex(ARN)),
    status: z.enum(ENDED_UNFINISHED_STATUSES),
    startDate: epochMs,
    stopDate: z.optional(z.nullable(epochMs)),
    error: optionalText,
    cause: optionalText,
  }),
});

/** Why an event was not taken (one line for the log). */
export interface RejectedEvent {
  readonly rejected: string;
}

const cut = (text: string | null | undefined): string | undefined =>
  text ? text.slice(0, 500) : undefined;

/**
 * The ended execution an event reports, or why it is not one of this state machine's.
 * @example parseEndedExecution(event, 'arn:aws:states:eu-west-1:123456789012:stateMachine:Paramedic')
 */
export function parseEndedExecution(
  event: unknown,
  stateMachineArn: string,
): EndedExecution | RejectedEvent {
  const parsed = EVENT.safeParse(event);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      rejected: `not an ended execution's status change (${issue ? `${issue.path.join('.') || 'event'}: ${issue.message}` : 'invalid'})`,
    };
  }
  const d = parsed.data.detail;
  if (d.stateMachineArn !== stateMachineArn)
    return { rejected: `an execution of another state machine (${d.stateMachineArn})` };
  // The execution ARN names its state machine: `...:execution:<machine>:<name>` under `...:stateMachine:<machine>`.
  if (!d.executionArn.startsWith(`${stateMachineArn.replace(':stateMachine:', ':execution:')}:`))
    return { rejected: 'the execution ARN does not belong to the state machine it names' };
  return {
    executionArn: d.executionArn,
    stateMachineArn: d.stateMachineArn,
    status: d.status,
    startedAt: new Date(d.startDate).toISOString(),
    ...(typeof d.stopDate === 'number' ? { stoppedAt: new Date(d.stopDate).toISOString() } : {}),
    ...(cut(d.error) ? { error: cut(d.error)! } : {}),
    ...(cut(d.cause) ? { cause: cut(d.cause)! } : {}),
  };
}

/** True when {@link parseEndedExecution} took the event. */
export function isEndedExecution(result: EndedExecution | RejectedEvent): result is EndedExecution {
  return !('rejected' in result);
}
