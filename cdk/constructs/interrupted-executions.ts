/**
 * Interrupted executions on AWS: a rule on the default bus (Step Functions publishes nowhere else)
 * for this state machine's executions that end FAILED, TIMED_OUT or ABORTED, invoking the
 * ExecutionInterrupted Lambda, which closes a run whose Complete step never wrote its outcome
 * (core/workflow/close-interrupted-execution.ts). The rule cannot tell such a run from one that
 * completed and then failed on purpose (the workflow's own `Failed` state): the Lambda reads the
 * trail, leaves a completed run alone, and only retries the lock release of a run that ended in
 * `LocksNotReleased`.
 * https://docs.aws.amazon.com/step-functions/latest/dg/eventbridge-integration.html
 */
import { Duration } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import {
  ENDED_UNFINISHED_STATUSES,
  SFN_EVENT_SOURCE,
  SFN_STATUS_DETAIL_TYPE,
} from '../../lambdas/core/workflow/execution-status-event.js';
import { ENV } from '../../lambdas/handlers/environment.js';
import { DefaultBusEventHandler } from './default-bus-event-handler.js';
import type { PortResources } from './port-bindings.js';

/** Props of {@link InterruptedExecutions}. */
export interface InterruptedExecutionsProps {
  /** The workflow whose ended executions are closed. */
  readonly stateMachine: sfn.IStateMachine;
  /** What the Lambda's ports bind to (audit and state tables, the bus). */
  readonly resources: PortResources;
  /** The workflow settings (JSON of Partial<WorkflowConfig>): the status event's mode and deployment. */
  readonly workflowConfig: string;
  /** Key of the function's log group. */
  readonly logKey: kms.IKey;
  /** Reserved concurrency of the function. @default none */
  readonly reservedConcurrentExecutions?: number;
}

/** The rule and the ExecutionInterrupted Lambda. */
export class InterruptedExecutions extends DefaultBusEventHandler {
  constructor(scope: Construct, id: string, props: InterruptedExecutionsProps) {
    super(scope, id, {
      handler: 'ExecutionInterrupted',
      resources: props.resources,
      logKey: props.logKey,
      ...(props.reservedConcurrentExecutions !== undefined
        ? { reservedConcurrentExecutions: props.reservedConcurrentExecutions }
        : {}),
      functionSettings: {
        // Shorter than the closing claim (CLOSING_CLAIM_SECONDS), so a crashed attempt's claim is gone by Lambda's first retry.
        timeout: Duration.seconds(30),
        environment: {
          [ENV.config]: props.workflowConfig,
          [ENV.stateMachineArn]: props.stateMachine.stateMachineArn,
        },
      },
      description:
        'A Paramedic execution ended without succeeding: close it as interrupted if it wrote no outcome',
      eventPattern: {
        source: [SFN_EVENT_SOURCE],
        detailType: [SFN_STATUS_DETAIL_TYPE],
        detail: {
          stateMachineArn: [props.stateMachine.stateMachineArn],
          status: [...ENDED_UNFINISHED_STATUSES],
        },
      },
      // Step Functions delivers these best effort; a lost one leaves the run open on the trail (see the README).
      maxEventAge: Duration.hours(6),
    });
  }
}
