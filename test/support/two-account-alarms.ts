/**
 * A hub and one spoke, each with its own CloudWatch alarms, for the `alarms` port as the handlers
 * wire it (lambdas/handlers/ports/cloudwatch-ports.ts). There is no local CloudWatch or STS, so
 * both are served by aws-sdk-client-mock: AssumeRole hands out the spoke's keys, and DescribeAlarms
 * answers from the alarms of whichever account and region the calling client's credentials and
 * region say it is in. A client built for the wrong place reads the wrong account's alarms, as it
 * would on AWS.
 */
import { mockClient } from 'aws-sdk-client-mock';
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  type CompositeAlarm,
  type MetricAlarm,
} from '@aws-sdk/client-cloudwatch';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { SPOKE_ENV } from '../../lambdas/adapters/sts/spoke-role.js';
import type { TargetLocation } from '../../lambdas/core/workflow/ports.js';

/** The hub: its account, region and the function's own (environment) keys. */
export const HUB = { account: '123456789012', region: 'us-east-1' } as const;
/** A spoke in another account and region. */
export const SPOKE = { account: '222222222222', region: 'us-east-2' } as const;
const HUB_KEY = 'AKIAHUBFAKE000000001';
const SPOKE_KEY = 'ASIASPOKEFAKE0000001';
const EXTERNAL_ID = 'paramedic-test-external-id';

/** The alarms of one account and region, by name. */
export type AlarmsByName = Readonly<Record<string, MetricAlarm | CompositeAlarm>>;

/** One DescribeAlarms call: where it was answered from, and for which names. */
export interface AlarmRead {
  readonly account: string;
  readonly region: string;
  readonly names: readonly string[];
}

/** The two accounts' CloudWatch and STS, mocked; `reads` lists every DescribeAlarms call. */
export interface TwoAccountAlarms {
  /** The environment of a hub function with spokes configured (what cdk/constructs/spoke-access.ts sets). */
  readonly env: NodeJS.ProcessEnv;
  readonly reads: AlarmRead[];
  /** Restores the mocks and the process environment. */
  restore(): void;
}

const isComposite = (a: MetricAlarm | CompositeAlarm): a is CompositeAlarm => 'AlarmRule' in a;

/** Serves `hub` and `spoke` alarms to the clients built for each place. */
export function twoAccountAlarms(alarms: {
  readonly hub: AlarmsByName;
  readonly spoke: AlarmsByName;
}): TwoAccountAlarms {
  const saved = { ...process.env };
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: HUB_KEY,
    AWS_SECRET_ACCESS_KEY: 'hub-secret-fake',
    AWS_REGION: HUB.region,
  });
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  const sts = mockClient(STSClient);
  sts.on(AssumeRoleCommand).callsFake(async (input: { RoleArn?: string }) => {
    // Only the spoke stack's role exists: any other role is refused as STS would.
    if (input.RoleArn !== `arn:aws:iam::${SPOKE.account}:role/paramedic-spoke-${SPOKE.region}`)
      throw Object.assign(new Error(`not authorized to assume ${input.RoleArn}`), {
        name: 'AccessDenied',
      });
    return {
      Credentials: {
        AccessKeyId: SPOKE_KEY,
        SecretAccessKey: 'spoke-secret-fake',
        SessionToken: 'spoke-session-fake',
        Expiration: new Date(Date.now() + 3600_000),
      },
    };
  });
  const reads: AlarmRead[] = [];
  const cloudwatch = mockClient(CloudWatchClient);
  cloudwatch.on(DescribeAlarmsCommand).callsFake(async (input, getClient) => {
    const client = getClient();
    const { accessKeyId } = await client.config.credentials();
    const region = await client.config.region();
    const where: TargetLocation | undefined =
      accessKeyId === HUB_KEY && region === HUB.region
        ? HUB
        : accessKeyId === SPOKE_KEY && region === SPOKE.region
          ? SPOKE
          : undefined;
    if (!where) throw new Error(`no account has keys ${accessKeyId} in ${region}`);
    const names: string[] = input.AlarmNames ?? [];
    reads.push({ ...where, names });
    const known = where === HUB ? alarms.hub : alarms.spoke;
    const found = names.flatMap((n) => (known[n] ? [known[n]] : []));
    return {
      MetricAlarms: found.filter((a) => !isComposite(a)),
      CompositeAlarms: found.filter(isComposite),
    };
  });
  return {
    env: {
      ...process.env,
      [SPOKE_ENV.hubAccount]: HUB.account,
      [SPOKE_ENV.externalId]: EXTERNAL_ID,
      [SPOKE_ENV.deployment]: '',
    },
    reads,
    restore() {
      sts.restore();
      cloudwatch.restore();
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    },
  };
}

/** An alarm event as the spoke's forwarding rule delivers it on the hub's bus: the spoke's account and region. */
export function fromSpoke<T extends Record<string, unknown>>(event: T): T {
  return { ...event, account: SPOKE.account, region: SPOKE.region };
}
