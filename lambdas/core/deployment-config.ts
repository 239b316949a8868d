/**
 * The deployment's configuration, read from CDK context (`cdk.json` → `context.paramedic`, or
 * `-c paramedic='{"alarmNamePrefixes":["prod-"]}'`) and validated at synth with a clear error.
 * Pure (no CDK): `cdk synth` reads it through cdk/config.ts, `paramedic coverage` from cdk.json.
 */
import * as z from 'zod/mini';
import {
  collectorLogParameters,
  LOG_FILE_PATTERN,
  LOG_FILE_RULE,
} from './collection/collector-documents.js';
import type { CollectorLogPaths } from './workflow/config.js';
import { DEFAULT_ALARM_NAME_PREFIXES } from './workflow/intake-filter.js';

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
  /**
   * Names this deployment so two can coexist in one account and region: it qualifies the stack
   * names, SSM document names (`Paramedic-<name>-…`), export names and the created event bus.
   * @default none (stacks `ParamedicState` / `ParamedicPipeline`, documents `Paramedic-…`)
   */
  readonly deploymentName?: string;
  /** Deploy to this account/region; absent means environment-agnostic stacks (resolved at deploy, never a silent us-east-1). */
  readonly account?: string;
  readonly region?: string;
  /** Existing IAM roles (instance profiles' roles of managed hosts) to attach the instance output policy to. */
  readonly instanceRoleNames: readonly string[];
  /** The tag an instance must carry for the workflow to send it commands (`ssm:resourceTag/<key>` condition on ssm:SendCommand). */
  readonly managedInstanceTag: { readonly key: string; readonly value: string };
  /** SendCommand rate controls (MaxConcurrency / MaxErrors, as SSM accepts them: a count or a percentage) per kind of document. */
  readonly ssmRateControl: SsmRateControlConfig;
  /** Reserved concurrency of each function; `false` reserves none (the account's unreserved pool is shared). */
  readonly reservedConcurrency: number | false;
  /** Topic for the operational alarms (failed/timed-out executions, Lambda errors/throttles, DLQ depth). @default the notification topic */
  readonly operationalAlarmTopicArn?: string;
  /** Existing EventBridge bus to publish on and take run requests from; absent creates `paramedic[-<deploymentName>]`. */
  readonly eventBusName?: string;
  /** Subnets and security groups for the functions that call private EKS endpoints (Collect, Verify, RemediateStep). */
  readonly eksNetwork?: {
    readonly subnetIds: readonly string[];
    readonly securityGroupIds: readonly string[];
  };
  /**
   * Log files every collection reads on a platform's hosts, by collector parameter: docker
   * `daemonLog`, `containerdLog`; eks `kubeletLog`, `containerdLog`, `ipamdLog`, `policyAgentLog`.
   * For fleets that keep a daemon's log outside the journal and the usual files (no systemd, a
   * custom `--log-file`); passed to the collector document on every Collect and Verify.
   * @default none
   */
  readonly collectorLogs?: CollectorLogPaths;
  /**
   * Many accounts: this deployment is the hub; the spoke stack (cdk/stacks/spoke-stack.ts) goes to
   * each listed account/region (or each account of the organization, through StackSets).
   * @default none: one account, one region
   */
  readonly spokes?: SpokesConfig;
}

/** The spoke accounts a hub admits, and the secret-less handshake of its role assumption. */
export interface SpokesConfig {
  /** Spoke account ids whose alarms the hub's bus admits and whose spoke role the hub may assume. */
  readonly accounts: readonly string[];
  /** An AWS Organization id (`o-…`): every account of it is admitted (StackSets with service-managed permissions). */
  readonly organizationId?: string;
  /** The ExternalId the hub passes to sts:AssumeRole and the spoke role requires (a confused-deputy guard, not a password). */
  readonly externalId: string;
  /** EKS clusters of the spoke accounts the hub may act on (each gets an access entry for the spoke role). @default none */
  readonly eksClusters: readonly string[];
}

/** MaxConcurrency / MaxErrors of one kind of document. */
export interface SsmRateLimit {
  readonly maxConcurrency: string;
  readonly maxErrors: string;
}

/** Rate controls for collectors (read-only) and remediation actions (they change hosts). */
export interface SsmRateControlConfig {
  readonly collect: SsmRateLimit;
  readonly remediate: SsmRateLimit;
}

/** Defaults: safe (dry run), so a fresh deploy changes nothing until switched on. */
export const DEFAULT_CONFIG: ParamedicConfig = {
  alarmNamePrefixes: DEFAULT_ALARM_NAME_PREFIXES,
  eksClusters: [],
  automaticRemediation: false,
  dryRun: true,
  retentionDays: 90,
  approvalTimeoutMinutes: 60,
  lockRetrySeconds: 30,
  verifyDelaySeconds: 60,
  instanceRoleNames: [],
  managedInstanceTag: { key: 'paramedic:managed', value: 'true' },
  // Collection is read-only: one broken host must not stop the others. Remediation stops sending
  // to the rest of a batch after the first failure, so a bad fix is not rolled out to 50 hosts.
  ssmRateControl: {
    collect: { maxConcurrency: '50', maxErrors: '100%' },
    remediate: { maxConcurrency: '10%', maxErrors: '0' },
  },
  reservedConcurrency: 20,
};

/** The configuration is invalid; the message names the field and how to fix it. */
export class ConfigError extends Error {
  /** What is wrong, without the advice (a reader other than `cdk synth` words its own). */
  readonly problem: string;
  constructor(problem: string) {
    super(
      `paramedic config: ${problem}. Fix cdk.json "context.paramedic" or pass -c paramedic='{...}'`,
    );
    this.name = 'ConfigError';
    this.problem = problem;
  }
}

const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
];

const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;
// SSM's own patterns for MaxConcurrency and MaxErrors (a count or a percentage).
// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_SendCommand.html
const rateLimit = z.strictObject({
  maxConcurrency: z
    .string()
    .check(
      z.regex(
        /^([1-9][0-9]*|[1-9][0-9]%|[1-9]%|100%)$/,
        'a count from 1 or a percentage such as 10%',
      ),
    ),
  maxErrors: z
    .string()
    .check(
      z.regex(
        /^([1-9][0-9]*|[0]|[1-9][0-9]%|[0-9]%|100%)$/,
        'a count from 0 or a percentage such as 10%',
      ),
    ),
});

// A log file as the collector document accepts it.
const logPath = z
  .string()
  .check(
    z.regex(new RegExp(LOG_FILE_PATTERN), `${LOG_FILE_RULE}, e.g. /var/log/docker/dockerd.log`),
  );
const logPaths = z.record(z.string(), logPath);

const schema = z.strictObject({
  alarmNamePrefixes: z.optional(
    z
      .array(
        z
          .string()
          .check(
            z.regex(
              /^[A-Za-z0-9_.:/ -]{1,200}$/,
              'alarm name prefixes are 1-200 characters of letters, digits, space and _.:/-',
            ),
          ),
      )
      .check(
        z.minLength(
          1,
          'give at least one prefix, or the rule would match every alarm of the account',
        ),
        z.maxLength(20, 'at most 20 prefixes'),
      ),
  ),
  eksClusters: z.optional(
    z.array(z.string().check(z.regex(/^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/, 'an EKS cluster name'))),
  ),
  approvalEmail: z.optional(
    z.string().check(z.regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'an email address')),
  ),
  approvalTopicArn: z.optional(z.string().check(z.regex(SNS_TOPIC_ARN, 'an SNS topic ARN'))),
  automaticRemediation: z.optional(z.boolean()),
  dryRun: z.optional(z.boolean()),
  retentionDays: z.optional(
    z
      .number()
      .check(
        z.refine(
          (n) => RETENTION_DAYS.includes(n),
          `one of ${RETENTION_DAYS.join(', ')} (CloudWatch Logs retention values)`,
        ),
      ),
  ),
  approvalTimeoutMinutes: z.optional(
    z.number().check(z.int(), z.gte(5, 'at least 5 minutes'), z.lte(7 * 24 * 60, 'at most 7 days')),
  ),
  lockRetrySeconds: z.optional(z.number().check(z.int(), z.gte(5), z.lte(600))),
  verifyDelaySeconds: z.optional(z.number().check(z.int(), z.gte(0), z.lte(3600))),
  deploymentName: z.optional(
    z
      .string()
      .check(
        z.regex(
          /^[a-z][a-z0-9]{0,15}$/,
          'a deployment name is 1-16 lower-case letters and digits, starting with a letter',
        ),
      ),
  ),
  account: z.optional(z.string().check(z.regex(/^\d{12}$/, 'a 12-digit AWS account id'))),
  region: z.optional(
    z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as eu-west-1')),
  ),
  instanceRoleNames: z.optional(
    z.array(z.string().check(z.regex(/^[\w+=,.@-]{1,64}$/, 'an IAM role name (not an ARN)'))),
  ),
  managedInstanceTag: z.optional(
    z.strictObject({
      key: z.string().check(z.regex(/^[\w.:/=+@-]{1,128}$/, 'a tag key')),
      value: z.string().check(z.regex(/^[\w.:/=+@ -]{0,256}$/, 'a tag value')),
    }),
  ),
  ssmRateControl: z.optional(
    z.strictObject({ collect: z.optional(rateLimit), remediate: z.optional(rateLimit) }),
  ),
  reservedConcurrency: z.optional(
    z.union([
      z.literal(false),
      z.number().check(z.int(), z.gte(1, 'at least 1, or false to reserve none'), z.lte(1000)),
    ]),
  ),
  operationalAlarmTopicArn: z.optional(
    z.string().check(z.regex(SNS_TOPIC_ARN, 'an SNS topic ARN')),
  ),
  eventBusName: z.optional(
    z.string().check(z.regex(/^[\w.\-/]{1,256}$/, 'an EventBridge bus name (not an ARN)')),
  ),
  eksNetwork: z.optional(
    z.strictObject({
      subnetIds: z
        .array(z.string().check(z.regex(/^subnet-[0-9a-f]{8,17}$/, 'a subnet id (subnet-…)')))
        .check(z.minLength(1, 'at least one subnet')),
      securityGroupIds: z
        .array(z.string().check(z.regex(/^sg-[0-9a-f]{8,17}$/, 'a security group id (sg-…)')))
        .check(z.minLength(1, 'at least one security group')),
    }),
  ),
  collectorLogs: z.optional(
    z.strictObject({ docker: z.optional(logPaths), eks: z.optional(logPaths) }),
  ),
  spokes: z.optional(
    z.strictObject({
      accounts: z.optional(
        z.array(z.string().check(z.regex(/^\d{12}$/, 'a 12-digit AWS account id'))),
      ),
      organizationId: z.optional(
        z.string().check(z.regex(/^o-[a-z0-9]{10,32}$/, 'an AWS Organization id (o-…)')),
      ),
      externalId: z
        .string()
        .check(
          z.regex(
            /^[\w+=,.@:/-]{16,1224}$/,
            'an ExternalId of 16-1224 characters of letters, digits and +=,.@:/-_',
          ),
        ),
      eksClusters: z.optional(
        z.array(
          z.string().check(z.regex(/^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/, 'an EKS cluster name')),
        ),
      ),
    }),
  ),
});

const KNOWN_FIELDS = Object.keys(schema.shape);

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
    throw new ConfigError(
      `${path}: ${issue.code === 'unrecognized_keys' ? `unknown field(s) ${(issue as { keys?: string[] }).keys?.join(', ')}; known: ${KNOWN_FIELDS.join(', ')}` : issue.message}`,
    );
  }
  const data = parsed.data;
  const config = {
    ...DEFAULT_CONFIG,
    ...data,
    ssmRateControl: { ...DEFAULT_CONFIG.ssmRateControl, ...data.ssmRateControl },
  } as ParamedicConfig;
  if (data.spokes) {
    if (!data.spokes.accounts?.length && !data.spokes.organizationId)
      throw new ConfigError(
        "spokes: give accounts (spoke account ids) or organizationId, or the hub's bus would admit nobody",
      );
    (config as { spokes?: SpokesConfig }).spokes = {
      accounts: data.spokes.accounts ?? [],
      externalId: data.spokes.externalId,
      eksClusters: data.spokes.eksClusters ?? [],
      ...(data.spokes.organizationId ? { organizationId: data.spokes.organizationId } : {}),
    };
  }
  for (const platform of ['docker', 'eks'] as const) {
    const known = collectorLogParameters(platform);
    for (const name of Object.keys(data.collectorLogs?.[platform] ?? {}))
      if (!known.includes(name))
        throw new ConfigError(
          `collectorLogs.${platform}.${name}: not a log the ${platform} collector reads; known: ${known.join(', ')}`,
        );
  }
  if (config.approvalEmail && config.approvalTopicArn)
    throw new ConfigError(
      'set approvalEmail or approvalTopicArn, not both (subscribe the email to your own topic)',
    );
  return config;
}

/**
 * The clusters Intake reads as EKS: the hub's and the spokes'. A cluster-level alarm (ClusterName
 * alone) resolves to a cluster's failing nodes only for a cluster named here, wherever the alarm came
 * from (IAM stays per stack); the pipeline's Intake and `paramedic coverage` both read this.
 * @example intakeEksClusters(parseConfig({ eksClusters: ['a'], spokes: { accounts: ['111111111111'], eksClusters: ['b'] } })) // ['a', 'b']
 */
export function intakeEksClusters(config: ParamedicConfig): string[] {
  return [...new Set([...config.eksClusters, ...(config.spokes?.eksClusters ?? [])])];
}
