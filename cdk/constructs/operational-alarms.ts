/**
 * Alarms on Paramedic itself, so a broken pipeline is noticed before the next incident needs it:
 * executions that failed or timed out, Lambda errors and throttles, and any message in a
 * dead-letter queue (an alarm or run request that never started a workflow). Each alarm notifies
 * the given topic; missing data (no executions) is not a breach.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

/** Props of the operational alarms. */
export interface OperationalAlarmsProps {
  readonly stateMachine: sfn.IStateMachine;
  /** Functions by a short name used in the alarm descriptions. */
  readonly functions: Readonly<Record<string, lambda.IFunction>>;
  /**
   * The Escalate step's function: every invocation is an escalated run. Escalated executions end in
   * the `Escalated` Fail state (error RemediationEscalated), so they count in ExecutionsFailed too;
   * this alarm fires as soon as escalation starts and says it is an incident for a person, not a
   * broken pipeline (Step Functions' metrics carry no error name to tell the two apart).
   * @default no escalation alarm
   */
  readonly escalateFunction?: lambda.IFunction;
  /** Dead-letter queues by a short name. */
  readonly deadLetterQueues: Readonly<Record<string, sqs.IQueue>>;
  /** Where the alarms notify. @default no action (the alarms still show in the console) */
  readonly topic?: sns.ITopic;
}

const PERIOD = Duration.minutes(5);

/** One alarm per failure signal. */
export class OperationalAlarms extends Construct {
  /** Every alarm created, by construct id. */
  public readonly alarms: ReadonlyMap<string, cloudwatch.Alarm>;

  constructor(scope: Construct, id: string, props: OperationalAlarmsProps) {
    super(scope, id);
    const alarms = new Map<string, cloudwatch.Alarm>();
    const add = (alarmId: string, metric: cloudwatch.IMetric, description: string): void => {
      const alarm = new cloudwatch.Alarm(this, alarmId, {
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: `Paramedic: ${description}`,
      });
      if (props.topic) alarm.addAlarmAction(new actions.SnsAction(props.topic));
      alarms.set(alarmId, alarm);
    };
    add(
      'ExecutionsFailed',
      props.stateMachine.metricFailed({ period: PERIOD, statistic: 'Sum' }),
      'a workflow execution failed; open it in the Step Functions console: error RemediationEscalated is an incident a person must handle (the Escalations alarm fires too), any other error is a broken step to fix',
    );
    add(
      'ExecutionsTimedOut',
      props.stateMachine.metricTimedOut({ period: PERIOD, statistic: 'Sum' }),
      'a workflow execution timed out; its lock is released only when the lock expires',
    );
    for (const [name, fn] of Object.entries(props.functions)) {
      add(
        `${name}Errors`,
        fn.metricErrors({ period: PERIOD, statistic: 'Sum' }),
        `the ${name} function raised errors; read its log group`,
      );
      add(
        `${name}Throttles`,
        fn.metricThrottles({ period: PERIOD, statistic: 'Sum' }),
        `the ${name} function was throttled; raise reservedConcurrency in the config`,
      );
    }
    if (props.escalateFunction)
      add(
        'Escalations',
        props.escalateFunction.metricInvocations({ period: PERIOD, statistic: 'Sum' }),
        "a remediation escalated (a fix failed, did not help, or the runbook asks for a person); read the escalation notification and the execution's audit trail",
      );
    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      add(
        `${name}DeadLetters`,
        queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' }),
        `${name}: an event never reached the workflow; read the message in the dead-letter queue and start the run by hand`,
      );
    }
    this.alarms = alarms;
  }
}
