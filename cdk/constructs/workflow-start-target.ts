/**
 * The one way an EventBridge rule starts the workflow: a Step Functions target that retries for
 * two hours and then parks the event in an encrypted dead-letter queue (watched by the
 * operational alarms), so an alarm or a run request is never silently lost.
 */
import { Duration } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';

/** A rule target that starts the workflow, and the queue its undeliverable events land in. */
export interface WorkflowStartTarget {
  readonly target: targets.SfnStateMachine;
  readonly deadLetterQueue: sqs.Queue;
}

/**
 * Creates the dead-letter queue `DeadLetters` under `scope` and the target using it.
 * @param input what the execution receives. @default the whole event
 */
export function workflowStartTarget(
  scope: Construct,
  stateMachine: sfn.IStateMachine,
  encryptionKey: kms.IKey,
  input?: events.RuleTargetInput,
): WorkflowStartTarget {
  const deadLetterQueue = new sqs.Queue(scope, 'DeadLetters', {
    retentionPeriod: Duration.days(14),
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: encryptionKey,
    enforceSSL: true,
  });
  const target = new targets.SfnStateMachine(stateMachine, {
    ...(input ? { input } : {}),
    deadLetterQueue,
    retryAttempts: 8,
    maxEventAge: Duration.hours(2),
  });
  return { target, deadLetterQueue };
}
