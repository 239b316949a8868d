/**
 * Where `audit` and the console read the trail: the local data directory, or with `--aws` the
 * deployed stack's DynamoDB table and S3 bucket, through the pipeline's own AWS adapters. Their
 * names come from the stack outputs unless `--table`/`--bucket` (or the environment) say otherwise.
 */
import type { AuditStore, EvidenceStore } from '../../lambdas/core/ports.js';
import { LocalAuditStore } from '../../lambdas/adapters/local/local-audit-store.js';
import { LocalEvidenceStore } from '../../lambdas/adapters/local/local-evidence-store.js';
import type { AwsClientOverrides, AwsLocation } from '../aws/aws-session.js';

/** The stores one audit command reads. */
export interface AuditSource {
  readonly kind: 'local' | 'aws';
  readonly audit: AuditStore;
  readonly evidence?: EvidenceStore;
  /** Where, in words (a path, or table and bucket). */
  readonly where: string;
}

/** What `--aws` may be told explicitly; anything absent comes from the stack outputs. */
export interface AwsAuditOptions extends AwsLocation {
  readonly table?: string;
  readonly bucket?: string;
}

/** Opens the local trail, or the deployed one with `--aws` (your AWS credentials, no public endpoint). */
export async function openAuditSource(
  options: { aws?: boolean; dataDir: string } & AwsAuditOptions,
  overrides?: AwsClientOverrides,
): Promise<AuditSource> {
  if (!options.aws)
    return {
      kind: 'local',
      audit: new LocalAuditStore(options.dataDir),
      evidence: new LocalEvidenceStore(options.dataDir),
      where: options.dataDir,
    };
  // Loaded only with --aws, so local commands never pay for the SDK.
  const [{ AwsSession }, { DynamoDbAuditStore }, { S3EvidenceStore }] = await Promise.all([
    import('../aws/aws-session.js'),
    import('../../lambdas/adapters/dynamodb/dynamodb-audit-store.js'),
    import('../../lambdas/adapters/s3/s3-evidence-store.js'),
  ]);
  const session = new AwsSession(options, overrides);
  const table =
    options.table ??
    process.env.PARAMEDIC_AUDIT_TABLE ??
    (await session.stack.output('AuditTableName', '--table <name>'));
  // The bucket is looked up only when evidence is read: `audit list/stats/verify` need the table alone.
  const named = options.bucket ?? process.env.PARAMEDIC_EVIDENCE_BUCKET;
  let store: Promise<InstanceType<typeof S3EvidenceStore>> | undefined;
  const s3Evidence = () =>
    (store ??= (async () =>
      new S3EvidenceStore(
        session.s3,
        named ?? (await session.stack.output('EvidenceBucketName', '--bucket <name>')),
      ))());
  const evidence: EvidenceStore = {
    put: async (key, bundle) => (await s3Evidence()).put(key, bundle),
    get: async (ref) => (await s3Evidence()).get(ref),
  };
  return {
    kind: 'aws',
    audit: new DynamoDbAuditStore(session.documentClient, table),
    evidence,
    where: `DynamoDB table ${table}, S3 bucket ${named ?? '(from the stack outputs)'}`,
  };
}
