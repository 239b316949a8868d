/**
 * Every cdk-nag (AwsSolutions) acknowledgement of the app, in one place, each with its reason.
 * cdk-nag 3 matches acknowledgements by exact finding id, and ids embed resolved resource names
 * (`<LogicalId.Arn>`, cross-stack export names): {@link nagResource} computes them from the
 * constructs (cross-stack ones through `exportValue`, which returns the very export CDK creates for
 * the reference), so renaming a construct cannot silently widen or break an acknowledgement.
 */
import { type Stack, Token, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { WORKFLOW_TASK_NAMES } from '../lambdas/core/workflow/task-names.js';
import { instanceArnPattern } from './constructs/command-documents.js';
import { nodegroupArnPattern } from './constructs/remediation-permissions.js';
import { alarmArnPattern } from './constructs/port-bindings.js';
import type { PipelineStack } from './stacks/pipeline-stack.js';
import type { SpokeStack } from './stacks/spoke-stack.js';
import type { StateStack } from './stacks/state-stack.js';

/** How cdk-nag prints a resource token inside a finding id. */
export function nagResource(stack: Stack, value: string): string {
  const fmt = (v: unknown): string => {
    if (typeof v === 'string') return v;
    const o = v as Record<string, unknown>;
    if ('Fn::Join' in o) {
      const [sep, parts] = o['Fn::Join'] as [string, unknown[]];
      return parts.map(fmt).join(sep);
    }
    if ('Fn::GetAtt' in o) return `<${(o['Fn::GetAtt'] as string[]).join('.')}>`;
    if ('Ref' in o) return `<${o.Ref as string}>`;
    if ('Fn::ImportValue' in o) return fmt(o['Fn::ImportValue']);
    return JSON.stringify(v);
  };
  return Token.isUnresolved(value) ? fmt(stack.resolve(value)) : value;
}

const IAM5 = (what: string): string => `AwsSolutions-IAM5[${what}]`;

function ack(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

/** Acknowledges the findings we accept, with reasons. */
export function acknowledgeFindings({
  state,
  pipeline,
  spoke,
}: {
  state: StateStack;
  pipeline: PipelineStack;
  spoke?: SpokeStack;
}): void {
  if (spoke) acknowledgeSpokeFindings(spoke);
  for (const role of pipeline.spokeAccess?.assumableRoleArns ?? [])
    ack(
      pipeline,
      IAM5(`Resource::${nagResource(pipeline, role)}`),
      'The spoke role exists once per region of a spoke account (paramedic-spoke-<region>); the role itself trusts only these functions, with the ExternalId',
    );
  // Stack-wide, Pipeline.
  ack(
    pipeline,
    'AwsSolutions-L1',
    'Node.js 22 is the runtime the toolchain and tests target (TOOLCHAIN.md); move to 24 with the dev toolchain',
  );
  ack(
    pipeline,
    IAM5('Resource::*'),
    'X-Ray PutTraceSegments/PutTelemetryRecords have no resource; ssm:GetCommandInvocation/ListCommandInvocations/CancelCommand have no command ARN; autoscaling:Describe* and ec2:Describe* are not resource-scoped; autoscaling:TerminateInstanceInAutoScalingGroup is limited by a resource-tag condition; Step Functions log delivery needs "*"; functions placed in a VPC for private EKS endpoints manage their ENIs (ec2:*NetworkInterface*, as AWSLambdaVPCAccessExecutionRole)',
  );
  for (const a of ['kms:GenerateDataKey*', 'kms:ReEncrypt*'])
    ack(
      pipeline,
      IAM5(`Action::${a}`),
      'CDK grant on the project CMK that encrypts the tables, bucket, topic and logs; limited to that one key',
    );
  for (const a of ['s3:Abort*', 's3:GetBucket*', 's3:GetObject*', 's3:List*'])
    ack(
      pipeline,
      IAM5(`Action::${a}`),
      'CDK bucket grant (read / put) limited to the evidence bucket and its objects',
    );
  ack(
    pipeline,
    IAM5(`Resource::${nagResource(pipeline, state.exportValue(state.evidenceBucket.bucketArn))}/*`),
    'Evidence objects are keyed by execution and target, unknown at deploy time; limited to the evidence bucket',
  );
  ack(
    pipeline,
    IAM5(
      `Resource::${nagResource(pipeline, state.exportValue(state.auditStore.auditTable.tableArn))}/index/*`,
    ),
    'Queries on the audit GSIs (by execution, target, runbook, outcome, time)',
  );
  ack(
    pipeline,
    IAM5(`Resource::${nagResource(pipeline, instanceArnPattern(pipeline))}`),
    'ssm:SendCommand targets any managed instance an alarm names; what may run is limited by the document ARNs in the same statement',
  );
  ack(
    pipeline,
    IAM5(`Resource::${nagResource(pipeline, alarmArnPattern(pipeline))}`),
    'Intake confirms, and Verification reads, the state of whichever alarm started the execution (read-only DescribeAlarms, DescribeAlarmHistory)',
  );
  for (const task of WORKFLOW_TASK_NAMES) {
    const fn = pipeline.functions[task];
    ack(
      pipeline,
      IAM5(`Resource::${nagResource(pipeline, fn.functionArn)}:*`),
      'Step Functions invokes the workflow functions including their versions/aliases (LambdaInvoke grant)',
    );
    ack(
      pipeline,
      IAM5(`Resource::${nagResource(pipeline, fn.functionLogGroup.logGroupArn)}:*`),
      "Log streams of the function's own log group",
    );
  }
  for (const fn of [
    pipeline.approveFunction,
    pipeline.commandCompletion.function,
    pipeline.interruptedExecutions.function,
  ]) {
    ack(
      pipeline,
      IAM5(`Resource::${nagResource(pipeline, fn.functionLogGroup.logGroupArn)}:*`),
      "Log streams of the function's own log group",
    );
  }
  for (const cluster of pipeline.eksClusters) {
    ack(
      pipeline,
      IAM5(`Resource::${nagResource(pipeline, nodegroupArnPattern(pipeline, cluster))}`),
      `nodegroup-scale-up acts on the node groups of configured cluster ${cluster}, whose names are read at run time`,
    );
  }
  ack(
    pipeline.intake.deadLetterQueue,
    'AwsSolutions-SQS3',
    'This queue is the dead-letter queue of the alarm rule target',
  );
  ack(
    pipeline.events.deadLetterQueue,
    'AwsSolutions-SQS3',
    'This queue is the dead-letter queue of the run-request rule target',
  );
  // State stack.
  ack(
    state.instanceOutputPolicy,
    IAM5(`Resource::${nagResource(state, state.evidenceBucket.arnForObjects('ssm-output/*'))}`),
    "The SSM agent writes each command's output under ssm-output/<command>/<instance>/, unknown in advance",
  );
  ack(
    state.accessLogBucket,
    'AwsSolutions-S1',
    'This is the access-log bucket; logging it into itself would loop',
  );
}

/** The spoke stack's accepted findings. */
function acknowledgeSpokeFindings(spoke: SpokeStack): void {
  ack(
    spoke,
    IAM5('Resource::*'),
    'autoscaling:Describe*, ec2:DescribeInstances and ssm:GetCommandInvocation/ListCommandInvocations/CancelCommand are not resource-scoped; autoscaling:TerminateInstanceInAutoScalingGroup is limited by a resource-tag condition',
  );
  ack(
    spoke,
    IAM5(`Resource::${nagResource(spoke, instanceArnPattern(spoke))}`),
    'ssm:SendCommand targets any managed instance an alarm names; only the tagged ones, and only the documents named in the same grant',
  );
  ack(
    spoke,
    IAM5(`Resource::${nagResource(spoke, alarmArnPattern(spoke))}`),
    "The hub confirms and reads the forwarded alarm and a composite's children, whose names are any names, in this account and region only (read-only DescribeAlarms, DescribeAlarmHistory)",
  );
  ack(
    spoke,
    IAM5(`Resource::${nagResource(spoke, spoke.outputBucket.arnForObjects('ssm-output/*'))}`),
    "The SSM agent writes each command's output under ssm-output/<command>/<instance>/, unknown in advance; the hub reads it back",
  );
  for (const cluster of spoke.eksClusters)
    ack(
      spoke,
      IAM5(`Resource::${nagResource(spoke, nodegroupArnPattern(spoke, cluster))}`),
      `nodegroup-scale-up acts on the node groups of spoke cluster ${cluster}, whose names are read at run time`,
    );
  ack(
    spoke.outputBucket,
    'AwsSolutions-S1',
    "Raw SSM output, copied into the hub's evidence bundles and expired after the retention; the hub's evidence bucket keeps the access logs that matter",
  );
  ack(
    spoke.deadLetterQueue,
    'AwsSolutions-SQS3',
    'This queue is the dead-letter queue of the forwarding rule target',
  );
}
