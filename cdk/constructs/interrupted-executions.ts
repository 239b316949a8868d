/**
 * Interrupted executions on AWS: a rule on the default bus (Step Functions publishes nowhere else)
 * for this state machine's executions that end FAILED, TIMED_OUT or ABORTED, invoking the
 * ExecutionInterrupted Lambda, which closes a run whose Complete step never wrote its outcome
 * (core/workflow/close-interrupted-execution.ts). A run that completed (the workflow's own `Failed`
 * state) is left alone by the Lambda: the rule cannot tell the two apart.
 * https://docs.aws.amazon.com/step-functions/latest/dg/eventbridge-integration.html
 */
import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { ENDED_UNFINISHED_STATUSES, SFN_EVENT_SOURCE, SFN_STATUS_DETAIL_TYPE } from '../../lambdas/core/workflow/execution-status-event.js';
import { ENV, EVENT_HANDLERS } from '../../lambdas/handlers/environment.js';
import { HouseFunction } from './house-function.js';
import { bindPorts, type PortResources } from './port-bindings.js';

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
export class InterruptedExecutions extends Construct {
  /** Closes ended executions that wrote no outcome. */
  public readonly function: HouseFunction;
  /** The rule on the default bus. */
  public readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: InterruptedExecutionsProps) {
    super(scope, id);
    const declared = EVENT_HANDLERS.ExecutionInterrupted;
    this.function = new HouseFunction(this, 'Function', {
      entry: `lambdas/handlers/${declared.file}`, shipRunbooks: false, logKey: props.logKey,
      // Shorter than the closing claim (CLOSING_CLAIM_SECONDS), so a crashed attempt's claim is gone by Lambda's first retry.
      timeout: Duration.seconds(30),
      environment: { [ENV.config]: props.workflowConfig, [ENV.stateMachineArn]: props.stateMachine.stateMachineArn },
      ...(props.reservedConcurrentExecutions !== undefined ? { reservedConcurrentExecutions: props.reservedConcurrentExecutions } : {}),
    });
    bindPorts(this.function, declared.ports, props.resources);
    this.rule = new events.Rule(this, 'Rule', {
      description: 'A Paramedic execution ended without succeeding: close it as interrupted if it wrote no outcome',
      eventPattern: {
        source: [SFN_EVENT_SOURCE], detailType: [SFN_STATUS_DETAIL_TYPE],
        detail: { stateMachineArn: [props.stateMachine.stateMachineArn], status: [...ENDED_UNFINISHED_STATUSES] },
      },
      // Step Functions delivers these best effort; a lost one leaves the run open on the trail (see the README).
      targets: [new targets.LambdaFunction(this.function, { retryAttempts: 8, maxEventAge: Duration.hours(6) })],
    });
  }
}
