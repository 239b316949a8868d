/**
 * EKS in a spoke account, through the ports the Lambdas build (eks-ports.ts, group-ports.ts) with
 * two accounts' worth of fake credentials: the hub's own (the function's environment) and the
 * spoke role's, which only the local STS hands out. STS and EKS are a local signature-checking
 * endpoint (local-aws-api.ts, through AWS_ENDPOINT_URL_STS/EKS); each account has its own cluster
 * named `shop-prod`, a local HTTPS Kubernetes API server that accepts only a token whose presigned
 * GetCallerIdentity verifies as signed by that account's principal for the cluster's region.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PlannedStep, Target } from '../../../lambdas/core/workflow/model.js';
import type {
  ActionExecutor,
  ClusterPort,
  GroupMembership,
} from '../../../lambdas/core/workflow/ports.js';
import { SPOKE_ENV } from '../../../lambdas/adapters/sts/spoke-role.js';
import { eksActionPorts, eksClusterPorts } from '../../../lambdas/handlers/ports/eks-ports.js';
import { groupMembershipPorts } from '../../../lambdas/handlers/ports/group-ports.js';
import { FakeApiServer, makeCertificates } from './fake-api-server.js';
import { LocalAwsApi, type TokenCaller } from './local-aws-api.js';
import { loadScenario } from './scenario-loader.js';

const HUB = '111111111111';
const SPOKE = '222222222222';
const HUB_REGION = 'eu-west-1';
const SPOKE_REGION = 'us-east-2';
const HUB_KEY = { id: 'AKIALOCALHUB00000001', secret: 'hub-secret-local' };
const EXTERNAL_ID = 'paramedic-test-external-id';
const CLUSTER = 'shop-prod';
const NODE = 'ip-10-0-1-23.eu-west-1.compute.internal';
const SPOKE_INSTANCE = 'i-0bbbbbbbbbbbbbbb2';
const spoke = { account: SPOKE, region: SPOKE_REGION };

const aws = new LocalAwsApi();
let certs: ReturnType<typeof makeCertificates>;
const api: Record<'hub' | 'spoke', FakeApiServer> = {} as never;
/** Every token each API server was shown, with its verified caller (undefined: refused). */
const shown: Record<'hub' | 'spoke', { token: string; caller?: TokenCaller }[]> = {
  hub: [],
  spoke: [],
};
const saved = { ...process.env };

/** An API server that admits the principals of one account, signing for its region (what its access entry and EKS's STS check amount to). */
function admits(
  which: 'hub' | 'spoke',
  account: string,
  region: string,
): (token: string) => boolean {
  return (token) => {
    const caller = aws.callerOfToken(token, CLUSTER);
    shown[which].push({ token, ...(caller ? { caller } : {}) });
    return caller?.account === account && caller.region === region;
  };
}

beforeAll(async () => {
  certs = makeCertificates();
  aws.principals.set(HUB_KEY.id, { account: HUB, secret: HUB_KEY.secret });
  await aws.start();
  for (const which of ['hub', 'spoke'] as const) {
    api[which] = new FakeApiServer(certs, 'unused', loadScenario('oom-killed-pod'));
    await api[which].start();
  }
  api.hub.acceptsToken = admits('hub', HUB, HUB_REGION);
  api.spoke.acceptsToken = admits('spoke', SPOKE, SPOKE_REGION);
  aws.addCluster(HUB, HUB_REGION, CLUSTER, { endpoint: api.hub.url, caPem: certs.ca });
  aws.addCluster(SPOKE, SPOKE_REGION, CLUSTER, { endpoint: api.spoke.url, caPem: certs.ca });
});
afterAll(async () => {
  await Promise.all([aws.stop(), api.hub.stop(), api.spoke.stop()]);
});

beforeEach(() => {
  for (const which of ['hub', 'spoke'] as const) {
    api[which].load(loadScenario('oom-killed-pod'));
    shown[which].length = 0;
  }
  // The spoke's node is another instance than the hub's node of the same name: a resolution says which cluster it read.
  api.spoke
    .objects('nodes')
    .find((n) => n.metadata.name === NODE)!.spec.providerID = `aws:///us-east-2a/${SPOKE_INSTANCE}`;
  aws.calls.length = 0;
  aws.refused.length = 0;
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: HUB_KEY.id,
    AWS_SECRET_ACCESS_KEY: HUB_KEY.secret,
    AWS_REGION: HUB_REGION,
    AWS_ENDPOINT_URL_STS: aws.url,
    AWS_ENDPOINT_URL_EKS: aws.url,
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  for (const k of ['AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_DEFAULT_REGION', 'AWS_ENDPOINT_URL'])
    delete process.env[k];
});
afterEach(() => {
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
});

/** A hub function's environment with spokes configured (what cdk/constructs/spoke-access.ts sets). */
const hubEnv = (): NodeJS.ProcessEnv => ({
  ...process.env,
  [SPOKE_ENV.hubAccount]: HUB,
  [SPOKE_ENV.externalId]: EXTERNAL_ID,
  [SPOKE_ENV.deployment]: '',
});

const calls = (action: string) =>
  aws.calls
    .filter((c) => c.action === action)
    .map(({ accessKeyId, account, region, detail }) => ({
      accessKeyId,
      account,
      region,
      ...detail,
    }));
const param = (caller: TokenCaller | undefined, name: string) => caller?.url.searchParams.get(name);

describe("the cluster port reads a spoke's cluster through the spoke role", () => {
  it("DescribeCluster goes to the spoke's region with the spoke role's keys, and the API request carries a token they signed for that region and cluster", async () => {
    const cluster = eksClusterPorts.create(hubEnv()).cluster as ClusterPort;

    const [part] = await cluster.read([{ cluster: CLUSTER, node: NODE, ...spoke }]);

    expect(part!.error).toBeUndefined();
    expect(part!.bundle?.sections['k8s.node']?.error).toBeUndefined();
    expect(aws.refused).toEqual([]);
    expect(calls('AssumeRole')).toEqual([
      {
        accessKeyId: HUB_KEY.id,
        account: HUB,
        region: HUB_REGION,
        roleArn: `arn:aws:iam::${SPOKE}:role/paramedic-spoke-${SPOKE_REGION}`,
        externalId: EXTERNAL_ID,
      },
    ]);
    const spokeKey = calls('DescribeCluster')[0]?.accessKeyId;
    expect(spokeKey).toMatch(/^ASIALOCAL/);
    expect(calls('DescribeCluster')).toEqual([
      { accessKeyId: spokeKey, account: SPOKE, region: SPOKE_REGION, name: CLUSTER },
    ]);
    // Every Kubernetes request reached the spoke's API server, with a token of the spoke role.
    expect(api.hub.requests).toEqual([]);
    expect(api.spoke.requests.length).toBeGreaterThan(0);
    expect(shown.spoke.length).toBe(api.spoke.requests.length);
    const { caller } = shown.spoke[0]!;
    expect(caller).toMatchObject({ accessKeyId: spokeKey, account: SPOKE, region: SPOKE_REGION });
    expect(param(caller, 'X-Amz-Credential')).toMatch(
      new RegExp(`^${spokeKey}/\\d{8}/${SPOKE_REGION}/sts/aws4_request$`),
    );
    expect(param(caller, 'X-Amz-SignedHeaders')!.split(';')).toContain('x-k8s-aws-id');
    expect(param(caller, 'X-Amz-Security-Token')).toBe(aws.principals.get(spokeKey!)!.sessionToken);
    expect(caller!.url.host).toBe(`sts.${SPOKE_REGION}.amazonaws.com`);
    // The token is bound to this cluster: its signature does not verify for another name.
    expect(aws.callerOfToken(shown.spoke[0]!.token, 'other-cluster')).toBeUndefined();
  });

  it("the hub's own cluster of the same name keeps the function's own keys and region, with or without the hub's account on the target", async () => {
    const cluster = eksClusterPorts.create(hubEnv()).cluster as ClusterPort;

    const [own] = await cluster.read([{ cluster: CLUSTER, node: NODE }]);
    const [named] = await cluster.read([
      {
        cluster: CLUSTER,
        node: NODE,
        account: HUB,
        region: HUB_REGION,
      },
    ]);
    const [far] = await cluster.read([{ cluster: CLUSTER, node: NODE, ...spoke }]);

    for (const part of [own, named, far]) expect(part!.error).toBeUndefined();
    // One DescribeCluster per (account, region, cluster): the hub's, with its own key; the spoke's, with the role's.
    expect(
      calls('DescribeCluster').map((c) => [c.account, c.region, c.accessKeyId === HUB_KEY.id]),
    ).toEqual([
      [HUB, HUB_REGION, true],
      [SPOKE, SPOKE_REGION, false],
    ]);
    expect(calls('AssumeRole')).toHaveLength(1);
    expect(shown.hub.length).toBeGreaterThan(0);
    for (const s of shown.hub)
      expect(s.caller).toMatchObject({ accessKeyId: HUB_KEY.id, account: HUB, region: HUB_REGION });
    for (const s of shown.spoke)
      expect(s.caller).toMatchObject({ account: SPOKE, region: SPOKE_REGION });
  });

  it("resolves a spoke alarm's node on the spoke's cluster (its providerID, not the hub node's of the same name)", async () => {
    const cluster = eksClusterPorts.create(hubEnv()).cluster as ClusterPort;

    const spokeResolution = await cluster.resolve(
      [{ ClusterName: CLUSTER, NodeName: NODE }],
      spoke,
    );
    const hubResolution = await cluster.resolve([{ ClusterName: CLUSTER, NodeName: NODE }]);

    expect(spokeResolution.targets).toEqual([
      expect.objectContaining({
        kind: 'node',
        cluster: CLUSTER,
        node: NODE,
        instanceId: SPOKE_INSTANCE,
      }),
    ]);
    expect(hubResolution.targets).toEqual([
      expect.objectContaining({ kind: 'node', node: NODE, instanceId: 'i-0a1b2c3d4e5f60701' }),
    ]);
  });

  it("Verify re-reads a spoke node on the spoke's cluster", async () => {
    api.spoke.objects('nodes').find((n) => n.metadata.name === NODE)!.status.conditions = [
      { type: 'Ready', status: 'False', reason: 'KubeletNotReady' },
    ];
    const cluster = eksClusterPorts.create(hubEnv()).cluster as ClusterPort;

    const checks = await cluster.verify({ cluster: CLUSTER, node: NODE, ...spoke }, new Date(), {});

    expect(checks.find((c) => c.description.includes('Ready'))).toMatchObject({ status: 'failed' });
    expect(api.hub.requests).toEqual([]);
  });
});

describe('the local endpoints check what AWS checks (so the assertions above can fail)', () => {
  it('a request signed with the wrong secret is refused, and the read says why', async () => {
    process.env.AWS_SECRET_ACCESS_KEY = 'not-the-hub-secret';
    const cluster = eksClusterPorts.create(hubEnv()).cluster as ClusterPort;

    const [part] = await cluster.read([{ cluster: CLUSTER, node: NODE }]);

    expect(part!.bundle?.sections['k8s.cluster']?.error).toBe(
      'cluster access failed: signature does not match',
    );
    expect(aws.refused).toEqual(['UnrecognizedClientException: signature does not match']);
  });

  it('an API server refuses a token signed by another account, or for another region or cluster', async () => {
    const cluster = eksClusterPorts.create(hubEnv()).cluster as ClusterPort;
    await cluster.read([{ cluster: CLUSTER, node: NODE }]);
    const hubToken = shown.hub[0]!.token;

    expect(api.spoke.acceptsToken(hubToken)).toBe(false);
    expect(api.hub.acceptsToken(hubToken)).toBe(true);
    expect(aws.callerOfToken(hubToken, 'other-cluster')).toBeUndefined();
  });
});

describe("remediation and the group precondition act on the spoke's cluster", () => {
  const target: Target = {
    id: SPOKE_INSTANCE,
    platform: 'eks',
    cluster: CLUSTER,
    node: NODE,
    instanceId: SPOKE_INSTANCE,
    ...spoke,
  };

  it("cordons the spoke's node, not the hub's node of the same name", async () => {
    const { executors } = eksActionPorts.create(hubEnv());
    const step = {
      index: 0,
      action: 'k8s-cordon-node',
      title: 'cordon',
      actionTarget: 'kubernetes',
      risk: 'medium',
      mutates: true,
      invocations: [{ target: target.id, parameters: { node: NODE } }],
    } as unknown as PlannedStep;

    const [outcome] = await (executors!.kubernetes as ActionExecutor).execute(step, [target], {
      executionId: 'e-1',
    });

    expect(outcome).toMatchObject({ status: 'succeeded', target: target.id });
    expect(
      api.spoke.objects('nodes').find((n) => n.metadata.name === NODE)!.spec.unschedulable,
    ).toBe(true);
    expect(
      api.hub.objects('nodes').find((n) => n.metadata.name === NODE)!.spec.unschedulable,
    ).toBeFalsy();
    expect(api.hub.requests).toEqual([]);
    for (const s of shown.spoke)
      expect(s.caller).toMatchObject({ account: SPOKE, region: SPOKE_REGION });
  });

  it("reads the spoke node's node group from the spoke's cluster", async () => {
    const { groups } = groupMembershipPorts.create(hubEnv());

    const group = await (groups as GroupMembership).groupOf(target);

    expect(group).toMatchObject({ kind: 'node-group', name: `${CLUSTER}/shop-ng-1` });
    expect(group!.members).toContain(SPOKE_INSTANCE);
    expect(api.hub.requests).toEqual([]);
  });
});
