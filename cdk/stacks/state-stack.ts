/**
 * The stateful stack: KMS key, evidence bucket (with its access-log bucket), audit, state and
 * idempotency tables, and the policy managed hosts need to write SSM output. Retained on delete;
 * the pipeline stack receives them through typed props; their names are exported stack outputs.
 */
import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import {
  COMMAND_RESULTS_PREFIX,
  COMMAND_RESULTS_RETENTION_DAYS,
} from '../../lambdas/core/collection/command-wait.js';
import type { ParamedicConfig } from '../config.js';
import { AuditStore } from '../constructs/audit-store.js';
import { exportOutput } from '../constructs/stack-outputs.js';

/** Props of the state stack. */
export interface StateStackProps extends StackProps {
  readonly config: ParamedicConfig;
  /** Prefix of the output export names (cdk/deployment-names.ts). */
  readonly exportPrefix: string;
}

/** Where the SSM agent writes full command output in the evidence bucket. */
export const SSM_OUTPUT_PREFIX = 'ssm-output/';

/** Evidence, audit trail, state. */
export class StateStack extends Stack {
  /** Encrypts the bucket, tables, queue and logs. */
  public readonly key: kms.Key;
  /** Evidence bundles, full SSM output (`ssm-output/`) and the waits' per-host results (`command-results/`). */
  public readonly evidenceBucket: s3.Bucket;
  /** Server access logs of the evidence bucket. */
  public readonly accessLogBucket: s3.Bucket;
  /** Audit, state and idempotency tables. */
  public readonly auditStore: AuditStore;
  /** Attach to the instance profiles of managed hosts so SSM can write full output to the bucket. */
  public readonly instanceOutputPolicy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: StateStackProps) {
    super(scope, id, props);
    this.key = new kms.Key(this, 'Key', {
      enableKeyRotation: true,
      description: 'Paramedic evidence, audit trail and logs',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.key.grantEncryptDecrypt(new iam.ServicePrincipal(`logs.${this.region}.amazonaws.com`));
    // EventBridge delivers failed events to the dead-letter queues, which this key encrypts; SQS
    // uses the key on EventBridge's behalf, so the key policy must allow events.amazonaws.com.
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dead-letter-queue.html
    // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html
    // CloudWatch alarm actions publish to the notification topic, also encrypted with this key.
    // https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowEventBridgeAndCloudWatchToUseTheKeyOfQueuesAndTopics',
        principals: [
          new iam.ServicePrincipal('events.amazonaws.com'),
          new iam.ServicePrincipal('cloudwatch.amazonaws.com'),
        ],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    this.accessLogBucket = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ expiration: Duration.days(props.config.retentionDays) }],
    });
    this.evidenceBucket = new s3.Bucket(this, 'Evidence', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: this.accessLogBucket,
      serverAccessLogsPrefix: 'evidence/',
      removalPolicy: RemovalPolicy.RETAIN,
      // The audit trail (kept without expiry) points at evidence bundles by URI and sha256, so a
      // referenced bundle never expires: only the raw SSM output (already copied into the bundles),
      // the waits' per-host results (read into the bundles by Collect and Verify) and overwritten
      // versions do.
      lifecycleRules: [
        {
          id: 'RawSsmOutput',
          prefix: SSM_OUTPUT_PREFIX,
          expiration: Duration.days(props.config.retentionDays),
        },
        {
          // Up to 1 MiB a host (1 GB for a 1,000-host spoke collect); a retried send overwrites
          // them, so the noncurrent versions it leaves go on the same schedule.
          id: 'CommandResults',
          prefix: COMMAND_RESULTS_PREFIX,
          expiration: Duration.days(COMMAND_RESULTS_RETENTION_DAYS),
          noncurrentVersionExpiration: Duration.days(COMMAND_RESULTS_RETENTION_DAYS),
        },
        {
          id: 'OverwrittenVersions',
          noncurrentVersionExpiration: Duration.days(props.config.retentionDays),
        },
      ],
    });
    this.auditStore = new AuditStore(this, 'AuditStore', { encryptionKey: this.key });
    this.instanceOutputPolicy = new iam.ManagedPolicy(this, 'InstanceOutputPolicy', {
      description:
        'Lets the SSM agent on a Paramedic-managed host write command output to the evidence bucket',
      statements: [
        new iam.PolicyStatement({
          actions: ['s3:PutObject'],
          resources: [this.evidenceBucket.arnForObjects(`${SSM_OUTPUT_PREFIX}*`)],
        }),
        // The agent reads the bucket's default encryption before it uploads to an encrypted bucket;
        // without this the upload fails and output falls back to the 24,000-character inline limit.
        // https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-instance-permissions.html
        // (the same statement in AWS's instance-profile example for output to S3:
        // https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-create-iam-instance-profile.html)
        new iam.PolicyStatement({
          actions: ['s3:GetEncryptionConfiguration'],
          resources: [this.evidenceBucket.bucketArn],
        }),
        new iam.PolicyStatement({
          actions: ['kms:GenerateDataKey', 'kms:Encrypt'],
          resources: [this.key.keyArn],
        }),
      ],
      roles: props.config.instanceRoleNames.map((name, i) =>
        iam.Role.fromRoleName(this, `InstanceRole${i}`, name),
      ),
    });
    exportOutput(
      this,
      props.exportPrefix,
      'InstanceOutputPolicyArn',
      this.instanceOutputPolicy.managedPolicyArn,
      'Attach to the instance profile role of every managed host (Docker hosts and EKS nodes)',
    );
    exportOutput(
      this,
      props.exportPrefix,
      'EvidenceBucketName',
      this.evidenceBucket.bucketName,
      'Evidence bundles and full SSM output',
    );
    exportOutput(
      this,
      props.exportPrefix,
      'AuditTableName',
      this.auditStore.auditTable.tableName,
      'The hash-chained audit trail',
    );
    exportOutput(
      this,
      props.exportPrefix,
      'StateTableName',
      this.auditStore.stateTable.tableName,
      'Locks, de-duplication, cooldowns, pending approvals',
    );
  }
}
