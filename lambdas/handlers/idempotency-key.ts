/**
 * Which retries of an idempotent Task share one Powertools idempotency record: the value whose hash
 * names the record, read from the raw input Step Functions passes (state by reference is not read
 * back yet). Plain code, not a JMESPath expression, so the Lambdas do not bundle a JMESPath engine
 * (cdk/constructs/lambda-bundling.ts). It selects what the expressions it replaced selected,
 * `[executionId, <task>]` and so on, with null for a missing field as JMESPath had it, so a record
 * written before the change still answers a retry after it (the hash is of the same JSON).
 */
import type { WorkflowTaskName } from '../core/workflow/task-names.js';

/** The values hashed into a Task's idempotency record key (a missing field is null). */
export type IdempotencyKey = readonly unknown[];

/** `value.name` as a JMESPath field reads it: null unless `value` is an object (not an array) holding it. */
function field(value: unknown, name: string): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  return (value as Record<string, unknown>)[name] ?? null;
}

/** The remediation loop's `state.remediation.nextStep`, or null. */
function nextStep(event: unknown): unknown {
  return field(field(field(event, 'state'), 'remediation'), 'nextStep');
}

/**
 * The idempotency key of one invocation of `task`: a retry of the same Task in the same execution
 * (in the remediation loop, on the same step) has the same key and gets the first result back.
 * @example idempotencyKey('Collect', { executionId: 'arn:…:run-1', state: {} }) // ['arn:…:run-1', 'Collect']
 */
export function idempotencyKey(task: WorkflowTaskName, event: unknown): IdempotencyKey {
  const executionId = field(event, 'executionId');
  if (task === 'RemediateStep') return [executionId, nextStep(event)];
  if (task === 'Verify') return [executionId, nextStep(event), 'verify'];
  // A retried waitForTaskToken Task waits on a new task token: it must store that token, not replay the first result.
  if (task === 'RequestApproval' || task === 'CollectSend' || task === 'VerifySend')
    return [executionId, task, field(event, 'taskToken')];
  return [executionId, task];
}
