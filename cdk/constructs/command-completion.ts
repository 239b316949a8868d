/**
 * SSM completion by event: a rule on the default bus (SSM publishes nowhere else) for the terminal
 * "EC2 Command Status-change Notification" of this deployment's documents, invoking the
 * CommandCompleted Lambda, which marks the command done and resumes the waiting CollectSend or
 * VerifySend Task when it was the last one (SendTaskSuccess: granted by the pipeline stack once the
 * state machine exists, grantTaskCallbacks).
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/monitoring-systems-manager-event-examples.html
 */
import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { SSM_RUNNER_ENV } from '../../lambdas/adapters/ssm/ssm-runner-environment.js';
import {
  COMMAND_STATUS_DETAIL_TYPE,
  TERMINAL_COMMAND_STATUSES,
} from '../../lambdas/core/collection/command-completion.js';
import { DefaultBusEventHandler } from './default-bus-event-handler.js';
import type { PortResources } from './port-bindings.js';

/** Props of {@link CommandCompletion}. */
export interface CommandCompletionProps {
  /** The deployment's document prefix (`Paramedic-` or `Paramedic-<name>-`): only its commands are marked. */
  readonly documentPrefix: string;
  /** What the Lambda's ports bind to (the state table). */
  readonly resources: PortResources;
  /** Key of the function's log group. */
  readonly logKey: kms.IKey;
  /** Reserved concurrency of the function. @default none */
  readonly reservedConcurrentExecutions?: number;
}

/** The rule and the CommandCompleted Lambda. */
export class CommandCompletion extends DefaultBusEventHandler {
  constructor(scope: Construct, id: string, props: CommandCompletionProps) {
    super(scope, id, {
      handler: 'CommandCompleted',
      resources: props.resources,
      logKey: props.logKey,
      ...(props.reservedConcurrentExecutions !== undefined
        ? { reservedConcurrentExecutions: props.reservedConcurrentExecutions }
        : {}),
      functionSettings: { environment: { [SSM_RUNNER_ENV.documentPrefix]: props.documentPrefix } },
      description: 'Terminal status of a Paramedic SSM command: mark it done for the waiting step',
      eventPattern: {
        source: ['aws.ssm'],
        detailType: [COMMAND_STATUS_DETAIL_TYPE],
        detail: {
          'document-name': events.Match.prefix(props.documentPrefix),
          status: [...TERMINAL_COMMAND_STATUSES],
        },
      },
      // A lost event costs the wait its timeout, after which the read runs anyway: retries are enough (no DLQ).
      maxEventAge: Duration.hours(1),
    });
  }
}
