/**
 * The deployment's configuration, read from CDK context (`cdk.json` → `context.paramedic`, or
 * `-c paramedic='{"alarmNamePrefixes":["prod-"]}'`) and validated at synth with a clear error.
 */
import * as z from 'zod/mini';
import type { Node } from 'constructs';

/** What a deployment may set. */
export interface ParamedicConfig {
  /** Alarms whose name starts with one of these trigger the workflow (filtered in the EventBridge pattern). */
  readonly alarmNamePrefixes: readonly string[];
  /** EKS clusters whose nodes the workflow may act on (names). */
  readonly eksClusters: readonly string[];
  /** Email subscribed to the notification topic (approvals, escalations, reports). */
  readonly approvalEmail?: string;
  /** Existing SNS topic to notify instead of creating one. */
  readonly approvalTopicArn?: string;
  /** When false, automatic runbooks also wait for an approval. */
  readonly automaticRemediation: boolean;
  /** When true, nothing is ever changed: plans are recorded as dry runs. */
  readonly dryRun: boolean;
  /** Days to keep evidence objects and logs. */
  readonly retentionDays: number;
  /** Minutes an approval request waits before timing out. */
  readonly approvalTimeoutMinutes: number;
  /** Seconds between lock attempts on a busy target. */
  readonly lockRetrySeconds: number;
  /** Seconds to wait before verification collects again. */
  readonly verifyDelaySeconds: number;
  /** Subnets and security groups for the functions that call private EKS endpoints (Collect, Verify, RemediateStep). */
  readonly eksNetwork?: { readonly subnetIds: readonly string[]; readonly securityGroupIds: readonly string[] };
}

/** Defaults: safe (dry run), so a fresh deploy changes nothing until switched on. */
export const DEFAULT_CONFIG: ParamedicConfig = {
  alarmNamePrefixes: ['paramedic-'],
  eksClusters: [],
  automaticRemediation: false,
  dryRun: true,
  retentionDays: 90,
  approvalTimeoutMinutes: 60,
  lockRetrySeconds: 30,
  verifyDelaySeconds: 60,
};

/** The configuration is invalid; the message names the field and how to fix it. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(`paramedic config: ${message}. Fix cdk.json "context.paramedic" or pass -c paramedic='{...}'`);
    this.name = 'ConfigError';
  }
}

const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

const schema = z.strictObject({
  alarmNamePrefixes: z.optional(z.array(z.string().check(z.regex(/^[A-Za-z0-9_.:\/ -]{1,200}$/, 'alarm name prefixes are 1-200 characters of letters, digits, space and _.:/-'))).check(z.minLength(1, 'give at least one prefix, or the rule would match every alarm of the account'), z.maxLength(20, 'at most 20 prefixes'))),
  eksClusters: z.optional(z.array(z.string().check(z.regex(/^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/, 'an EKS cluster name')))),
  approvalEmail: z.optional(z.string().check(z.regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'an email address'))),
  approvalTopicArn: z.optional(z.string().check(z.regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, 'an SNS topic ARN'))),
  automaticRemediation: z.optional(z.boolean()),
  dryRun: z.optional(z.boolean()),
  retentionDays: z.optional(z.number().check(z.refine((n) => RETENTION_DAYS.includes(n), `one of ${RETENTION_DAYS.join(', ')} (CloudWatch Logs retention values)`))),
  approvalTimeoutMinutes: z.optional(z.number().check(z.int(), z.gte(5, 'at least 5 minutes'), z.lte(7 * 24 * 60, 'at most 7 days'))),
  lockRetrySeconds: z.optional(z.number().check(z.int(), z.gte(5), z.lte(600))),
  verifyDelaySeconds: z.optional(z.number().check(z.int(), z.gte(0), z.lte(3600))),
  eksNetwork: z.optional(z.strictObject({
    subnetIds: z.array(z.string().check(z.regex(/^subnet-[0-9a-f]{8,17}$/, 'a subnet id (subnet-…)'))).check(z.minLength(1, 'at least one subnet')),
    securityGroupIds: z.array(z.string().check(z.regex(/^sg-[0-9a-f]{8,17}$/, 'a security group id (sg-…)'))).check(z.minLength(1, 'at least one security group')),
  })),
});

/**
 * Validates a raw configuration (object or JSON text) and fills defaults.
 * @throws ConfigError naming the first invalid field.
 */
export function parseConfig(raw: unknown): ParamedicConfig {
  let value = raw ?? {};
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      throw new ConfigError('context "paramedic" is not valid JSON');
    }
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.map(String).join('.') || '(root)';
    throw new ConfigError(`${path}: ${issue.code === 'unrecognized_keys' ? `unknown field(s) ${(issue as { keys?: string[] }).keys?.join(', ')}; known: ${Object.keys(DEFAULT_CONFIG).join(', ')}, approvalEmail, approvalTopicArn, eksNetwork` : issue.message}`);
  }
  const config = { ...DEFAULT_CONFIG, ...parsed.data } as ParamedicConfig;
  if (config.approvalEmail && config.approvalTopicArn) throw new ConfigError('set approvalEmail or approvalTopicArn, not both (subscribe the email to your own topic)');
  return config;
}

/** Reads and validates `context.paramedic` from a construct's node. */
export function loadConfig(node: Node): ParamedicConfig {
  return parseConfig(node.tryGetContext('paramedic'));
}
