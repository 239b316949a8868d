/**
 * The stateless stack: one router pipeline for every runbook. Alarm intake (EventBridge), the
 * project's SSM documents, one thin Lambda per workflow step, the Standard workflow, the
 * notification topic and the approval callback Lambda.
 */
import { Arn, ArnFormat, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { ENV, IDEMPOTENT_TASKS, TASK_HANDLER_FILES } from '../../lambdas/handlers/environment.js';
import { WORKFLOW_TASK_NAMES, type WorkflowConfig, type WorkflowTaskName } from '../../lambdas/handlers/workflow-tasks.js';
import type { ParamedicConfig } from '../config.js';
import { AlarmIntake } from '../constructs/alarm-intake.js';
import { ClusterAccess } from '../constructs/cluster-access.js';
import type { AuditStore } from '../constructs/audit-store.js';
import { ActionDocuments, CollectorDocuments } from '../constructs/command-documents.js';
import { HouseFunction } from '../constructs/house-function.js';
import { remediationStatements } from '../constructs/remediation-permissions.js';
import { RemediationWorkflow } from '../constructs/remediation-workflow.js';

/** What the pipeline needs from the state stack. */
export interface PipelineStackProps extends StackProps {
  readonly config: ParamedicConfig;
  readonly key: kms.IKey;
  readonly evidenceBucket: s3.IBucket;
  readonly auditStore: AuditStore;
}

/** ARN pattern of every CloudWatch alarm of the stack's account and region. */
export function alarmArnPattern(stack: Stack): string {
  return Arn.format({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }, stack);
}

const LONG_TASKS = new Set<WorkflowTaskName>(['Collect', 'Verify', 'RemediateStep']);

/** Functions, documents, workflow, intake, notifications. */
export class PipelineStack extends Stack {
  /** One function per Task state. */
  public readonly functions: Readonly<Record<WorkflowTaskName, HouseFunction>>;
  /** Answers pending approvals (SendTaskSuccess). */
  public readonly approveFunction: HouseFunction;
  public readonly collectorDocuments: CollectorDocuments;
  public readonly actionDocuments: ActionDocuments;
  public readonly workflow: RemediationWorkflow;
  public readonly intake: AlarmIntake;
  public readonly topic: sns.ITopic;
  /** The EKS clusters the workflow may act on (from config). */
  public readonly eksClusters: readonly string[];
  /** EKS access entries of the Intake, Collect, Verify and RemediateStep roles (none without clusters). */
  public readonly clusterAccess?: ClusterAccess;

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.eksClusters = config.eksClusters;
    this.topic = config.approvalTopicArn
      ? sns.Topic.fromTopicArn(this, 'Notifications', config.approvalTopicArn)
      : new sns.Topic(this, 'Notifications', { displayName: 'Paramedic', masterKey: props.key, enforceSSL: true });
    if (config.approvalEmail && this.topic instanceof sns.Topic) this.topic.addSubscription(new subscriptions.EmailSubscription(config.approvalEmail));

    this.collectorDocuments = new CollectorDocuments(this, 'CollectorDocuments');
    this.actionDocuments = new ActionDocuments(this, 'ActionDocuments');

    const workflowConfig: Partial<WorkflowConfig> = {
      dryRun: config.dryRun, automaticRemediation: config.automaticRemediation, eksClusters: [...config.eksClusters],
      approvalTimeoutSeconds: config.approvalTimeoutMinutes * 60, collectTimeoutSeconds: 600,
    };
    const tables = props.auditStore;
    const make = (task: WorkflowTaskName): HouseFunction => {
      const fn = new HouseFunction(this, task, {
        entry: `lambdas/handlers/${TASK_HANDLER_FILES[task]}`,
        timeout: LONG_TASKS.has(task) ? Duration.minutes(14) : Duration.minutes(1),
        environment: { [ENV.config]: JSON.stringify(workflowConfig) },
        logKey: props.key,
      });
      // Every step appends to the trail and reads the state table; nothing may rewrite the trail.
      fn.addEnvironment(ENV.auditTable, tables.auditTable.tableName);
      tables.grantAppend(fn);
      fn.bindTable(tables.stateTable, ENV.stateTable);
      fn.addEnvironment(ENV.evidenceBucket, props.evidenceBucket.bucketName);
      fn.addEnvironment(ENV.topicArn, this.topic.topicArn);
      if (IDEMPOTENT_TASKS.has(task)) fn.bindTable(tables.idempotencyTable as dynamodb.ITable, ENV.idempotencyTable);
      return fn;
    };
    const functions = Object.fromEntries(WORKFLOW_TASK_NAMES.map((t) => [t, make(t)])) as Record<WorkflowTaskName, HouseFunction>;
    this.functions = functions;

    // Least privilege per step.
    for (const t of ['Collect', 'Verify'] as const) {
      this.collectorDocuments.grantRun(functions[t]);
      functions[t].bindBucket(props.evidenceBucket, ENV.evidenceBucket, 'readWrite');
    }
    this.actionDocuments.grantRun(functions.RemediateStep);
    functions.RemediateStep.bindBucket(props.evidenceBucket, ENV.evidenceBucket, 'read');
    for (const s of remediationStatements(this, { topicArn: this.topic.topicArn, eksClusters: config.eksClusters })) functions.RemediateStep.addToRolePolicy(s);
    functions.Classify.bindBucket(props.evidenceBucket, ENV.evidenceBucket, 'read');
    for (const t of ['RequestApproval', 'Escalate', 'Complete'] as const) functions[t].bindTopic(this.topic, ENV.topicArn);
    functions.Verify.addToRolePolicy(new iam.PolicyStatement({ actions: ['cloudwatch:DescribeAlarms'], resources: [alarmArnPattern(this)] }));
    functions.Intake.addToRolePolicy(new iam.PolicyStatement({ actions: ['autoscaling:DescribeAutoScalingGroups'], resources: ['*'] }));

    if (config.eksClusters.length > 0) {
      this.clusterAccess = new ClusterAccess(this, 'ClusterAccess', {
        // Intake resolves Container Insights node/pod alarms through the API (providerID, workload pods).
        clusters: config.eksClusters, collectionRoles: [functions.Intake.executionRole, functions.Collect.executionRole, functions.Verify.executionRole], remediationRole: functions.RemediateStep.executionRole,
        ...(config.eksNetwork ? { network: config.eksNetwork, networkFunctions: [functions.Intake, functions.Collect, functions.Verify, functions.RemediateStep] } : {}),
      });
    }

    this.workflow = new RemediationWorkflow(this, 'Workflow', {
      functions,
      approvalTimeout: Duration.minutes(config.approvalTimeoutMinutes),
      lockRetryInterval: Duration.seconds(config.lockRetrySeconds),
      verifyDelay: Duration.seconds(config.verifyDelaySeconds),
      logKey: props.key,
    });

    this.approveFunction = new HouseFunction(this, 'Approve', { entry: 'lambdas/handlers/approve.ts', shipRunbooks: false, logKey: props.key });
    this.approveFunction.bindTable(tables.stateTable, ENV.stateTable, 'read');
    this.workflow.stateMachine.grantTaskResponse(this.approveFunction);

    this.intake = new AlarmIntake(this, 'AlarmIntake', { stateMachine: this.workflow.stateMachine, alarmNamePrefixes: config.alarmNamePrefixes, encryptionKey: props.key });
  }
}
