/**
 * The stateless stack: one router pipeline for every runbook. Alarm intake (EventBridge), the
 * project's SSM documents, one thin Lambda per workflow step, the Standard workflow, the
 * notification topic and the approval callback Lambda.
 */
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import type { WorkflowConfig } from '../../lambdas/core/workflow/config.js';
import { WORKFLOW_TASK_NAMES, type WorkflowTaskName } from '../../lambdas/core/workflow/task-names.js';
import { ENV, TASK_HANDLER_FILES, TASK_PORTS } from '../../lambdas/handlers/environment.js';
import type { ParamedicConfig } from '../config.js';
import { AlarmIntake } from '../constructs/alarm-intake.js';
import type { AuditStore } from '../constructs/audit-store.js';
import { ActionDocuments, CollectorDocuments } from '../constructs/command-documents.js';
import { HouseFunction } from '../constructs/house-function.js';
import { bindPorts } from '../constructs/port-bindings.js';
import { remediationStatements } from '../constructs/remediation-permissions.js';
import { RemediationWorkflow } from '../constructs/remediation-workflow.js';

/** What the pipeline needs from the state stack. */
export interface PipelineStackProps extends StackProps {
  readonly config: ParamedicConfig;
  readonly key: kms.IKey;
  readonly evidenceBucket: s3.IBucket;
  readonly auditStore: AuditStore;
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
    const resources = {
      auditStore: props.auditStore, evidenceBucket: props.evidenceBucket, topic: this.topic,
      collectorDocuments: this.collectorDocuments, actionDocuments: this.actionDocuments,
      remediationStatements: remediationStatements(this, { topicArn: this.topic.topicArn, eksClusters: config.eksClusters }),
    };
    // Least privilege per step: each function's variables and grants follow from the ports its handler wires.
    const make = (task: WorkflowTaskName): HouseFunction => {
      const fn = new HouseFunction(this, task, {
        entry: `lambdas/handlers/${TASK_HANDLER_FILES[task]}`,
        timeout: LONG_TASKS.has(task) ? Duration.minutes(14) : Duration.minutes(1),
        environment: { [ENV.config]: JSON.stringify(workflowConfig) },
        shipRunbooks: TASK_PORTS[task].rulebook !== undefined,
        logKey: props.key,
      });
      bindPorts(fn, TASK_PORTS[task], resources);
      return fn;
    };
    const functions = Object.fromEntries(WORKFLOW_TASK_NAMES.map((t) => [t, make(t)])) as Record<WorkflowTaskName, HouseFunction>;
    this.functions = functions;

    this.workflow = new RemediationWorkflow(this, 'Workflow', {
      functions,
      approvalTimeout: Duration.minutes(config.approvalTimeoutMinutes),
      lockRetryInterval: Duration.seconds(config.lockRetrySeconds),
      verifyDelay: Duration.seconds(config.verifyDelaySeconds),
      logKey: props.key,
    });

    this.approveFunction = new HouseFunction(this, 'Approve', { entry: 'lambdas/handlers/approve.ts', shipRunbooks: false, logKey: props.key });
    this.approveFunction.bindTable(props.auditStore.stateTable, ENV.stateTable, 'read');
    this.workflow.stateMachine.grantTaskResponse(this.approveFunction);

    this.intake = new AlarmIntake(this, 'AlarmIntake', { stateMachine: this.workflow.stateMachine, alarmNamePrefixes: config.alarmNamePrefixes, encryptionKey: props.key });
  }
}
