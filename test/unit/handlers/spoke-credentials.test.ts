/**
 * Two accounts' worth of fake credentials: the hub's own (environment variables of the function)
 * and the spoke's, which only STS hands out (AssumeRole served by aws-sdk-client-mock: there is no
 * local STS). The clients built for a spoke target carry the assumed credentials and the spoke's
 * region; the hub's targets keep the function's own.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { GetCommandInvocationCommand, SendCommandCommand, SSMClient } from '@aws-sdk/client-ssm';
import { DescribeAutoScalingGroupsCommand, AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import {
  SpokeCredentials,
  SpokeRoleError,
} from '../../../lambdas/adapters/sts/spoke-credentials.js';
import { StsRoleAssumer } from '../../../lambdas/adapters/sts/sts-role-assumer.js';
import { SPOKE_ENV } from '../../../lambdas/adapters/sts/spoke-role.js';
import { ssmCommandPorts } from '../../../lambdas/handlers/ports/ssm-ports.js';
import { autoScalingTargetPorts } from '../../../lambdas/handlers/ports/autoscaling-ports.js';
import { ENV } from '../../../lambdas/handlers/environment.js';
import { expandTargets, parseTarget } from '../../../lambdas/core/workflow/targets.js';
import { commandLocations } from '../../../lambdas/core/workflow/target-location.js';

const HUB = '111111111111';
const SPOKE = '222222222222';
const HUB_KEYS = { accessKeyId: 'AKIAHUBFAKE000000001', secretAccessKey: 'hub-secret-fake' };
const SPOKE_KEYS = {
  AccessKeyId: 'ASIASPOKEFAKE0000001',
  SecretAccessKey: 'spoke-secret-fake',
  SessionToken: 'spoke-session-fake',
};
const EXTERNAL_ID = 'paramedic-test-external-id';

const sts = mockClient(STSClient);
const ssm = mockClient(SSMClient);
const autoscaling = mockClient(AutoScalingClient);

// The functions' provider reads the real clock; SpokeCredentials' own tests move this one.
let now = Date.now();
const saved = { ...process.env };

beforeEach(() => {
  sts.reset();
  ssm.reset();
  autoscaling.reset();
  sts.on(AssumeRoleCommand).callsFake(async () => ({
    Credentials: { ...SPOKE_KEYS, Expiration: new Date(now + 3600_000) },
  }));
  ssm.on(SendCommandCommand).resolves({ Command: { CommandId: 'c-1' } });
  ssm.on(GetCommandInvocationCommand).resolves({
    Status: 'Success',
    StatusDetails: 'Success',
    ResponseCode: 0,
    StandardOutputContent: 'ok',
    StandardErrorContent: '',
  });
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: HUB_KEYS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: HUB_KEYS.secretAccessKey,
    AWS_REGION: 'eu-west-1',
  });
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
});
afterEach(() => {
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
});

const hubEnv = (): NodeJS.ProcessEnv => ({
  ...process.env,
  [ENV.evidenceBucket]: 'hub-evidence',
  [ENV.stateTable]: 'hub-state',
  [SPOKE_ENV.hubAccount]: HUB,
  [SPOKE_ENV.externalId]: EXTERNAL_ID,
  [SPOKE_ENV.deployment]: '',
});

async function identityOf(client: {
  config: {
    credentials: () => Promise<{ accessKeyId: string; sessionToken?: string }>;
    region: () => Promise<string>;
  };
}) {
  const c = await client.config.credentials();
  return {
    accessKeyId: c.accessKeyId,
    sessionToken: c.sessionToken,
    region: await client.config.region(),
  };
}

describe("commands on a spoke account run with the spoke role's credentials, in its region", () => {
  it("sends each target's command from a client of its own account and region", async () => {
    const { commands } = ssmCommandPorts.create(hubEnv());
    const hubTarget = {
      id: 'i-0aaaaaaaaaaaaaaa1',
      platform: 'docker' as const,
      instanceId: 'i-0aaaaaaaaaaaaaaa1',
      account: HUB,
      region: 'eu-west-1',
    };
    const spokeTarget = {
      id: 'i-0bbbbbbbbbbbbbbb2',
      platform: 'docker' as const,
      instanceId: 'i-0bbbbbbbbbbbbbbb2',
      account: SPOKE,
      region: 'us-east-2',
    };
    const results = await commands!.run({
      document: 'Paramedic-CollectDockerHost',
      parameters: {},
      targets: [hubTarget.id, spokeTarget.id],
      timeoutSeconds: 60,
      locations: commandLocations([hubTarget, spokeTarget]),
    });

    expect(results.map((r) => [r.target, r.status]).sort()).toEqual([
      [hubTarget.id, 'Success'],
      [spokeTarget.id, 'Success'],
    ]);
    const sends = ssm.commandCalls(SendCommandCommand);
    expect(sends).toHaveLength(2);
    const byTarget = Object.fromEntries(
      await Promise.all(
        sends.map(async (c) => [
          c.args[0].input.InstanceIds![0],
          {
            ...(await identityOf(c.thisValue as never)),
            bucket: c.args[0].input.OutputS3BucketName,
          },
        ]),
      ),
    );
    expect(byTarget[spokeTarget.id]).toEqual({
      accessKeyId: SPOKE_KEYS.AccessKeyId,
      sessionToken: SPOKE_KEYS.SessionToken,
      region: 'us-east-2',
      bucket: `paramedic-ssm-${SPOKE}-us-east-2`,
    });
    expect(byTarget[hubTarget.id]).toEqual({
      accessKeyId: HUB_KEYS.accessKeyId,
      sessionToken: undefined,
      region: 'eu-west-1',
      bucket: 'hub-evidence',
    });
    const assumed = sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input);
    expect(assumed).toEqual([
      expect.objectContaining({
        RoleArn: `arn:aws:iam::${SPOKE}:role/paramedic-spoke-us-east-2`,
        ExternalId: EXTERNAL_ID,
      }),
    ]);
  });

  it("expands a spoke's Auto Scaling group with the spoke's credentials, and its instances carry where they are", async () => {
    autoscaling.on(DescribeAutoScalingGroupsCommand).resolves({
      AutoScalingGroups: [
        {
          Instances: [{ InstanceId: 'i-0ccccccccccccccc3', LifecycleState: 'InService' }],
        } as never,
      ],
    });
    const { targets } = autoScalingTargetPorts.create(hubEnv());
    const expanded = await expandTargets(
      [parseTarget(`aws://${SPOKE}/ap-southeast-2/asg:web`)],
      targets,
      10,
    );

    expect(expanded).toEqual([
      {
        id: 'i-0ccccccccccccccc3',
        platform: 'docker',
        instanceId: 'i-0ccccccccccccccc3',
        account: SPOKE,
        region: 'ap-southeast-2',
      },
    ]);
    expect(
      await identityOf(
        autoscaling.commandCalls(DescribeAutoScalingGroupsCommand)[0]!.thisValue as never,
      ),
    ).toEqual({
      accessKeyId: SPOKE_KEYS.AccessKeyId,
      sessionToken: SPOKE_KEYS.SessionToken,
      region: 'ap-southeast-2',
    });
  });

  it("without spokes configured, every client is the function's own (no STS call)", async () => {
    const env = {
      ...process.env,
      [ENV.evidenceBucket]: 'hub-evidence',
      [ENV.stateTable]: 'hub-state',
    };
    const { commands } = ssmCommandPorts.create(env);
    await commands!.run({
      document: 'Paramedic-CollectDockerHost',
      parameters: {},
      targets: ['i-0aaaaaaaaaaaaaaa1'],
      timeoutSeconds: 60,
    });
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(0);
    expect(
      (await identityOf(ssm.commandCalls(SendCommandCommand)[0]!.thisValue as never)).accessKeyId,
    ).toBe(HUB_KEYS.accessKeyId);
  });
});

describe('SpokeCredentials', () => {
  const provider = () =>
    new SpokeCredentials({
      roles: new StsRoleAssumer(new STSClient({ region: 'eu-west-1' })),
      hubAccount: HUB,
      hubRegion: 'eu-west-1',
      externalId: EXTERNAL_ID,
      deploymentName: 'prod',
      now: () => now,
    });

  it('assumes once per account and region, shares a pending call, and renews five minutes before expiry', async () => {
    const p = provider();
    const creds = p.clientConfigFor({ account: SPOKE, region: 'eu-west-1' }).credentials!;
    const [a, b] = await Promise.all([creds(), creds()]);
    expect(a).toBe(b);
    await p.clientConfigFor({ account: SPOKE, region: 'us-east-2' }).credentials!();
    expect(sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.RoleArn)).toEqual([
      `arn:aws:iam::${SPOKE}:role/paramedic-prod-spoke-eu-west-1`,
      `arn:aws:iam::${SPOKE}:role/paramedic-prod-spoke-us-east-2`,
    ]);
    now += 54 * 60_000; // 6 minutes left: still cached
    await creds();
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(2);
    now += 2 * 60_000; // 4 minutes left: renewed
    await creds();
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(3);
  });

  it("the hub's own account and region need no role; its other regions are spokes", () => {
    const p = provider();
    expect(p.clientConfigFor({ account: HUB, region: 'eu-west-1' })).toEqual({
      region: 'eu-west-1',
    });
    expect(p.clientConfigFor(undefined)).toEqual({ region: 'eu-west-1' });
    expect(p.clientConfigFor({ account: HUB, region: 'eu-central-1' }).credentials).toBeTypeOf(
      'function',
    );
  });

  it('a refused AssumeRole names the role and what to deploy, and is retried on the next call', async () => {
    sts
      .on(AssumeRoleCommand)
      .rejectsOnce(
        Object.assign(new Error('User is not authorized to perform: sts:AssumeRole'), {
          name: 'AccessDenied',
        }),
      )
      .resolves({ Credentials: { ...SPOKE_KEYS, Expiration: new Date(now + 3600_000) } });
    const creds = provider().clientConfigFor({ account: SPOKE, region: 'eu-west-1' }).credentials!;
    await expect(creds()).rejects.toThrow(SpokeRoleError);
    await expect(creds()).resolves.toMatchObject({ accessKeyId: SPOKE_KEYS.AccessKeyId });
  });
});
