/**
 * The stateless stack: one router pipeline for every runbook. Alarm intake (EventBridge), the
 * project's SSM documents (named per deployment, sent only to tagged instances), one thin Lambda
 * per workflow step, the Standard workflow, the notification topic, the approval callback Lambda,
 * the event bus with its run-request rule, the operational alarms and the stack outputs.
 */
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import type { WorkflowConfig } from '../../lambdas/core/workflow/config.js';
import {
  WORKFLOW_TASK_NAMES,
  type WorkflowTaskName,
} from '../../lambdas/core/workflow/task-names.js';
import { commandWaitSeconds } from '../../lambdas/core/collection/command-wait.js';
import {
  ENV,
  EVENT_HANDLERS,
  TASK_HANDLER_FILES,
  TASK_PORTS,
} from '../../lambdas/handlers/environment.js';
import { intakeEksClusters, type ParamedicConfig } from '../config.js';
import type { DeploymentNames } from '../deployment-names.js';
import { AlarmIntake } from '../constructs/alarm-intake.js';
import { ClusterAccess } from '../constructs/cluster-access.js';
import { CommandCompletion } from '../constructs/command-completion.js';
import { InterruptedExecutions } from '../constructs/interrupted-executions.js';
import type { AuditStore } from '../constructs/audit-store.js';
import { ActionDocuments, CollectorDocuments } from '../constructs/command-documents.js';
import { ParamedicEventBus } from '../constructs/event-bus.js';
import { OperationalAlarms } from '../constructs/operational-alarms.js';
import { exportOutput } from '../constructs/stack-outputs.js';
import { HouseFunction } from '../constructs/house-function.js';
import { bindPorts, grantTaskCallbacks } from '../constructs/port-bindings.js';
import { remediationStatements } from '../constructs/remediation-permissions.js';
import { RemediationWorkflow } from '../constructs/remediation-workflow.js';
import { taskFunctionTimeout } from '../workflow/workflow-definition.js';
import { SpokeAccess } from '../constructs/spoke-access.js';

/** What the pipeline needs from the state stack. */
export interface PipelineStackProps extends StackProps {
  readonly config: ParamedicConfig;
  /** The deployment's names (cdk/deployment-names.ts). */
  readonly names: DeploymentNames;
  readonly key: kms.IKey;
  readonly evidenceBucket: s3.IBucket;
  readonly auditStore: AuditStore;
}

/** Ports whose adapters act on targets (or read the alarm), in a spoke account when the target (or alarm) is there. */
const SPOKE_PORTS = ['commands', 'targets', 'cluster', 'executors', 'groups', 'alarms'] as const;

// The send halves' config carries the collectors' log paths; the others' does not.
const SEND_TASKS = new Set<WorkflowTaskName>(['CollectSend', 'VerifySend']);

/**
 * Memory of the steps that classify a whole fleet's stored evidence (Classify) or judge the planned
 * targets' bundles on the preconditions (Plan). Lambda gives CPU in proportion to memory, one vCPU
 * at 1,769 MB: the classifier's ~13 ms per MiB of evidence at one vCPU is ~45 ms at 512 MB, so
 * 1,000 hosts (maxTargetsPerExecution) at the collectors' 1 MiB are ~13 s of CPU instead of ~45 s.
 */
const FLEET_EVIDENCE_MEMORY_MB: Partial<Record<WorkflowTaskName, number>> = {
  Classify: 1769,
  Plan: 1769,
};

/** Functions, documents, workflow, intake, notifications. */
export class PipelineStack extends Stack {
  /** One function per Task state. */
  public readonly functions: Readonly<Record<WorkflowTaskName, HouseFunction>>;
  /** Answers pending approvals (SendTaskSuccess). */
  public readonly approveFunction: HouseFunction;
  /** The approve function's IAM-authenticated URL (output `ApproveUrl`). */
  public readonly approveUrl: lambda.FunctionUrl;
  public readonly collectorDocuments: CollectorDocuments;
  public readonly actionDocuments: ActionDocuments;
  public readonly workflow: RemediationWorkflow;
  public readonly intake: AlarmIntake;
  public readonly topic: sns.ITopic;
  /** The bus of execution events and run requests. */
  public readonly events: ParamedicEventBus;
  /** Alarms on the pipeline itself. */
  public readonly operationalAlarms: OperationalAlarms;
  /** SSM completion by event: the rule on SSM's command status changes and its Lambda. */
  public readonly commandCompletion: CommandCompletion;
  /** Closes executions that ended (failed, timed out, aborted) without writing their outcome. */
  public readonly interruptedExecutions: InterruptedExecutions;
  /** The EKS clusters the workflow may act on (from config). */
  public readonly eksClusters: readonly string[];
  /** EKS access entries of the Intake, Collect, Verify and RemediateStep roles (none without clusters). */
  public readonly clusterAccess?: ClusterAccess;
  /** Many accounts: the bus policy admitting the spokes and the functions' spoke-role grants (with `spokes`). */
  public readonly spokeAccess?: SpokeAccess;

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.eksClusters = config.eksClusters;
    this.topic = config.approvalTopicArn
      ? sns.Topic.fromTopicArn(this, 'Notifications', config.approvalTopicArn)
      : new sns.Topic(this, 'Notifications', {
          displayName: 'Paramedic',
          masterKey: props.key,
          enforceSSL: true,
        });
    if (config.approvalEmail && this.topic instanceof sns.Topic)
      this.topic.addSubscription(new subscriptions.EmailSubscription(config.approvalEmail));

    const documentProps = {
      documentPrefix: props.names.documentPrefix,
      managedInstanceTag: config.managedInstanceTag,
    };
    this.collectorDocuments = new CollectorDocuments(this, 'CollectorDocuments', documentProps);
    this.actionDocuments = new ActionDocuments(this, 'ActionDocuments', documentProps);
    const reserved =
      config.reservedConcurrency === false
        ? {}
        : { reservedConcurrentExecutions: config.reservedConcurrency };

    const workflowConfig: Partial<WorkflowConfig> = {
      dryRun: config.dryRun,
      automaticRemediation: config.automaticRemediation,
      eksClusters: intakeEksClusters(config),
      approvalTimeoutSeconds: config.approvalTimeoutMinutes * 60,
      collectTimeoutSeconds: 600,
      ...(config.deploymentName ? { deploymentName: config.deploymentName } : {}),
    };
    // Only the send halves send the collector: the log paths (up to ~1.6 KB) stay out of the
    // other functions' environment, which Lambda caps at 4 KB with every variable counted.
    const senderConfig: Partial<WorkflowConfig> = {
      ...workflowConfig,
      ...(config.collectorLogs ? { collectorLogs: config.collectorLogs } : {}),
    };
    // Intake refuses an alarm event the intake rule would not have delivered: only it needs the prefixes.
    const intakeConfig: Partial<WorkflowConfig> = {
      ...workflowConfig,
      alarmNamePrefixes: config.alarmNamePrefixes,
    };
    const configOf = (task: WorkflowTaskName): Partial<WorkflowConfig> =>
      task === 'Intake' ? intakeConfig : SEND_TASKS.has(task) ? senderConfig : workflowConfig;
    // The bus first: the functions' `events` port binds to it; its run-request rule follows the workflow.
    this.events = new ParamedicEventBus(this, 'Events', {
      busName: config.eventBusName ?? props.names.createdEventBusName,
      importExisting: config.eventBusName !== undefined,
      encryptionKey: props.key,
    });
    const resources = {
      auditStore: props.auditStore,
      evidenceBucket: props.evidenceBucket,
      topic: this.topic,
      eventBus: this.events,
      collectorDocuments: this.collectorDocuments,
      actionDocuments: this.actionDocuments,
      remediationStatements: remediationStatements(this, {
        topicArn: this.topic.topicArn,
        eksClusters: config.eksClusters,
        actionTargets: ['docker-host', 'eks-node', 'none'],
      }),
      clusterActionStatements: remediationStatements(this, {
        topicArn: this.topic.topicArn,
        eksClusters: config.eksClusters,
        actionTargets: ['kubernetes', 'aws'],
      }),
      eksClusters: config.eksClusters,
      documentPrefix: props.names.documentPrefix,
      ssmRateControl: config.ssmRateControl,
    };
    const taskTimeouts = {
      commandWaitTimeout: Duration.seconds(
        commandWaitSeconds(workflowConfig.collectTimeoutSeconds!),
      ),
    };
    // Least privilege per step: each function's variables and grants follow from the ports its handler wires.
    const make = (task: WorkflowTaskName): HouseFunction => {
      const fn = new HouseFunction(this, task, {
        entry: `lambdas/handlers/${TASK_HANDLER_FILES[task]}`,
        // Every function ends before its Task does, the send halves before their command wait.
        timeout: taskFunctionTimeout(task, taskTimeouts),
        ...(FLEET_EVIDENCE_MEMORY_MB[task] ? { memorySize: FLEET_EVIDENCE_MEMORY_MB[task] } : {}),
        environment: {
          [ENV.config]: JSON.stringify(configOf(task)),
        },
        shipRunbooks: TASK_PORTS[task].rulebook !== undefined,
        logKey: props.key,
        ...reserved,
      });
      bindPorts(fn, TASK_PORTS[task], resources);
      return fn;
    };
    const functions = Object.fromEntries(WORKFLOW_TASK_NAMES.map((t) => [t, make(t)])) as Record<
      WorkflowTaskName,
      HouseFunction
    >;
    this.functions = functions;
    this.commandCompletion = new CommandCompletion(this, 'CommandCompletion', {
      documentPrefix: props.names.documentPrefix,
      resources,
      logKey: props.key,
      ...reserved,
    });

    if (config.eksClusters.length > 0) {
      // Who reads and who acts follows from the ports (TASK_PORTS): `cluster` reads, `executors` acts.
      // One access entry per principal: an actor that also reads node groups (RemediateStep's
      // group share re-check) reads them with its remediation group, which gets and lists nodes.
      const readers = WORKFLOW_TASK_NAMES.filter(
        (t) =>
          (TASK_PORTS[t].cluster !== undefined || TASK_PORTS[t].groups !== undefined) &&
          TASK_PORTS[t].executors === undefined,
      ).map((t) => functions[t]);
      const actors = WORKFLOW_TASK_NAMES.filter((t) => TASK_PORTS[t].executors !== undefined).map(
        (t) => functions[t],
      );
      this.clusterAccess = new ClusterAccess(this, 'ClusterAccess', {
        clusters: config.eksClusters,
        collectionRoles: readers.map((f) => f.executionRole),
        remediationRoles: actors.map((f) => f.executionRole),
        ...(config.eksNetwork
          ? { network: config.eksNetwork, networkFunctions: [...readers, ...actors] }
          : {}),
      });
    }

    this.workflow = new RemediationWorkflow(this, 'Workflow', {
      functions,
      approvalTimeout: Duration.minutes(config.approvalTimeoutMinutes),
      lockRetryInterval: Duration.seconds(config.lockRetrySeconds),
      verifyDelay: Duration.seconds(config.verifyDelaySeconds),
      ...taskTimeouts,
      logKey: props.key,
    });
    // CollectSend/VerifySend resume themselves when nothing is pending; CommandCompleted resumes them on the last event.
    grantTaskCallbacks(this, this.workflow.stateMachine, [
      ...WORKFLOW_TASK_NAMES.map((t) => ({ fn: functions[t], ports: TASK_PORTS[t] })),
      { fn: this.commandCompletion.function, ports: EVENT_HANDLERS.CommandCompleted.ports },
    ]);

    this.approveFunction = new HouseFunction(this, 'Approve', {
      entry: 'lambdas/handlers/approve.ts',
      shipRunbooks: false,
      logKey: props.key,
      ...reserved,
    });
    this.approveFunction.bindTable(props.auditStore.stateTable, ENV.stateTable, 'read');
    // It records the verified decision before it resumes the task (core/workflow/answer-approval.ts).
    props.auditStore.grantRecordVerifiedApprovals(this.approveFunction);
    this.workflow.stateMachine.grantTaskResponse(this.approveFunction);
    // Approvals arrive only through this URL: Lambda checks the SigV4 signature and hands the
    // function the signer's ARN, which is recorded as the approver (who may approve = who holds
    // lambda:InvokeFunctionUrl + lambda:InvokeFunction on it; README "Approving").
    this.approveUrl = this.approveFunction.addFunctionUrl({
      authType: lambda.FunctionUrlAuthType.AWS_IAM,
    });

    this.interruptedExecutions = new InterruptedExecutions(this, 'InterruptedExecutions', {
      stateMachine: this.workflow.stateMachine,
      resources,
      workflowConfig: JSON.stringify(workflowConfig),
      logKey: props.key,
      ...reserved,
    });

    if (config.spokes) {
      this.spokeAccess = new SpokeAccess(this, 'SpokeAccess', {
        spokes: config.spokes,
        bus: this.events.bus,
        ...(config.deploymentName ? { deploymentName: config.deploymentName } : {}),
      });
      // The functions whose adapters reach targets: they assume the spoke role for targets in a spoke account.
      for (const t of WORKFLOW_TASK_NAMES.filter((t) =>
        SPOKE_PORTS.some((p) => TASK_PORTS[t][p] !== undefined),
      ))
        this.spokeAccess.grantAssume(functions[t]);
    }
    this.intake = new AlarmIntake(this, 'AlarmIntake', {
      stateMachine: this.workflow.stateMachine,
      alarmNamePrefixes: config.alarmNamePrefixes,
      encryptionKey: props.key,
      ...(config.spokes ? { forwardedTo: this.events.bus } : {}),
    });

    this.events.startRunsOn(this.workflow.stateMachine);

    const alarmTopic = config.operationalAlarmTopicArn
      ? sns.Topic.fromTopicArn(this, 'OperationalAlarmTopic', config.operationalAlarmTopicArn)
      : this.topic;
    this.operationalAlarms = new OperationalAlarms(this, 'OperationalAlarms', {
      stateMachine: this.workflow.stateMachine,
      functions: {
        ...functions,
        Approve: this.approveFunction,
        CommandCompleted: this.commandCompletion.function,
        ExecutionInterrupted: this.interruptedExecutions.function,
      },
      escalateFunction: functions.Escalate,
      deadLetterQueues: {
        AlarmIntake: this.intake.deadLetterQueue,
        RunRequests: this.events.deadLetterQueue,
      },
      topic: alarmTopic,
    });

    const prefix = props.names.exportPrefix;
    exportOutput(
      this,
      prefix,
      'StateMachineArn',
      this.workflow.stateMachine.stateMachineArn,
      'The remediation workflow (StartExecution, paramedic run --aws)',
    );
    exportOutput(
      this,
      prefix,
      'EventBusName',
      this.events.bus.eventBusName,
      'Execution status events are published here; put "Paramedic Runbook Run Requested" events here to start a run',
    );
    exportOutput(
      this,
      prefix,
      'ApproveFunctionName',
      this.approveFunction.functionName,
      'The approve function (its logs); answer approvals through ApproveUrl',
    );
    exportOutput(
      this,
      prefix,
      'ApproveUrl',
      this.approveUrl.url,
      'SigV4-signed POST {executionId, approved, comment?} answers a pending approval as the signer (paramedic approve|reject --aws)',
    );
  }
}
