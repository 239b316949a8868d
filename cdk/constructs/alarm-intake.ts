/**
 * EventBridge rule: CloudWatch alarm state changes into ALARM, for alarm names with one of the
 * configured prefixes, filtered in the pattern (no invocation is paid for other alarms), starting
 * the workflow directly, with a dead-letter queue for deliveries that fail.
 */
import * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { ALARM_STATE_CHANGE, INTAKE_STATES } from '../../lambdas/core/workflow/intake-filter.js';
import { workflowStartTarget } from './workflow-start-target.js';

/** Props of the alarm intake. */
export interface AlarmIntakeProps {
  /** The workflow each matching alarm starts. */
  readonly stateMachine: sfn.IStateMachine;
  /** Alarm name prefixes (at least one). */
  readonly alarmNamePrefixes: readonly string[];
  /** Key for the dead-letter queue. */
  readonly encryptionKey: kms.IKey;
  /**
   * Also start the workflow for the alarms spoke accounts forward to this bus (cdk/stacks/spoke-stack.ts).
   * @default none: only this account's default bus
   */
  readonly forwardedTo?: events.IEventBus;
}

/** The EventBridge pattern for ALARM transitions of our alarms (the core's intake filter, intake-filter.ts). */
export function alarmEventPattern(prefixes: readonly string[]): events.EventPattern {
  return {
    source: [ALARM_STATE_CHANGE.source],
    detailType: [ALARM_STATE_CHANGE.detailType],
    // A composite alarm with suppressed actions (its suppressor in ALARM, or a wait/extension period) starts nothing; Intake checks again.
    detail: {
      state: { value: [...INTAKE_STATES], actionsSuppressedBy: [{ exists: false }] },
      alarmName: prefixes.map((prefix) => ({ prefix })),
    },
  };
}

/** Rule + target + DLQ. */
export class AlarmIntake extends Construct {
  /** The rule. */
  public readonly rule: events.Rule;
  /** The rule on the hub's bus for the spokes' forwarded alarms (with `forwardedTo`). */
  public readonly forwardedRule?: events.Rule;
  /** Deliveries EventBridge could not hand to Step Functions. */
  public readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: AlarmIntakeProps) {
    super(scope, id);
    if (props.alarmNamePrefixes.length === 0)
      throw new Error(
        'AlarmIntake: give at least one alarm name prefix; an empty filter would start the workflow for every alarm',
      );
    const { target, deadLetterQueue } = workflowStartTarget(
      this,
      props.stateMachine,
      props.encryptionKey,
    );
    this.deadLetterQueue = deadLetterQueue;
    this.rule = new events.Rule(this, 'AlarmStateChange', {
      description: 'Paramedic: CloudWatch alarms entering ALARM',
      eventPattern: alarmEventPattern(props.alarmNamePrefixes),
      targets: [target],
    });
    if (props.forwardedTo) {
      this.forwardedRule = new events.Rule(this, 'ForwardedAlarmStateChange', {
        eventBus: props.forwardedTo,
        description:
          'Paramedic: CloudWatch alarms of spoke accounts entering ALARM, forwarded to this bus',
        eventPattern: alarmEventPattern(props.alarmNamePrefixes),
        targets: [target],
      });
    }
  }
}
