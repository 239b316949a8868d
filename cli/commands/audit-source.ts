/**
 * Where `audit` and the console read the trail: the local data directory, or with `--aws` the
 * deployed stack's DynamoDB table and S3 bucket, through the pipeline's own AWS adapters.
 */
import type { AuditStore, EvidenceStore } from '../../lambdas/core/ports.js';
import { LocalAuditStore } from '../../lambdas/adapters/local/local-audit-store.js';
import { LocalEvidenceStore } from '../../lambdas/adapters/local/local-evidence-store.js';

/** The stores one audit command reads. */
export interface AuditSource {
  readonly kind: 'local' | 'aws';
  readonly audit: AuditStore;
  readonly evidence?: EvidenceStore;
  /** Where, in words (a path, or table and bucket). */
  readonly where: string;
}

/** What `--aws` needs: the stack's table and bucket (from flags or environment variables). */
export interface AwsAuditOptions {
  readonly table?: string;
  readonly bucket?: string;
  readonly region?: string;
}

/** Opens the local trail, or the deployed one with `--aws` (your AWS credentials, no public endpoint). */
export async function openAuditSource(options: { aws?: boolean; dataDir: string } & AwsAuditOptions): Promise<AuditSource> {
  if (!options.aws) return { kind: 'local', audit: new LocalAuditStore(options.dataDir), evidence: new LocalEvidenceStore(options.dataDir), where: options.dataDir };
  const table = options.table ?? process.env.PARAMEDIC_AUDIT_TABLE;
  const bucket = options.bucket ?? process.env.PARAMEDIC_EVIDENCE_BUCKET;
  if (!table) throw new Error('--aws needs the audit table: pass --table <name> or set PARAMEDIC_AUDIT_TABLE (the stack output of the audit table name)');
  // Loaded only with --aws, so local commands never pay for the SDK.
  const [{ DynamoDBClient }, { DynamoDBDocumentClient }, { DynamoDbAuditStore }] = await Promise.all([
    import('@aws-sdk/client-dynamodb'), import('@aws-sdk/lib-dynamodb'), import('../../lambdas/adapters/dynamodb/dynamodb-audit-store.js'),
  ]);
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient(options.region ? { region: options.region } : {}), { marshallOptions: { removeUndefinedValues: true } });
  const audit: AuditStore = new DynamoDbAuditStore(doc, table);
  let evidence: EvidenceStore | undefined;
  if (bucket) {
    const [{ S3Client }, { S3EvidenceStore }] = await Promise.all([import('@aws-sdk/client-s3'), import('../../lambdas/adapters/s3/s3-evidence-store.js')]);
    evidence = new S3EvidenceStore(new S3Client(options.region ? { region: options.region } : {}), bucket);
  }
  return { kind: 'aws', audit, evidence, where: `DynamoDB table ${table}${bucket ? `, S3 bucket ${bucket}` : ''}` };
}
