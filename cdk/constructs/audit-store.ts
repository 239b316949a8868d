/**
 * The stateful tables: the hash-chained audit trail (indexes by execution, target, runbook,
 * outcome and time), the state table (locks, de-duplication, cooldowns; TTL) and the Powertools
 * idempotency table. KMS-encrypted, point-in-time recovery, retained on stack deletion.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { VERIFIED_APPROVAL_KEY_PREFIX } from '../../lambdas/core/workflow/verified-approval.js';
import {
  AUDIT_TABLE,
  IDEMPOTENCY_TABLE,
  STATE_TABLE,
} from '../../lambdas/adapters/dynamodb/table-layout.js';

/** Props of the audit store. */
export interface AuditStoreProps {
  readonly encryptionKey: kms.IKey;
}

const type = (t: 'S' | 'N'): dynamodb.AttributeType =>
  t === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER;

/** Audit, state and idempotency tables. */
export class AuditStore extends Construct {
  /** The append-only audit trail. */
  public readonly auditTable: dynamodb.Table;
  /** Locks, claims, cooldowns, failure counts, pending approvals. */
  public readonly stateTable: dynamodb.Table;
  /** Powertools idempotency records. */
  public readonly idempotencyTable: dynamodb.Table;

  constructor(scope: Construct, id: string, props: AuditStoreProps) {
    super(scope, id);
    const common = {
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.encryptionKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.RETAIN,
    };
    this.auditTable = new dynamodb.Table(this, 'AuditTrail', {
      ...common,
      partitionKey: { name: AUDIT_TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: AUDIT_TABLE.sortKey, type: dynamodb.AttributeType.NUMBER },
      deletionProtection: true,
    });
    for (const idx of Object.values(AUDIT_TABLE.indexes)) {
      this.auditTable.addGlobalSecondaryIndex({
        indexName: idx.name,
        partitionKey: { name: idx.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: idx.sortKey, type: type(idx.sortType) },
      });
    }
    this.stateTable = new dynamodb.Table(this, 'State', {
      ...common,
      partitionKey: { name: STATE_TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: STATE_TABLE.ttlAttribute,
    });
    this.idempotencyTable = new dynamodb.Table(this, 'Idempotency', {
      ...common,
      removalPolicy: RemovalPolicy.DESTROY,
      partitionKey: { name: IDEMPOTENCY_TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: IDEMPOTENCY_TABLE.ttlAttribute,
    });
  }

  /**
   * Record verified approval decisions: PutItem on the state table's `approval-decision#` items only
   * (IAM `dynamodb:LeadingKeys`), so the approve function, reachable by URL, can write no lock,
   * claim or pending approval.
   */
  grantRecordVerifiedApprovals(grantee: iam.IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:PutItem'],
        resources: [this.stateTable.tableArn],
        conditions: {
          'ForAllValues:StringLike': {
            'dynamodb:LeadingKeys': [`${VERIFIED_APPROVAL_KEY_PREFIX}*`],
          },
        },
      }),
    );
    this.stateTable.encryptionKey?.grantEncryptDecrypt(grantee);
  }

  /**
   * Append and read the audit trail; no DeleteItem, and UpdateItem only on the append count's
   * partition (IAM `dynamodb:LeadingKeys`), so an appender can never edit an entry or an anchor.
   */
  grantAppend(grantee: iam.IGrantable): void {
    this.auditTable.grant(
      grantee,
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:GetItem',
      'dynamodb:DescribeTable',
    );
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:UpdateItem'],
        resources: [this.auditTable.tableArn],
        conditions: {
          'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [AUDIT_TABLE.countKey] },
        },
      }),
    );
    this.auditTable.encryptionKey?.grantEncryptDecrypt(grantee);
  }
}
