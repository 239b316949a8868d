/**
 * The remediation workflow, one definition for alarms and manual runs, written with CDK constructs
 * in JSONPath (not JSONata) so the very same ASL also runs locally under aws-local-stepfunctions.
 *
 * Intake -> IsDuplicate -> AcquireLock (LockBusyWait loop) -> CollectSend (waitForTaskToken) -> Collect -> Classify -> Plan ->
 * RouteByDecision: automatic -> RemediateStep loop | approval -> RequestApproval (waitForTaskToken)
 * -> RecordApproval -> IsApproved (timed out -> Escalate) | escalate -> Escalate | otherwise report -> ...
 * RemediateStep loop -> VerifyWait -> VerifySend (waitForTaskToken) -> Verify -> IsCleared (or Escalate)
 * -> ReleaseLock -> Complete -> HasFailed: `LocksNotReleased` (ReleaseLock failed) | `Failed` (a step failed)
 * | `Escalated` (a person must act) | `Done`.
 * CollectSend and VerifySend send the SSM collectors and return; the last command's completion event
 * resumes them (lambdas/core/collection/command-wait.ts). On States.Timeout they go on to the read
 * Task anyway, which reads what finished and cancels the rest: the wall time is the slowest host's.
 * Every Task after Intake catches States.ALL into `$.failure` and goes to ReleaseLock, so the
 * per-target lock is released and the failure recorded on every path; RemediateStep, VerifySend and
 * Verify, which come after a host may have changed, go through Escalate first (it rolls back). Intake has no Catch: before it
 * nothing is locked or recorded, and a run that fails there is closed on the trail by
 * ExecutionInterrupted (cdk/constructs/interrupted-executions.ts) and counted by the ExecutionsFailed
 * alarm; its throttling is retried long enough to outlast a storm (THROTTLE_RETRY). ReleaseLock releases every
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
  /**
   * How long CollectSend and VerifySend wait for the completion events before their read Task runs
   * anyway: the collectors' timeout plus delivery grace (commandWaitSeconds). Must be shorter than the
   * execution's timeout. The send functions' own timeout follows from it ({@link taskFunctionTimeout}).
   * @default 12 minutes
   */
  readonly commandWaitTimeout?: Duration;
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

/**
 * Tasks that go over every target of the run, sized for maxTargetsPerExecution (1,000) hosts:
 * Collect and Verify read each host's result and store its bundle, RemediateStep waits for its
 * commands, Classify reads and classifies every stored bundle (up to 1 MiB each, ~13 ms of
 * classifier CPU a MiB at one vCPU, ~45 ms at 512 MB), Plan reads the planned targets' bundles for the preconditions
 * and asks the hosts for a dry run. A short Task's minute is a fleet's S3 latency alone.
 */
const LONG_TASKS = new Set<WorkflowTaskName>([
  'Collect',
  'Verify',
  'RemediateStep',
  'Classify',
  'Plan',
]);
/** The Tasks that send commands and wait for their completion events (waitForTaskToken). */
const SEND_TASKS = new Set<WorkflowTaskName>(['CollectSend', 'VerifySend']);
const LONG_TASK_TIMEOUT = Duration.minutes(14);
const SHORT_TASK_TIMEOUT = Duration.minutes(1);
const COMMAND_WAIT_TIMEOUT = Duration.minutes(12);

/** The Task timeouts a deployment sets (the others are fixed here). */
export type TaskTimeouts = Pick<WorkflowDefinitionProps, 'commandWaitTimeout'>;

/**
 * A Task's own timeout (its `TimeoutSeconds`), the one source of truth its function's timeout is
 * taken from. RequestApproval waits for a person (`approvalTimeout`); this is its function's Task
 * budget, the time to announce the request.
 */
export function taskTimeout(name: WorkflowTaskName, timeouts: TaskTimeouts = {}): Duration {
  if (SEND_TASKS.has(name)) return timeouts.commandWaitTimeout ?? COMMAND_WAIT_TIMEOUT;
  return LONG_TASKS.has(name) ? LONG_TASK_TIMEOUT : SHORT_TASK_TIMEOUT;
}

/**
 * How long a Task's function may run: a few seconds less than its Task waits ({@link taskTimeout}).
 * Step Functions starts the Task's clock before the function starts (scheduling, cold start), so
 * a function as long as its Task outlives the Task's timeout: the Catch has already released the
 * run's locks while the function goes on taking a lock or acting on a host. A function that times
 * out first is dead when the Task fails (Sandbox.Timedout, not retried, like States.Timeout). The
 * send halves too: their Task's clock (the command wait) runs while they send, and a sender still
 * sending when it ran out would reach hosts after Collect found "no commands registered" and the
 * locks were released; the SSM runner stops sending at the function's own deadline.
 */
export function taskFunctionTimeout(name: WorkflowTaskName, timeouts: TaskTimeouts = {}): Duration {
  const task = taskTimeout(name, timeouts);
  const margin = LONG_TASKS.has(name) || SEND_TASKS.has(name) ? 15 : 5;
  return Duration.seconds(task.toSeconds() - margin);
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
 * to the trail and RemediateStep may have changed a host before it threw: they are not retried;
 * Classify's and Plan's failure goes to ReleaseLock, RemediateStep's to Escalate (it rolls back).
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
  // Intake recorded the refusal; a retry would only be refused again (and record it twice).
  'AlarmRefusedError',
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
 * Lambda throttling, retried until a slot is likely free. Every function has reserved concurrency
 * (deployment config `reservedConcurrency`, 20 by default), and in an alarm storm the 21st run's
 * call is refused while 20 others hold their slots, a long Task's for up to its function timeout
 * (825 s). Full jitter waits a random part of each interval (so the runs do not retry in step):
 * the expected wait is half the intervals' sum, here more than twice the longest slot, so a run
 * waits out a storm instead of failing (or, at Intake, never handling its alarm). 26 attempts,
 * 2 s doubling to 3 min: ~31 minutes expected, ~61 at most, well inside the execution's 2 days.
 */
const THROTTLE_RETRY = {
  interval: Duration.seconds(2),
  maxAttempts: 26,
  backoffRate: 2,
  maxDelay: Duration.minutes(3),
} as const;

/**
 * Throttling first and on its own: reserved concurrency is small, and an alarm storm throttles
 * ReleaseLock and Complete as much as any Task; their own retries (below) are for their errors.
 */
function addThrottlingRetry(t: tasks.LambdaInvoke): void {
  t.addRetry({
    errors: ['Lambda.TooManyRequestsException'],
    ...THROTTLE_RETRY,
    jitterStrategy: sfn.JitterType.FULL,
  });
}

/** Builds the workflow's states in `scope` and returns the start of the chain. */
export function buildWorkflowDefinition(
  scope: Construct,
  props: WorkflowDefinitionProps,
): sfn.IChainable {
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
      taskTimeout: sfn.Timeout.duration(taskTimeout(name)),
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
      taskTimeout: sfn.Timeout.duration(taskTimeout(name, props)),
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

  // Every failure after intake still releases the lock and completes the audit record. Before
  // RemediateStep no host was changed: straight to ReleaseLock.
  for (const t of [acquireLock, collect, classify, plan, recordApproval, escalate]) {
    t.addCatch(releaseLock, { errors: [sfn.Errors.ALL], resultPath: '$.failure' });
  }
  // From RemediateStep on, a host may have been changed (a node cordoned, not yet drained): an
  // error goes through Escalate, which undoes the completed steps that have an inverse (and a step
  // that started without recording its outcome) and tells people, then ReleaseLock. `$.failure`
  // leaves `$.remediation` (what Escalate undoes) as it was, and makes HasFailed end the run Failed.
  // Escalate's own error still goes to ReleaseLock (above).
  for (const t of [remediateStep, verify]) {
    t.addCatch(escalate, { errors: [sfn.Errors.ALL], resultPath: '$.failure' });
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
  verifySend.addCatch(escalate, { errors: [sfn.Errors.ALL], resultPath: '$.failure' });
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

  // An approval nobody answered escalates (the run ends Escalated, so ExecutionsFailed counts it):
  // the incident is still there and nobody was told. A rejection was a person's answer: it ends.
  const isApproved = new sfn.Choice(scope, 'IsApproved')
    .when(sfn.Condition.booleanEquals('$.approval.approved', true), remediateStep)
    .when(
      sfn.Condition.and(
        sfn.Condition.isPresent('$.approval.timedOut'),
        sfn.Condition.booleanEquals('$.approval.timedOut', true),
      ),
      escalate,
    )
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
