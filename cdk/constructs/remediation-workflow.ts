/**
 * The Standard state machine running the workflow definition (cdk/workflow/), with full logging
 * and X-Ray. The same definition renders locally through renderWorkflowAsl().
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { WorkflowTaskName } from '../../lambdas/core/workflow/task-names.js';
import { buildWorkflowDefinition } from '../workflow/workflow-definition.js';

/** Props of the workflow. */
export interface RemediationWorkflowProps {
  /** The Lambda behind each Task state. */
  readonly functions: Readonly<Record<WorkflowTaskName, IFunction>>;
  /** @default 1 hour */
  readonly approvalTimeout?: Duration;
  /** @default 30 seconds */
  readonly lockRetryInterval?: Duration;
  /** @default 60 seconds */
  readonly verifyDelay?: Duration;
  /** How long CollectSend/VerifySend wait for SSM's completion events; shorter than the execution's timeout. @default 12 minutes */
  readonly commandWaitTimeout?: Duration;
  /** @default 90 days */
  readonly logRetention?: logs.RetentionDays;
  readonly logKey?: kms.IKey;
}

/**
 * The execution timeout: never shorter than the approval it may wait for plus a day for every
 * other step (lock waits, collection, remediation, verification), so `approvalTimeoutMinutes`
 * (up to 7 days) can never outlast the execution that waits for it. @default 2 days at least
 */
export function executionTimeoutFor(approvalTimeout: Duration = Duration.hours(1)): Duration {
  return Duration.minutes(
    Math.max(
      Duration.days(2).toMinutes(),
      approvalTimeout.toMinutes() + Duration.days(1).toMinutes(),
    ),
  );
}

/** Standard workflow with logging ALL and tracing. */
export class RemediationWorkflow extends Construct {
  /** The state machine. */
  public readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: RemediationWorkflowProps) {
    super(scope, id);
    const timeout = executionTimeoutFor(props.approvalTimeout);
    if (props.commandWaitTimeout && props.commandWaitTimeout.toSeconds() >= timeout.toSeconds()) {
      throw new Error(
        `commandWaitTimeout (${props.commandWaitTimeout.toSeconds()} s) must be shorter than the execution timeout (${timeout.toSeconds()} s): lower the collectors' timeout`,
      );
    }
    const logGroup = new logs.LogGroup(this, 'ExecutionLogs', {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
      ...(props.logKey ? { encryptionKey: props.logKey } : {}),
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(
        buildWorkflowDefinition(this, {
          functions: props.functions,
          ...(props.approvalTimeout ? { approvalTimeout: props.approvalTimeout } : {}),
          ...(props.lockRetryInterval ? { lockRetryInterval: props.lockRetryInterval } : {}),
          ...(props.verifyDelay ? { verifyDelay: props.verifyDelay } : {}),
          ...(props.commandWaitTimeout ? { commandWaitTimeout: props.commandWaitTimeout } : {}),
        }),
      ),
      timeout,
      tracingEnabled: true,
      // Every event (its type, state and time) is logged, not the data: the data carries the token
      // of each waiting Task (approval, collectors), which anyone allowed states:SendTaskSuccess can
      // resume with; log readers need not hold them. Inputs and outputs stay in the execution history
      // (states:GetExecutionHistory, the console) and what matters of them in the audit trail.
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
  }
}
