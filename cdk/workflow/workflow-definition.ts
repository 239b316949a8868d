/**
 * The remediation workflow, one definition for alarms and manual runs, written with CDK constructs
 * in JSONPath (not JSONata) so the very same ASL also runs locally under aws-local-stepfunctions.
 *
 * Intake -> IsDuplicate -> AcquireLock (LockBusyWait loop) -> CollectSend (waitForTaskToken) -> Collect -> Classify -> Plan ->
 * RouteByDecision: automatic -> RemediateStep loop | approval -> RequestApproval (waitForTaskToken)
 * -> RecordApproval -> IsApproved | escalate -> Escalate | otherwise report -> ...
 * RemediateStep loop -> VerifyWait -> VerifySend (waitForTaskToken) -> Verify -> IsCleared (or Escalate)
 * -> ReleaseLock -> Complete -> HasFailed: `LocksNotReleased` (ReleaseLock failed) | `Failed` (a step failed)
 * | `Escalated` (a person must act) | `Done`.
 * CollectSend and VerifySend send the SSM collectors and return; the last command's completion event
 * resumes them (lambdas/core/collection/command-wait.ts). On States.Timeout they go on to the read
 * Task anyway, which reads what finished and cancels the rest: the wall time is the slowest host's.
 * Every Task after Intake catches States.ALL into `$.failure` and goes to ReleaseLock, so the
 * per-target lock is released and the failure recorded on every path. ReleaseLock releases every
 * target this execution owns, so a lock taken by an AcquireLock that failed part-way is freed too.
 */
import { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import {
  ESCALATED_CAUSE,
  LOCKS_NOT_RELEASED_CAUSE,
  LOCKS_NOT_RELEASED_ERROR,
  REMEDIATION_ESCALATED_ERROR,
  WORKFLOW_FAILED_ERROR,
} from '../../lambdas/core/workflow/end-states.js';
import type { WorkflowTaskName } from '../../lambdas/core/workflow/task-names.js';

/** Tuning of the definition (all have defaults). */
export interface WorkflowDefinitionProps {
  /** The Lambda behind each Task state, by state name. */
  readonly functions: Readonly<Record<WorkflowTaskName, IFunction>>;
  /** How long an approval may wait. @default 1 hour */
  readonly approvalTimeout?: Duration;
  /** Pause between lock attempts on a busy target. @default 30 seconds */
  readonly lockRetryInterval?: Duration;
  /** Pause before verification collects again. @default 60 seconds */
  readonly verifyDelay?: Duration;
  /** Task timeout of the collecting steps (Collect, Verify, RemediateStep). @default 14 minutes */
  readonly longTaskTimeout?: Duration;
  /**
   * How long CollectSend and VerifySend wait for the completion events before their read Task runs
   * anyway: the collectors' timeout plus delivery grace (commandWaitSeconds). Must be shorter than the
   * execution's timeout. @default 12 minutes
   */
  readonly commandWaitTimeout?: Duration;
  /** Task timeout of the other steps. @default 1 minute */
  readonly shortTaskTimeout?: Duration;
}

/** Where each Task's result lands in the execution state. */
export const RESULT_PATHS: Readonly<Record<WorkflowTaskName, string>> = {
  Intake: '$.intake',
  AcquireLock: '$.lock',
  CollectSend: '$.collectWait',
  Collect: '$.collection',
  Classify: '$.classification',
  Plan: '$.plan',
  RequestApproval: '$.approval',
  RecordApproval: '$.approval',
  RemediateStep: '$.remediation',
  VerifySend: '$.verifyCollectWait',
  Verify: '$.verification',
  Escalate: '$.escalation',
  ReleaseLock: '$.release',
  Complete: '$.completion',
};

const LONG_TASKS = new Set<WorkflowTaskName>(['Collect', 'Verify', 'RemediateStep']);
const LONG_TASK_TIMEOUT = Duration.minutes(14);
const SHORT_TASK_TIMEOUT = Duration.minutes(1);

/**
 * How long a request-response Task's function may run: a few seconds less than its Task waits.
 * Step Functions starts the Task's clock before the function starts (scheduling, cold start), so
 * a function as long as its Task outlives the Task's timeout: the Catch has already released the
 * run's locks while the function goes on taking a lock or acting on a host. A function that times
 * out first is dead when the Task fails (Sandbox.Timedout, not retried, like States.Timeout).
 */
export function taskFunctionTimeout(name: WorkflowTaskName): Duration {
  const task = LONG_TASKS.has(name) ? LONG_TASK_TIMEOUT : SHORT_TASK_TIMEOUT;
  return Duration.seconds(task.toSeconds() - (LONG_TASKS.has(name) ? 15 : 5));
}

/**
 * Tasks whose handler errors are retried. A retry re-runs the whole Lambda, and the idempotency
 * layer does not help: it deletes its record when the handler throws. So each of these steps is
 * safe to re-run by itself: Intake finds its own claim, AcquireLock re-acquires as the same owner,
 * CollectSend/Collect/VerifySend/Verify only read hosts, and Escalate (like Complete below)
 * reuses what an earlier attempt recorded in the execution's trail instead of recording the
 * escalation again (core/workflow/recorded-effects.ts); ReleaseLock (below) knows it is retried by
 * its own claim in the state table, since the local emulator has no `$$.State.RetryCount`. Its rollback is not idempotent: the trail
 * records the intent before the first undo and the result after the last, so a retry that finds
 * only the intent reports the rollback `unknown` (people check the hosts) rather than undoing twice;
 * a retry cannot tell which undos ran. Classify and Plan append
 * to the trail and RemediateStep may have changed a host before it threw: they are not retried,
 * their failure goes to ReleaseLock.
 */
const RETRIED_ON_HANDLER_ERRORS = new Set<WorkflowTaskName>([
  'Intake',
  'AcquireLock',
  'CollectSend',
  'Collect',
  'VerifySend',
  'Verify',
  'Escalate',
]);
/** Errors a retry cannot fix (bad input, a lost lock, a broken deployment, a task that ran out of time). */
const NOT_RETRIED = [
  'TaskInputError',
  'ManualInputError',
  'AlarmEventError',
  'TargetGrammarError',
  'LockLostError',
  'HandlerEnvironmentError',
  'PortNotWiredError',
  sfn.Errors.TIMEOUT,
  // The function's own timeout (taskFunctionTimeout): the same run out of time.
  'Sandbox.Timedout',
];

/** Lambda throttling (and the service errors CDK's retryOnServiceExceptions omits) on every Task, then handler errors where safe. */
function addRetries(name: WorkflowTaskName, t: tasks.LambdaInvoke): void {
  addThrottlingRetry(t);
  if (!RETRIED_ON_HANDLER_ERRORS.has(name)) return;
  t.addRetry({ errors: NOT_RETRIED, maxAttempts: 0 });
  t.addRetry({
    errors: [sfn.Errors.ALL],
    interval: Duration.seconds(2),
    maxAttempts: 3,
    backoffRate: 2,
    jitterStrategy: sfn.JitterType.FULL,
  });
}

/**
 * Throttling first and on its own: reserved concurrency is small, and an alarm storm throttles
 * ReleaseLock and Complete as much as any Task; their own retries (below) are for their errors.
 */
function addThrottlingRetry(t: tasks.LambdaInvoke): void {
  t.addRetry({
    errors: ['Lambda.TooManyRequestsException'],
    interval: Duration.seconds(1),
    maxAttempts: 8,
    backoffRate: 2,
    maxDelay: Duration.seconds(60),
    jitterStrategy: sfn.JitterType.FULL,
  });
}

/** Builds the workflow's states in `scope` and returns the start of the chain. */
export function buildWorkflowDefinition(
  scope: Construct,
  props: WorkflowDefinitionProps,
): sfn.IChainable {
  const longTimeout = props.longTaskTimeout ?? LONG_TASK_TIMEOUT;
  const shortTimeout = props.shortTaskTimeout ?? SHORT_TASK_TIMEOUT;
  const payload = sfn.TaskInput.fromObject({
    executionId: sfn.JsonPath.executionId,
    state: sfn.JsonPath.entirePayload,
  });

  const task = (name: WorkflowTaskName): tasks.LambdaInvoke => {
    const t = new tasks.LambdaInvoke(scope, name, {
      lambdaFunction: props.functions[name],
      payload,
      payloadResponseOnly: true,
      resultPath: RESULT_PATHS[name],
      retryOnServiceExceptions: true,
      taskTimeout: sfn.Timeout.duration(LONG_TASKS.has(name) ? longTimeout : shortTimeout),
    });
    if (name !== 'ReleaseLock' && name !== 'Complete') addRetries(name, t);
    else addThrottlingRetry(t);
    return t;
  };

  // Send, then wait for the commands' completion events (no Lambda runs meanwhile); a timeout still reads what finished.
  const sendTask = (name: 'CollectSend' | 'VerifySend'): tasks.LambdaInvoke => {
    const t = new tasks.LambdaInvoke(scope, name, {
      lambdaFunction: props.functions[name],
      integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: sfn.TaskInput.fromObject({
        executionId: sfn.JsonPath.executionId,
        state: sfn.JsonPath.entirePayload,
        taskToken: sfn.JsonPath.taskToken,
      }),
      resultPath: RESULT_PATHS[name],
      taskTimeout: sfn.Timeout.duration(props.commandWaitTimeout ?? Duration.minutes(12)),
    });
    addRetries(name, t);
    return t;
  };

  const intake = task('Intake');
  const acquireLock = task('AcquireLock');
  const collectSend = sendTask('CollectSend');
  const collect = task('Collect');
  const classify = task('Classify');
  const plan = task('Plan');
  const requestApproval = new tasks.LambdaInvoke(scope, 'RequestApproval', {
    lambdaFunction: props.functions.RequestApproval,
    integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
    payload: sfn.TaskInput.fromObject({
      executionId: sfn.JsonPath.executionId,
      state: sfn.JsonPath.entirePayload,
      taskToken: sfn.JsonPath.taskToken,
    }),
    resultPath: RESULT_PATHS.RequestApproval,
    taskTimeout: sfn.Timeout.duration(props.approvalTimeout ?? Duration.hours(1)),
  });
  addRetries('RequestApproval', requestApproval);
  const recordApproval = task('RecordApproval');
  const remediateStep = task('RemediateStep');
  const verifySend = sendTask('VerifySend');
  const verify = task('Verify');
  const escalate = task('Escalate');
  const releaseLock = task('ReleaseLock');
  const complete = task('Complete');

  // Every failure after intake still releases the lock and completes the audit record.
  for (const t of [
    acquireLock,
    collect,
    classify,
    plan,
    recordApproval,
    remediateStep,
    verify,
    escalate,
  ]) {
    t.addCatch(releaseLock, { errors: [sfn.Errors.ALL], resultPath: '$.failure' });
  }
  collectSend.addCatch(collect, {
    errors: [sfn.Errors.TIMEOUT],
    resultPath: RESULT_PATHS.CollectSend,
  });
  collectSend.addCatch(releaseLock, { errors: [sfn.Errors.ALL], resultPath: '$.failure' });
  verifySend.addCatch(verify, {
    errors: [sfn.Errors.TIMEOUT],
    resultPath: RESULT_PATHS.VerifySend,
  });
  verifySend.addCatch(releaseLock, { errors: [sfn.Errors.ALL], resultPath: '$.failure' });
  requestApproval.addCatch(recordApproval, {
    errors: [sfn.Errors.TIMEOUT],
    resultPath: '$.approvalTimeout',
  });
  requestApproval.addCatch(releaseLock, { errors: [sfn.Errors.ALL], resultPath: '$.failure' });
  releaseLock.addRetry({
    errors: [sfn.Errors.ALL],
    maxAttempts: 3,
    interval: Duration.seconds(2),
    backoffRate: 2,
  });
  releaseLock.addCatch(complete, { errors: [sfn.Errors.ALL], resultPath: '$.releaseFailure' });
  complete.addRetry({
    errors: [sfn.Errors.ALL],
    maxAttempts: 3,
    interval: Duration.seconds(2),
    backoffRate: 2,
  });

  const duplicate = new sfn.Succeed(scope, 'Duplicate', {
    comment: 'Another execution already handles this alarm',
  });
  const lockBusyWait = new sfn.Wait(scope, 'LockBusyWait', {
    time: sfn.WaitTime.duration(props.lockRetryInterval ?? Duration.seconds(30)),
  });
  const verifyWait = new sfn.Wait(scope, 'VerifyWait', {
    time: sfn.WaitTime.duration(props.verifyDelay ?? Duration.seconds(60)),
  });
  const done = new sfn.Succeed(scope, 'Done');
  const failed = new sfn.Fail(scope, 'Failed', {
    error: WORKFLOW_FAILED_ERROR,
    cause: 'A step failed; the lock was released and the failure is in the audit record',
  });
  // An escalated run fails visibly (ExecutionsFailed, the console): it ended needing a person, after Complete recorded it.
  const escalated = new sfn.Fail(scope, 'Escalated', {
    error: REMEDIATION_ESCALATED_ERROR,
    cause: ESCALATED_CAUSE,
  });

  // A run that could not give its locks back ends failed even if it remediated: later alarms on its hosts would give up busy.
  const locksNotReleased = new sfn.Fail(scope, 'LocksNotReleased', {
    error: LOCKS_NOT_RELEASED_ERROR,
    cause: LOCKS_NOT_RELEASED_CAUSE,
  });

  const hasFailed = new sfn.Choice(scope, 'HasFailed')
    .when(sfn.Condition.isPresent('$.releaseFailure'), locksNotReleased)
    .when(sfn.Condition.isPresent('$.failure'), failed)
    .when(sfn.Condition.isPresent('$.escalation'), escalated)
    .otherwise(done);
  releaseLock.next(complete);
  complete.next(hasFailed);
  escalate.next(releaseLock);

  const isCleared = new sfn.Choice(scope, 'IsCleared')
    .when(sfn.Condition.booleanEquals('$.verification.cleared', true), releaseLock)
    .otherwise(escalate);
  verifyWait.next(verifySend);
  verifySend.next(verify);
  verify.next(isCleared);

  const stepsRemaining = new sfn.Choice(scope, 'StepsRemaining')
    .when(sfn.Condition.booleanEquals('$.remediation.failed', true), escalate)
    .when(sfn.Condition.booleanEquals('$.remediation.done', true), verifyWait)
    .otherwise(remediateStep);
  remediateStep.next(stepsRemaining);

  const isApproved = new sfn.Choice(scope, 'IsApproved')
    .when(sfn.Condition.booleanEquals('$.approval.approved', true), remediateStep)
    .otherwise(releaseLock);
  requestApproval.next(recordApproval);
  recordApproval.next(isApproved);

  const routeByDecision = new sfn.Choice(scope, 'RouteByDecision')
    .when(sfn.Condition.stringEquals('$.plan.decision', 'automatic'), remediateStep)
    .when(sfn.Condition.stringEquals('$.plan.decision', 'approval'), requestApproval)
    .when(sfn.Condition.stringEquals('$.plan.decision', 'escalate'), escalate)
    .otherwise(releaseLock);

  const isLockAcquired = new sfn.Choice(scope, 'IsLockAcquired')
    .when(sfn.Condition.booleanEquals('$.lock.acquired', true), collectSend)
    .when(sfn.Condition.booleanEquals('$.lock.gaveUp', true), complete)
    .otherwise(lockBusyWait);
  lockBusyWait.next(acquireLock);
  acquireLock.next(isLockAcquired);
  collectSend.next(collect);
  collect.next(classify).next(plan).next(routeByDecision);

  const isDuplicate = new sfn.Choice(scope, 'IsDuplicate')
    .when(sfn.Condition.booleanEquals('$.intake.duplicate', true), duplicate)
    .otherwise(acquireLock);
  intake.next(isDuplicate);
  return intake;
}
