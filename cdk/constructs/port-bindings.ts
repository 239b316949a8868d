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
import { SSM_RUNNER_ENV } from '../../lambdas/adapters/ssm/ssm-runner-environment.js';
import { ENV, type PortAccess, type PortList, type PortName } from '../../lambdas/handlers/environment.js';
import type { AuditStore } from './audit-store.js';
import type { ActionDocuments, CollectorDocuments } from './command-documents.js';
import type { HouseFunction } from './house-function.js';

/** The resources ports bind to. */
export interface PortResources {
  readonly auditStore: AuditStore;
  readonly evidenceBucket: s3.IBucket;
  readonly topic: sns.ITopic;
  readonly collectorDocuments: CollectorDocuments;
  readonly actionDocuments: ActionDocuments;
  /** What the remediation actions need beyond their documents (derived from the action catalogue). */
  readonly remediationStatements: readonly iam.PolicyStatement[];
  /** The deployment's document prefix (`Paramedic-` or `Paramedic-<name>-`) the SSM runner sends under. */
  readonly documentPrefix: string;
  /** SendCommand MaxConcurrency / MaxErrors per kind of document, as JSON-able config. */
  readonly ssmRateControl: unknown;
}

/** ARN pattern of every CloudWatch alarm of the stack's account and region. */
export function alarmArnPattern(stack: Stack): string {
  return Arn.format({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }, stack);
}

type Binder<P extends PortName> = (fn: HouseFunction, access: PortAccess[P], r: PortResources) => void;

const BINDERS: { readonly [P in PortName]: Binder<P> } = {
  audit: (fn, _access, r) => {
    // Append only: nothing may rewrite the trail.
    fn.addEnvironment(ENV.auditTable, r.auditStore.auditTable.tableName);
    r.auditStore.grantAppend(fn);
  },
  state: (fn, _access, r) => { fn.bindTable(r.auditStore.stateTable, ENV.stateTable); },
  idempotency: (fn, _access, r) => { fn.bindTable(r.auditStore.idempotencyTable as dynamodb.ITable, ENV.idempotencyTable); },
  commands: (fn, access, r) => {
    // SSM writes full command output to the evidence bucket; the runner reads it back.
    fn.bindBucket(r.evidenceBucket, ENV.evidenceBucket, 'read');
    // The runner sends catalogue documents under this deployment's names, rate-controlled.
    fn.addEnvironment(SSM_RUNNER_ENV.documentPrefix, r.documentPrefix);
    fn.addEnvironment(SSM_RUNNER_ENV.rateControl, JSON.stringify(r.ssmRateControl));
    if (access === 'collectors') r.collectorDocuments.grantRun(fn);
    else {
      r.actionDocuments.grantRun(fn);
      // A host dry run only runs the documents; the API and Kubernetes actions' grants are for remediation.
      if (access === 'actions') for (const s of r.remediationStatements) fn.addToRolePolicy(s);
    }
  },
  evidence: (fn, access, r) => { fn.bindBucket(r.evidenceBucket, ENV.evidenceBucket, access); },
  notifier: (fn, _access, r) => { fn.bindTopic(r.topic, ENV.topicArn); },
  targets: (fn) => {
    // Describe calls support no resource-level permissions.
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['autoscaling:DescribeAutoScalingGroups', 'ec2:DescribeInstances'], resources: ['*'] }));
  },
  alarms: (fn) => { fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['cloudwatch:DescribeAlarms'], resources: [alarmArnPattern(Stack.of(fn))] })); },
  // Shipped as files beside the bundle (HouseFunction's shipRunbooks); nothing to grant.
  rulebook: () => undefined,
};

/** Sets the environment and grants of every port in `ports` on `fn`. */
export function bindPorts(fn: HouseFunction, ports: PortList, resources: PortResources): void {
  for (const port of Object.keys(ports) as PortName[]) (BINDERS[port] as Binder<PortName>)(fn, ports[port] as never, resources);
}
