/**
 * Intake names the instance targets that lack the managed tag before any SendCommand is denied on
 * them: one DescribeInstances per 200 ids (an instance-id filter, paged), through the spoke role
 * for a spoke's targets. It only reports: every target stays, and a lookup EC2 throttles or IAM
 * denies leaves the run going with the check marked skipped and why. EC2 and STS are served by
 * aws-sdk-client-mock (there is no local EC2).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeInstancesCommand, EC2Client, EC2ServiceException } from '@aws-sdk/client-ec2';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { awsErrorWording } from '../../../lambdas/adapters/aws-sdk/aws-error-message.js';
import {
  Ec2ManagedTagDirectory,
  IDS_PER_CALL,
} from '../../../lambdas/adapters/ec2/ec2-managed-tags.js';
import { LocalAuditStore } from '../../../lambdas/adapters/local/local-audit-store.js';
import { REPO_ROOT } from '../../../lambdas/adapters/local/runbook-directory.js';
import { LocalStateStore } from '../../../lambdas/adapters/local/local-state-store.js';
import { SSM_RUNNER_ENV } from '../../../lambdas/adapters/ssm/ssm-runner-environment.js';
import { SPOKE_ENV } from '../../../lambdas/adapters/sts/spoke-role.js';
import { resolveWorkflowConfig } from '../../../lambdas/core/workflow/config.js';
import { runIntake } from '../../../lambdas/core/workflow/steps/intake.js';
import { ec2ManagedTagPorts } from '../../../lambdas/handlers/ports/ec2-managed-tag-ports.js';

const HUB = '123456789012';
const SPOKE = '222222222222';
const INSTANCE = 'i-0a1b2c3d4e5f60718';
const TAG = { key: 'paramedic:managed', value: 'true' };
const SPOKE_KEYS = {
  AccessKeyId: 'ASIASPOKEFAKE0000001',
  SecretAccessKey: 'spoke-secret-fake',
  SessionToken: 'spoke-session-fake',
};

const ec2 = mockClient(EC2Client);
const sts = mockClient(STSClient);
const dirs: string[] = [];
const saved = { ...process.env };

beforeEach(() => {
  ec2.reset();
  sts.reset();
  sts.on(AssumeRoleCommand).resolves({
    Credentials: { ...SPOKE_KEYS, Expiration: new Date(Date.now() + 3600_000) },
  });
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'AKIAHUBFAKE000000001',
    AWS_SECRET_ACCESS_KEY: 'hub-secret-fake',
    AWS_REGION: 'eu-west-1',
  });
});
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
afterAll(() => {
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
});

/** The function's environment: the managed tag as CDK sets it, and the hub's spoke settings. */
const env = (): NodeJS.ProcessEnv => ({
  ...process.env,
  [SSM_RUNNER_ENV.managedInstanceTag]: JSON.stringify(TAG),
  [SPOKE_ENV.hubAccount]: HUB,
  [SPOKE_ENV.externalId]: 'paramedic-test-external-id',
  [SPOKE_ENV.deployment]: '',
});

/** The disk alarm on one instance, in `account` (a spoke forwards its alarms to the hub's bus). */
function diskAlarm(account = HUB) {
  const event = JSON.parse(
    readFileSync(join(REPO_ROOT, 'test/fixtures/alarms/ec2-docker-host-disk-used.json'), 'utf8'),
  );
  return { ...event, account };
}

/** An instance as DescribeInstances describes it. */
function instance(id: string, tags: Record<string, string> = {}) {
  return {
    InstanceId: id,
    State: { Name: 'running' as const },
    Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
  };
}

async function intake(event: unknown, environment: NodeJS.ProcessEnv = env()) {
  const dir = mkdtempSync(join(tmpdir(), 'paramedic-managed-tag-'));
  dirs.push(dir);
  const clock = { now: () => new Date('2026-11-23T09:02:00Z') };
  const audit = new LocalAuditStore(dir);
  const ports = {
    audit,
    state: new LocalStateStore(dir, clock),
    rulebook: { runbooks: [] } as never,
    config: resolveWorkflowConfig(),
    errorWording: awsErrorWording,
    ...ec2ManagedTagPorts.create(environment),
  };
  const result = await runIntake({ executionId: 'exec-1', state: event as never }, ports, clock);
  const triggered = (await audit.execution('exec-1')).find((e) => e.type === 'triggered')!;
  return { result, check: (triggered.data as { managedTag?: Record<string, unknown> }).managedTag };
}

describe('Intake warns about instance targets without the managed tag', () => {
  it('records a tagged target as checked, with nothing to warn about, from one filtered, paged call', async () => {
    ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [{ Instances: [instance(INSTANCE, { 'paramedic:managed': 'true' })] }],
    });

    const { result, check } = await intake(diskAlarm());

    expect(result.targets.map((t) => t.id)).toEqual([INSTANCE]);
    expect(check).toEqual({
      tag: 'paramedic:managed=true',
      checked: 1,
      untagged: [],
      notFound: [],
      message: 'all 1 instance target(s) carry the managed tag paramedic:managed=true',
    });
    const calls = ec2.commandCalls(DescribeInstancesCommand);
    expect(calls.map((c) => c.args[0].input)).toEqual([
      { Filters: [{ Name: 'instance-id', Values: [INSTANCE] }], MaxResults: 1000 },
    ]);
  });

  it('names an untagged target, the tag and the README prerequisite, and keeps the target', async () => {
    ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [{ Instances: [instance(INSTANCE, { 'paramedic:managed': 'false' })] }],
    });

    const { result, check } = await intake(diskAlarm());

    expect(result.targets.map((t) => t.id)).toEqual([INSTANCE]);
    expect(check).toMatchObject({ checked: 1, untagged: [INSTANCE], notFound: [] });
    expect(check!.message).toBe(
      `1 of 1 instance target(s) lack the managed tag paramedic:managed=true (${INSTANCE}): SendCommand will be denied on them and Collect sets them apart; tag them, see README Prerequisites 2 "The managed tag"`,
    );
    expect(check).not.toHaveProperty('skipped');
  });

  it('names a target EC2 does not find apart, says where it looked and what to check, and keeps the target', async () => {
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });

    const { result, check } = await intake(diskAlarm(SPOKE));

    expect(result.targets.map((t) => t.id)).toEqual([INSTANCE]);
    expect(check).toMatchObject({ checked: 1, untagged: [], notFound: [INSTANCE] });
    expect(check!.message).toBe(
      `1 of 1 instance target(s) were not found in ${SPOKE}/eu-west-1 (${INSTANCE}; not described, or terminated): SendCommand will refuse them; check that the alarm's account and region are where the instances run and that the target ids are right`,
    );
    expect(check!.message).not.toMatch(/carry the managed tag/);
  });

  it("looks a spoke's target up with the spoke role's credentials, in its region, and says where it is", async () => {
    ec2
      .on(DescribeInstancesCommand)
      .resolves({ Reservations: [{ Instances: [instance(INSTANCE)] }] });

    const { check } = await intake(diskAlarm(SPOKE));

    expect(check).toMatchObject({ untagged: [INSTANCE] });
    // The mock answers before the client signs: its credentials are resolved here, through STS.
    const client = ec2.commandCalls(DescribeInstancesCommand)[0]!.thisValue as EC2Client;
    expect((await client.config.credentials()).accessKeyId).toBe(SPOKE_KEYS.AccessKeyId);
    expect(await client.config.region()).toBe('eu-west-1');
    expect(sts.commandCalls(AssumeRoleCommand)[0]!.args[0].input.RoleArn).toContain(SPOKE);
  });

  it.each([
    [
      'throttled',
      new EC2ServiceException({
        name: 'RequestLimitExceeded',
        $fault: 'client',
        message: 'Request limit exceeded.',
        $metadata: { httpStatusCode: 503, requestId: 'req-throttled' },
      }),
      'DescribeInstances in 123456789012/eu-west-1 failed: RequestLimitExceeded: Request limit exceeded. (HTTP 503, request id req-throttled)',
    ],
    [
      'denied',
      new EC2ServiceException({
        name: 'UnauthorizedOperation',
        $fault: 'client',
        message: 'You are not authorized to perform this operation.',
        $metadata: { httpStatusCode: 403, requestId: 'req-denied' },
      }),
      'DescribeInstances in 123456789012/eu-west-1 failed: UnauthorizedOperation: You are not authorized to perform this operation. (HTTP 403, request id req-denied)',
    ],
  ])(
    'a lookup EC2 %s does not fail the run: the check says it was skipped and why',
    async (_how, error, why) => {
      ec2.on(DescribeInstancesCommand).rejects(error);

      const { result, check } = await intake(diskAlarm());

      expect(result).toMatchObject({ duplicate: false, targets: [{ id: INSTANCE }] });
      expect(check).toMatchObject({ checked: 1, untagged: [], notFound: [], skipped: why });
      expect(check!.message).toBe(
        `the managed tag check was skipped (${why}); an instance without the tag paramedic:managed=true fails at Collect, see README Prerequisites 2 "The managed tag"`,
      );
    },
  );

  it('checks nothing when the stack set no managed tag (SendCommand has no tag condition then)', async () => {
    const environment = env();
    delete environment[SSM_RUNNER_ENV.managedInstanceTag];

    const { check } = await intake(diskAlarm(), environment);

    expect(check).toBeUndefined();
    expect(ec2.commandCalls(DescribeInstancesCommand)).toHaveLength(0);
  });
});

describe('Ec2ManagedTagDirectory', () => {
  const directory = () =>
    new Ec2ManagedTagDirectory(() => new EC2Client({ region: 'eu-west-1' }), TAG);
  const ids = (n: number) =>
    Array.from({ length: n }, (_, i) => `i-${(i + 1).toString(16).padStart(17, '0')}`);

  it('finds no untagged instance among tagged ones, and lists ids EC2 does not describe as not found', async () => {
    ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [{ Instances: [instance(ids(1)[0]!, { 'Paramedic:Managed': 'true' })] }],
    });
    // IAM matches the condition key's tag name case-insensitively; the second id is unknown to EC2.
    expect(await directory().lookUp(ids(2))).toEqual({ untagged: [], notFound: [ids(2)[1]] });
  });

  it('counts a terminated instance as not found (EC2 stops listing it within the hour)', async () => {
    ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [
        { Instances: [{ ...instance(ids(1)[0]!), State: { Name: 'terminated' as const } }] },
      ],
    });
    expect(await directory().lookUp(ids(1))).toEqual({ untagged: [], notFound: ids(1) });
  });

  it('lists 1,500 untagged instances in their order, 200 ids per call, following every page', async () => {
    const all = ids(1500);
    ec2.on(DescribeInstancesCommand).callsFake(async (input) => {
      const asked: string[] = input.Filters[0].Values;
      // EC2 answers in pages of its own choosing and in any order: two pages, reversed.
      const half = Math.ceil(asked.length / 2);
      const page = input.NextToken ? asked.slice(half) : asked.slice(0, half);
      return {
        Reservations: [{ Instances: page.reverse().map((id) => instance(id)) }],
        ...(input.NextToken ? {} : { NextToken: `next-${asked[0]}` }),
      };
    });

    const found = await directory().lookUp(all);

    expect(found).toEqual({ untagged: all, notFound: [] });
    const inputs = ec2.commandCalls(DescribeInstancesCommand).map((c) => c.args[0].input);
    expect(inputs).toHaveLength(2 * Math.ceil(1500 / IDS_PER_CALL));
    for (const input of inputs) {
      expect(input.Filters![0]!.Values!.length).toBeLessThanOrEqual(IDS_PER_CALL);
      expect(input).not.toHaveProperty('InstanceIds');
      expect(input.MaxResults).toBe(1000);
    }
  });
});
