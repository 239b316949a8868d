/**
 * A workflow function's environment and IAM, derived from the ports its handler wires
 * (TASK_PORTS in lambdas/handlers/environment.ts): each port with its access sets the variables
 * the port's adapter reads and grants exactly what the adapter calls.
 */
import { Arn, ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { EVENT_BUS_ENV } from '../../lambdas/adapters/eventbridge/event-publisher.js';
import { SSM_RUNNER_ENV } from '../../lambdas/adapters/ssm/ssm-runner-environment.js';
import { GROUP_MEMBERSHIP_IAM_ACTIONS } from '../../lambdas/adapters/autoscaling/auto-scaling-group-membership.js';
import {
  ENV,
  type PortAccess,
  type PortList,
  type PortName,
} from '../../lambdas/handlers/environment.js';
import type { AuditStore } from './audit-store.js';
import type { ActionDocuments, CollectorDocuments } from './command-documents.js';
import type { ParamedicEventBus } from './event-bus.js';
import type { HouseFunction } from './house-function.js';

/** The resources ports bind to. */
export interface PortResources {
  readonly auditStore: AuditStore;
  readonly evidenceBucket: s3.IBucket;
  readonly topic: sns.ITopic;
  /** The bus status events go to. */
  readonly eventBus: ParamedicEventBus;
  readonly collectorDocuments: CollectorDocuments;
  readonly actionDocuments: ActionDocuments;
  /** What the host actions (SSM documents, reports) need beyond their documents (derived from the action catalogue). */
  readonly remediationStatements: readonly iam.PolicyStatement[];
  /** What the Kubernetes and AWS node actions call (derived from the action catalogue). */
  readonly clusterActionStatements: readonly iam.PolicyStatement[];
  /** The configured EKS clusters (config eksClusters). */
  readonly eksClusters: readonly string[];
  /** The deployment's document prefix (`Paramedic-` or `Paramedic-<name>-`) the SSM runner sends under. */
  readonly documentPrefix: string;
  /** SendCommand MaxConcurrency / MaxErrors per kind of document, as JSON-able config. */
  readonly ssmRateControl: unknown;
}

/** ARN pattern of every CloudWatch alarm of the stack's account and region. */
export function alarmArnPattern(stack: Stack): string {
  return Arn.format(
    {
      service: 'cloudwatch',
      resource: 'alarm',
      resourceName: '*',
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    },
    stack,
  );
}

type Binder<P extends PortName> = (
  fn: HouseFunction,
  access: PortAccess[P],
  r: PortResources,
) => void;

const BINDERS: { readonly [P in PortName]: Binder<P> } = {
  audit: (fn, _access, r) => {
    // Append only: nothing may rewrite the trail.
    fn.addEnvironment(ENV.auditTable, r.auditStore.auditTable.tableName);
    r.auditStore.grantAppend(fn);
  },
  state: (fn, _access, r) => {
    fn.bindTable(r.auditStore.stateTable, ENV.stateTable);
  },
  // Every Task reads results stored by reference and may store its own (state-by-reference.ts);
  // ExecutionInterrupted only reads a large run's audit payloads.
  stateDocuments: (fn, access, r) => {
    fn.bindBucket(r.evidenceBucket, ENV.evidenceBucket, access);
  },
  idempotency: (fn, _access, r) => {
    fn.bindTable(r.auditStore.idempotencyTable as dynamodb.ITable, ENV.idempotencyTable);
  },
  commands: (fn, access, r) => {
    // SSM writes full command output to the evidence bucket; the runner reads it back.
    fn.bindBucket(r.evidenceBucket, ENV.evidenceBucket, 'read');
    // The runner sends catalogue documents under this deployment's names, rate-controlled.
    fn.addEnvironment(SSM_RUNNER_ENV.documentPrefix, r.documentPrefix);
    fn.addEnvironment(SSM_RUNNER_ENV.rateControl, JSON.stringify(r.ssmRateControl));
    // The stack's CommandCompletion rule marks finished commands: the runner waits for them (cdk/constructs/command-completion.ts).
    fn.addEnvironment(SSM_RUNNER_ENV.completionByEvent, '1');
    const documents = access === 'collectors' ? r.collectorDocuments : r.actionDocuments;
    // The tag the grant below requires, so a denied instance's result names it (send-command-rejection.ts).
    if (documents.managedInstanceTag)
      fn.addEnvironment(
        SSM_RUNNER_ENV.managedInstanceTag,
        JSON.stringify(documents.managedInstanceTag),
      );
    documents.grantRun(fn);
    // A host dry run only runs the documents; the API and Kubernetes actions' grants are for remediation.
    if (access === 'actions') for (const s of r.remediationStatements) fn.addToRolePolicy(s);
  },
  evidence: (fn, access, r) => {
    fn.bindBucket(r.evidenceBucket, ENV.evidenceBucket, access);
  },
  notifier: (fn, _access, r) => {
    fn.bindTopic(r.topic, ENV.topicArn);
  },
  events: (fn, _access, r) => {
    fn.addEnvironment(EVENT_BUS_ENV, r.eventBus.bus.eventBusName);
    r.eventBus.grantPublish(fn);
  },
  targets: (fn) => {
    // Describe calls support no resource-level permissions.
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['autoscaling:DescribeAutoScalingGroups', 'ec2:DescribeInstances'],
        resources: ['*'],
      }),
    );
  },
  managedTags: (fn, _access, r) => {
    // The tag SendCommand's grant requires (the collector documents'; the action documents carry the same).
    const tag = r.collectorDocuments.managedInstanceTag;
    if (!tag) return; // no tag condition on SendCommand: nothing to warn about, no port
    fn.addEnvironment(SSM_RUNNER_ENV.managedInstanceTag, JSON.stringify(tag));
    // ec2:DescribeInstances supports no resource-level permissions or tag conditions: it is
    // allowed on '*' or not at all (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html).
    fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['ec2:DescribeInstances'], resources: ['*'] }),
    );
  },
  alarms: (fn) => {
    // History: Intake confirms an alarm event whose alarm has left ALARM since (alarm-confirmation.ts).
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['cloudwatch:DescribeAlarms', 'cloudwatch:DescribeAlarmHistory'],
        resources: [alarmArnPattern(Stack.of(fn))],
      }),
    );
  },
  // Shipped as files beside the bundle (HouseFunction's shipRunbooks); nothing to grant.
  rulebook: () => undefined,
  cluster: (fn, _access, r) => {
    // Endpoint and CA for the kubeconfig; what the token may do in the cluster is the access entry's (ClusterAccess).
    const clusterArns = r.eksClusters.map((c) =>
      Arn.format({ service: 'eks', resource: 'cluster', resourceName: c }, Stack.of(fn)),
    );
    if (clusterArns.length > 0)
      fn.addToRolePolicy(
        new iam.PolicyStatement({ actions: ['eks:DescribeCluster'], resources: clusterArns }),
      );
  },
  executors: (fn, _access, r) => {
    for (const s of r.clusterActionStatements) fn.addToRolePolicy(s);
  },
  // Granted on the state machine once it exists (grantTaskCallbacks): the machine refers to these functions.
  taskCallback: () => undefined,
  groups: (fn, _access, r) => {
    // Describe calls support no resource-level permissions; node groups are read through the cluster (its access entry).
    fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: [...GROUP_MEMBERSHIP_IAM_ACTIONS], resources: ['*'] }),
    );
    BINDERS.cluster(fn, 'read', r);
  },
};

/**
 * Grants `states:SendTaskSuccess` on the workflow to each function whose ports include
 * `taskCallback`, in a policy of its own: in the role's default policy the grant would make the
 * function depend on the state machine that depends on the function (a cycle CloudFormation refuses).
 */
export function grantTaskCallbacks(
  scope: Construct,
  stateMachine: sfn.IStateMachine,
  functions: ReadonlyArray<{ readonly fn: HouseFunction; readonly ports: PortList }>,
): void {
  for (const { fn, ports } of functions) {
    if (ports.taskCallback === undefined) continue;
    new iam.Policy(scope, `${fn.node.id}TaskCallback`, {
      roles: [fn.executionRole],
      statements: [
        new iam.PolicyStatement({
          actions: ['states:SendTaskSuccess'],
          resources: [stateMachine.stateMachineArn],
        }),
      ],
    });
  }
}

/** Sets the environment and grants of every port in `ports` on `fn`. */
export function bindPorts(fn: HouseFunction, ports: PortList, resources: PortResources): void {
  for (const port of Object.keys(ports) as PortName[])
    (BINDERS[port] as Binder<PortName>)(fn, ports[port] as never, resources);
}
