/**
 * The stateful stack: KMS key, evidence bucket (with its access-log bucket), audit, state and
 * idempotency tables. Retained on delete; the pipeline stack receives them through typed props.
 */
import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { ParamedicConfig } from '../config.js';
import { AuditStore } from '../constructs/audit-store.js';

/** Props of the state stack. */
export interface StateStackProps extends StackProps {
  readonly config: ParamedicConfig;
}

/** Evidence, audit trail, state. */
export class StateStack extends Stack {
  /** Encrypts the bucket, tables, queue and logs. */
  public readonly key: kms.Key;
  /** Evidence bundles and full SSM output (`ssm-output/`). */
  public readonly evidenceBucket: s3.Bucket;
  /** Server access logs of the evidence bucket. */
  public readonly accessLogBucket: s3.Bucket;
  /** Audit, state and idempotency tables. */
  public readonly auditStore: AuditStore;
  /** Attach to the instance profiles of managed hosts so SSM can write full output to the bucket. */
  public readonly instanceOutputPolicy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: StateStackProps) {
    super(scope, id, props);
    this.key = new kms.Key(this, 'Key', { enableKeyRotation: true, description: 'Paramedic evidence, audit trail and logs', removalPolicy: RemovalPolicy.RETAIN });
    this.key.grantEncryptDecrypt(new iam.ServicePrincipal(`logs.${this.region}.amazonaws.com`));
    this.accessLogBucket = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL, enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED, removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ expiration: Duration.days(props.config.retentionDays) }],
    });
    this.evidenceBucket = new s3.Bucket(this, 'Evidence', {
      encryption: s3.BucketEncryption.KMS, encryptionKey: this.key, bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL, enforceSSL: true, versioned: true,
      serverAccessLogsBucket: this.accessLogBucket, serverAccessLogsPrefix: 'evidence/',
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ expiration: Duration.days(props.config.retentionDays), noncurrentVersionExpiration: Duration.days(props.config.retentionDays) }],
    });
    this.auditStore = new AuditStore(this, 'AuditStore', { encryptionKey: this.key });
    this.instanceOutputPolicy = new iam.ManagedPolicy(this, 'InstanceOutputPolicy', {
      description: 'Lets the SSM agent on a Paramedic-managed host write command output to the evidence bucket',
      statements: [
        new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [this.evidenceBucket.arnForObjects('ssm-output/*')] }),
        new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Encrypt'], resources: [this.key.keyArn] }),
      ],
    });
  }
}
