/**
 * Builds the workflow's ports from the AWS adapters, once per cold start, from the environment
 * CDK sets (see environment.ts). Runbooks are read from the `runbooks/` directory that the
 * bundling step copies beside the handler bundle (cdk/constructs/house-function.ts).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AutoScalingDirectory } from '../adapters/autoscaling/auto-scaling-directory.js';
import { CloudWatchAlarmReader } from '../adapters/cloudwatch/cloudwatch-alarm-reader.js';
import { DynamoDbAuditStore } from '../adapters/dynamodb/dynamodb-audit-store.js';
import { DynamoDbLockStore, DynamoDbStateStore } from '../adapters/dynamodb/dynamodb-state-store.js';
import { loadRulebook } from '../adapters/local/runbook-directory.js';
import { S3EvidenceStore } from '../adapters/s3/s3-evidence-store.js';
import { SnsNotifier } from '../adapters/sns/sns-notifier.js';
import { SsmCommandRunner } from '../adapters/ssm/ssm-command-runner.js';
import { ENV } from './environment.js';
import type { WorkflowConfig, WorkflowPorts } from './workflow-tasks.js';

/** A required variable is missing: the stack and the handler disagree. */
export class HandlerEnvironmentError extends Error {
  constructor(name: string) {
    super(`environment variable ${name} is not set; redeploy the pipeline stack (cdk deploy) so the function gets it`);
    this.name = 'HandlerEnvironmentError';
  }
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const v = env[name];
  if (!v) throw new HandlerEnvironmentError(name);
  return v;
}

/** The shared DynamoDB document client (also used by the idempotency layer). */
export function documentClient(): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
}

/** Ports over S3, DynamoDB, SSM, SNS, CloudWatch and Auto Scaling. */
export function createAwsPorts(env: NodeJS.ProcessEnv = process.env, ddb: DynamoDBDocumentClient = documentClient()): WorkflowPorts {
  const clock = { now: () => new Date() };
  const bucket = required(env, ENV.evidenceBucket);
  const s3 = new S3Client({});
  const config = env[ENV.config] ? (JSON.parse(env[ENV.config]!) as Partial<WorkflowConfig>) : {};
  const runbookDir = env[ENV.runbookDir] ?? join(dirname(fileURLToPath(import.meta.url)), 'runbooks');
  return {
    commands: new SsmCommandRunner(new SSMClient({}), { outputBucket: bucket, outputPrefix: 'ssm-output', s3 }),
    evidence: new S3EvidenceStore(s3, bucket),
    audit: new DynamoDbAuditStore(ddb, required(env, ENV.auditTable)),
    locks: new DynamoDbLockStore(ddb, required(env, ENV.stateTable), clock),
    state: new DynamoDbStateStore(ddb, required(env, ENV.stateTable), clock),
    notifier: new SnsNotifier(new SNSClient({}), required(env, ENV.topicArn)),
    clock,
    rulebook: loadRulebook(runbookDir),
    config,
    targets: new AutoScalingDirectory(new AutoScalingClient({})),
    alarms: new CloudWatchAlarmReader(new CloudWatchClient({})),
  };
}
