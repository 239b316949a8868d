/**
 * The EventBridge bus Paramedic publishes its execution events on (created, or an existing one
 * imported by name) and the rule that turns a "Paramedic Runbook Run Requested" event into a
 * workflow execution whose input is the event's detail, the same input StartExecution takes, so
 * it goes through the same Intake. Failed deliveries land in a dead-letter queue.
 */
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { EVENT_PUBLISHER_IAM_ACTIONS } from '../../lambdas/adapters/eventbridge/event-publisher.js';
import { runRequestPattern } from '../../lambdas/core/events/execution-events.js';
import { workflowStartTarget } from './workflow-start-target.js';

/** Props of the Paramedic bus. */
export interface ParamedicEventBusProps {
  /** Name of the bus to create, or of the existing bus when `importExisting`. */
  readonly busName: string;
  /** Use an existing bus instead of creating one. @default false */
  readonly importExisting?: boolean;
  /** Key of the dead-letter queue (its policy must allow events.amazonaws.com: cdk/stacks/state-stack.ts). */
  readonly encryptionKey: kms.IKey;
}

/**
 * Bus + run-request rule + its dead-letter queue. The bus exists before the functions (their
 * `events` port binds to it) and the rule after the workflow it starts: {@link startRunsOn}.
 */
export class ParamedicEventBus extends Construct {
  /** The bus events are published on and run requests are read from. */
  public readonly bus: events.IEventBus;
  private readonly encryptionKey: kms.IKey;
  private runRequests?: { readonly rule: events.Rule; readonly deadLetterQueue: sqs.Queue };

  constructor(scope: Construct, id: string, props: ParamedicEventBusProps) {
    super(scope, id);
    this.encryptionKey = props.encryptionKey;
    this.bus = props.importExisting
      ? events.EventBus.fromEventBusName(this, 'Bus', props.busName)
      : new events.EventBus(this, 'Bus', {
          eventBusName: props.busName,
          description: 'Paramedic execution events and run requests',
        });
  }

  /** Adds the rule that starts `stateMachine` on each "Paramedic Runbook Run Requested" event (once). */
  startRunsOn(stateMachine: sfn.IStateMachine): void {
    if (this.runRequests)
      throw new Error(
        'ParamedicEventBus: the run-request rule already starts a workflow; call startRunsOn once',
      );
    const { target, deadLetterQueue } = workflowStartTarget(
      this,
      stateMachine,
      this.encryptionKey,
      events.RuleTargetInput.fromEventPath('$.detail'),
    );
    const pattern = runRequestPattern();
    const rule = new events.Rule(this, 'RunRequested', {
      eventBus: this.bus,
      description:
        'Paramedic: a manual run requested on the bus starts the workflow (same input as StartExecution)',
      eventPattern: { source: [...pattern.source], detailType: [...pattern.detailType] },
      targets: [target],
    });
    this.runRequests = { rule, deadLetterQueue };
  }

  /** "Paramedic Runbook Run Requested" -> StartExecution with the detail as input. */
  get runRequestRule(): events.Rule {
    return this.requireRunRequests().rule;
  }

  /** Run requests EventBridge could not hand to Step Functions. */
  get deadLetterQueue(): sqs.Queue {
    return this.requireRunRequests().deadLetterQueue;
  }

  private requireRunRequests(): NonNullable<ParamedicEventBus['runRequests']> {
    if (!this.runRequests)
      throw new Error(
        'ParamedicEventBus: call startRunsOn(stateMachine) before reading the run-request rule',
      );
    return this.runRequests;
  }

  /** Lets `grantee` publish on the bus: exactly the actions the publisher adapter calls. */
  grantPublish(grantee: iam.IGrantable): void {
    iam.Grant.addToPrincipal({
      grantee,
      actions: [...EVENT_PUBLISHER_IAM_ACTIONS],
      resourceArns: [this.bus.eventBusArn],
    });
  }
}
