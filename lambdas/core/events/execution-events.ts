/**
 * The events Paramedic puts on its EventBridge bus, so users route them with their own rules
 * (paging, chat, tickets), and the event that asks for a manual run. Pure: the detail schemas,
 * builders that keep every event small, and the port the workflow publishes through. The schema
 * is documented in the README ("Deploy on AWS" → "Events"); change both together.
 *
 * - `Paramedic Execution Status Change` (source `paramedic`): one per milestone of an execution.
 * - `Paramedic Runbook Run Requested` (source `paramedic.requests`): its detail is exactly the
 *   manual-run input of StartExecution (`{ runbookId, target, mode?, invokedBy?, platform? }`); a
 *   rule on the bus starts the workflow with it, so it goes through the same Intake.
 */
import { parseManualInput } from '../workflow/manual-input.js';
import type { ManualInput } from '../workflow/model.js';

/** `source` of the status events Paramedic publishes. */
export const STATUS_EVENT_SOURCE = 'paramedic';
/** `source` of run requests (kept apart from {@link STATUS_EVENT_SOURCE} so a status event can never start a run). */
export const RUN_REQUEST_SOURCE = 'paramedic.requests';
/** `detail-type` of the status events. */
export const EXECUTION_STATUS_CHANGE = 'Paramedic Execution Status Change';
/** `detail-type` of a manual run request. */
export const RUNBOOK_RUN_REQUESTED = 'Paramedic Runbook Run Requested';

/** The milestones of an execution, in the order they can happen. */
export const EXECUTION_STATUSES = [
  'started',
  'classified',
  'awaiting-approval',
  'remediated',
  'verified',
  'escalated',
  'failed',
  'notification-failed',
] as const;
/** One of {@link EXECUTION_STATUSES}. */
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

/** Targets listed in one event at most; `targetCount` always has the full number. */
export const MAX_LISTED_TARGETS = 20;
/** Characters of `summary` at most. */
export const MAX_SUMMARY_CHARS = 1000;

/** The `detail` of a {@link EXECUTION_STATUS_CHANGE} event (schema version 1). */
export interface ExecutionStatusChangeDetail {
  readonly schemaVersion: 1;
  /** The Step Functions execution ARN (locally, the local execution id). */
  readonly executionId: string;
  readonly status: ExecutionStatus;
  /** ISO-8601 time of the milestone. */
  readonly at: string;
  /** What started the execution. */
  readonly trigger: 'alarm' | 'manual';
  /** `dry-run` changes nothing; `execute` may remediate. */
  readonly mode: 'dry-run' | 'execute';
  /** The deployment (`deploymentName` of the CDK config) when more than one shares a bus. */
  readonly deployment?: string;
  /** The alarm that started it (trigger `alarm`). */
  readonly alarmName?: string;
  /** The runbook classified or requested, once known. */
  readonly runbookId?: string;
  /** Classifier confidence for `runbookId` (0..1), from `classified` on. */
  readonly confidence?: number;
  /** Up to {@link MAX_LISTED_TARGETS} target ids (instance ids, `eks:<cluster>/<node>`). */
  readonly targets: readonly string[];
  readonly targetCount: number;
  /** One human-readable line: why it escalated or failed, what was fixed. */
  readonly summary?: string;
}

/** The `detail` of a {@link RUNBOOK_RUN_REQUESTED} event: the manual StartExecution input. */
export type RunbookRunRequestedDetail = Pick<ManualInput, 'runbookId' | 'target'> &
  Partial<Pick<ManualInput, 'mode' | 'invokedBy' | 'platform'>>;

/** An event as the port publishes it (the adapter adds the bus name). */
export interface ParamedicEvent {
  readonly source: typeof STATUS_EVENT_SOURCE | typeof RUN_REQUEST_SOURCE;
  readonly detailType: typeof EXECUTION_STATUS_CHANGE | typeof RUNBOOK_RUN_REQUESTED;
  readonly detail: ExecutionStatusChangeDetail | RunbookRunRequestedDetail;
  /** ARNs the event is about (the execution); EventBridge matches on them in `resources`. */
  readonly resources?: readonly string[];
  /** ISO-8601; absent lets EventBridge stamp the time it received the event. */
  readonly time?: string;
}

/** What publishing achieved: events EventBridge refused after retries are results, not exceptions. */
export interface PublishReport {
  readonly published: number;
  readonly failed: ReadonlyArray<{
    readonly event: ParamedicEvent;
    readonly errorCode: string;
    readonly errorMessage: string;
  }>;
}

/**
 * The port the workflow publishes through (EventBridge on AWS; a file or nothing locally).
 * A failed publish never fails an execution: the audit trail is the record, events are a copy.
 */
export interface ExecutionEventPublisher {
  publish(events: readonly ParamedicEvent[]): Promise<PublishReport>;
}

/** What a step knows when it reaches a milestone. */
export interface StatusChangeInput {
  readonly executionId: string;
  readonly status: ExecutionStatus;
  readonly at: string;
  readonly trigger: 'alarm' | 'manual';
  readonly mode: 'dry-run' | 'execute';
  readonly targets: readonly string[];
  readonly deployment?: string;
  readonly alarmName?: string;
  readonly runbookId?: string;
  readonly confidence?: number;
  readonly summary?: string;
}

/**
 * Builds a status event with a bounded detail (targets listed up to {@link MAX_LISTED_TARGETS},
 * summary cut at {@link MAX_SUMMARY_CHARS}), so a 1,000-target alarm still fits one entry.
 * @example executionStatusChange({ executionId, status: 'started', at, trigger: 'alarm', mode: 'dry-run', targets: ['i-0abc…'] })
 */
export function executionStatusChange(input: StatusChangeInput): ParamedicEvent {
  const detail: ExecutionStatusChangeDetail = {
    schemaVersion: 1,
    executionId: input.executionId,
    status: input.status,
    at: input.at,
    trigger: input.trigger,
    mode: input.mode,
    ...(input.deployment ? { deployment: input.deployment } : {}),
    ...(input.alarmName ? { alarmName: input.alarmName } : {}),
    ...(input.runbookId ? { runbookId: input.runbookId } : {}),
    ...(input.confidence !== undefined
      ? { confidence: Math.round(input.confidence * 1000) / 1000 }
      : {}),
    targets: input.targets.slice(0, MAX_LISTED_TARGETS),
    targetCount: input.targets.length,
    ...(input.summary
      ? {
          summary:
            input.summary.length > MAX_SUMMARY_CHARS
              ? `${input.summary.slice(0, MAX_SUMMARY_CHARS - 1)}…`
              : input.summary,
        }
      : {}),
  };
  return {
    source: STATUS_EVENT_SOURCE,
    detailType: EXECUTION_STATUS_CHANGE,
    detail,
    time: input.at,
    ...(input.executionId.startsWith('arn:') ? { resources: [input.executionId] } : {}),
  };
}

/**
 * Builds a run request, validated exactly as StartExecution's manual input is.
 * @example runbookRunRequested({ runbookId: 'disk-full', target: 'i-0123456789abcdef0', invokedBy: 'alice' })
 * @throws ManualInputError naming the wrong field.
 */
export function runbookRunRequested(detail: RunbookRunRequestedDetail): ParamedicEvent {
  parseManualInput(detail);
  return { source: RUN_REQUEST_SOURCE, detailType: RUNBOOK_RUN_REQUESTED, detail };
}

/**
 * The EventBridge pattern of run requests: the rule that starts the workflow matches only these
 * (never Paramedic's own status events).
 */
export function runRequestPattern(): {
  readonly source: readonly string[];
  readonly detailType: readonly string[];
} {
  return { source: [RUN_REQUEST_SOURCE], detailType: [RUNBOOK_RUN_REQUESTED] };
}
