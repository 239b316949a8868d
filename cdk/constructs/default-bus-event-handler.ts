/**
 * A Lambda of EVENT_HANDLERS invoked by a rule on the default bus: where AWS services publish their
 * own events (SSM command status, Step Functions execution status), which nothing else delivers.
 * The rule retries a failed invocation; each use says how old an event may still be worth handling.
 */
import type { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { EVENT_HANDLERS } from '../../lambdas/handlers/environment.js';
import { HouseFunction, type HouseFunctionProps } from './house-function.js';
import { bindPorts, type PortResources } from './port-bindings.js';

/** Props of {@link DefaultBusEventHandler}. */
export interface DefaultBusEventHandlerProps {
  /** Which declared event handler runs (its file and ports come from EVENT_HANDLERS). */
  readonly handler: keyof typeof EVENT_HANDLERS;
  /** What the Lambda's ports bind to. */
  readonly resources: PortResources;
  /** Key of the function's log group. */
  readonly logKey: kms.IKey;
  /** Reserved concurrency of the function. @default none */
  readonly reservedConcurrentExecutions?: number;
  /** The function's own timeout and environment, where the handler needs them. */
  readonly functionSettings?: Pick<HouseFunctionProps, 'timeout' | 'environment'>;
  /** What the rule matches and says it is for. */
  readonly description: string;
  readonly eventPattern: events.EventPattern;
  /** How old an event may be and still be delivered (8 retries either way). */
  readonly maxEventAge: Duration;
}

/** The rule and its Lambda. */
export class DefaultBusEventHandler extends Construct {
  /** The handler Lambda. */
  public readonly function: HouseFunction;
  /** The rule on the default bus. */
  public readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: DefaultBusEventHandlerProps) {
    super(scope, id);
    const declared = EVENT_HANDLERS[props.handler];
    this.function = new HouseFunction(this, 'Function', {
      entry: `lambdas/handlers/${declared.file}`,
      shipRunbooks: false,
      logKey: props.logKey,
      ...props.functionSettings,
      ...(props.reservedConcurrentExecutions !== undefined
        ? { reservedConcurrentExecutions: props.reservedConcurrentExecutions }
        : {}),
    });
    bindPorts(this.function, declared.ports, props.resources);
    this.rule = new events.Rule(this, 'Rule', {
      description: props.description,
      eventPattern: props.eventPattern,
      targets: [
        new targets.LambdaFunction(this.function, {
          retryAttempts: 8,
          maxEventAge: props.maxEventAge,
        }),
      ],
    });
  }
}
