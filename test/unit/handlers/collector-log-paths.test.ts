/**
 * A deployment's collector log paths (`collectorLogs`, for hosts that keep a daemon's log outside
 * the journal and the usual files) reach the collector on every collection, as AWS runs it: the
 * synthesized stack puts them in the Task functions' PARAMEDIC_CONFIG, the real CollectSend
 * handler (cold-started as Lambda loads it, on dynalite and s3rver) reads them from there and
 * sends them as SendCommand Parameters, and the synthesized SSM documents declare those
 * parameters with an allowedPattern that accepts them. SSM is aws-sdk-client-mock (no local
 * server exists for it).
 */
import { SendCommandCommand, SSMClient } from '@aws-sdk/client-ssm';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type ParamedicApp } from '../../../cdk/app.js';
import { ENV } from '../../../lambdas/handlers/environment.js';
import type { WorkflowTaskName } from '../../../lambdas/core/workflow/task-names.js';
import { collectorRequests } from '../../../lambdas/core/workflow/collector-requests.js';
import { DocumentParameterError } from '../../../lambdas/core/collection/collector-documents.js';
import {
  coldStart,
  deployedEnvironment,
  event,
  lambdaContext,
  LocalDynamo,
  LocalS3,
  setEnvironment,
} from './lambda-harness.js';

const COLLECTOR_LOGS = {
  docker: { daemonLog: '/var/log/custom/dockerd.log' },
  eks: { kubeletLog: '/var/log/kubelet/kubelet.log', ipamdLog: '/var/log/cni/ipamd.log' },
};
const CONTEXT = {
  'aws:cdk:bundling-stacks': [],
  paramedic: { alarmNamePrefixes: ['prod-'], eksClusters: ['prod'], collectorLogs: COLLECTOR_LOGS },
};

const ssm = mockClient(SSMClient);
const dynamo = new LocalDynamo();
const s3 = new LocalS3();
let built: ParamedicApp;
let template: Template;
let restore: () => void = () => undefined;

beforeAll(async () => {
  built = createApp({ context: CONTEXT });
  template = Template.fromStack(built.pipeline);
  await Promise.all([dynamo.start(), s3.start()]);
});
afterAll(() => Promise.all([dynamo.stop(), s3.stop()]));
afterEach(() => restore());

/** PARAMEDIC_CONFIG as the stack gives a Task's function. */
function deployedConfigOf(task: WorkflowTaskName): string {
  const fn = built.pipeline.functions[task].node.defaultChild as CfnFunction;
  const resource = template.findResources('AWS::Lambda::Function')[
    built.pipeline.getLogicalId(fn)
  ] as { Properties: { Environment: { Variables: Record<string, unknown> } } };
  return resource.Properties.Environment.Variables[ENV.config] as string;
}

/** The synthesized SSM document's declared parameters, by the catalogue name's suffix. */
function documentParameters(suffix: string): Record<string, { allowedPattern: string }> {
  const docs = Object.values(template.findResources('AWS::SSM::Document')) as {
    Properties: {
      Name: string;
      Content: { parameters: Record<string, { allowedPattern: string }> };
    };
  }[];
  return docs.find((d) => d.Properties.Name.endsWith(suffix))!.Properties.Content.parameters;
}

describe('collectorLogs, from the deployment to the SSM command', () => {
  it('the functions that send the collector carry the log paths in their PARAMEDIC_CONFIG, and only they', () => {
    for (const task of ['CollectSend', 'VerifySend'] as const)
      expect(JSON.parse(deployedConfigOf(task)).collectorLogs).toEqual(COLLECTOR_LOGS);
    // The others' environment stays small (Lambda caps it at 4 KB).
    for (const task of ['Collect', 'RemediateStep', 'Escalate'] as const)
      expect(JSON.parse(deployedConfigOf(task))).not.toHaveProperty('collectorLogs');
  });

  it("CollectSend sends each platform's log paths to its collector document, which accepts them", async () => {
    const tables = await dynamo.tables();
    restore = setEnvironment(
      deployedEnvironment(dynamo, tables, {
        ...s3.environment(),
        [ENV.config]: deployedConfigOf('CollectSend'),
      }),
    );
    ssm.reset();
    ssm.on(SendCommandCommand).resolves({ Command: { CommandId: 'c-1' } });
    const input = event<{ state: { intake: { targets: unknown[] } } }>('collect-one-docker-host');
    input.state.intake.targets.push({
      id: 'i-0e1f2a3b4c5d6e7f8',
      platform: 'eks',
      instanceId: 'i-0e1f2a3b4c5d6e7f8',
      cluster: 'prod',
      node: 'ip-10-0-1-20.eu-west-1.compute.internal',
    });

    const send = await coldStart('collect-send.ts');
    await send({ ...input, taskToken: 'token-1' }, lambdaContext('paramedic-CollectSend'));

    const sent = ssm.commandCalls(SendCommandCommand).map((c) => c.args[0].input);
    expect(sent.map((s) => s.DocumentName)).toEqual([
      'Paramedic-CollectDockerHost',
      'Paramedic-CollectEksNode',
    ]);
    const [docker, eks] = sent.map((s) => s.Parameters!);
    expect(docker).toMatchObject({
      daemonLog: [COLLECTOR_LOGS.docker.daemonLog],
      containerdLog: [''],
    });
    expect(docker!.incidentTime).toEqual(['2026-11-23T09:01:47.000Z']);
    expect(eks).toMatchObject({
      kubeletLog: [COLLECTOR_LOGS.eks.kubeletLog],
      ipamdLog: [COLLECTOR_LOGS.eks.ipamdLog],
      policyAgentLog: [''],
    });
    // SSM refuses a command whose parameter the document does not declare or does not match.
    for (const [suffix, parameters] of [
      ['CollectDockerHost', docker!],
      ['CollectEksNode', eks!],
    ] as const) {
      const declared = documentParameters(suffix);
      for (const [name, [value]] of Object.entries(parameters))
        expect(new RegExp(declared[name]!.allowedPattern).test(value!), name).toBe(true);
    }
  });
});

describe('collectorRequests with log paths', () => {
  const targets = [{ id: 'i-0a1b2c3d4e5f60718', platform: 'docker' as const }];

  it('verification collects with the same log paths, and the run timing is its own', () => {
    const [request] = collectorRequests(
      { collectTimeoutSeconds: 600, collectorLogs: COLLECTOR_LOGS },
      targets,
      { incidentTime: '2026-12-02T12:00:00Z', remediatedAt: '2026-12-02T12:05:00Z' },
    );
    expect(request!.request.parameters).toMatchObject({
      daemonLog: COLLECTOR_LOGS.docker.daemonLog,
      incidentTime: '2026-12-02T12:00:00.000Z',
      remediatedAt: '2026-12-02T12:05:00.000Z',
    });
  });

  it.each([
    [{ kubeletLog: '/var/log/k.log' }, 'kubeletLog'],
    // A parameter the document has but no log: the run's own, never the deployment's.
    [{ remediatedAt: '2026-12-02T12:05:00Z' }, 'remediatedAt'],
    [{ daemonLog: 42 }, 'daemonLog'],
  ])(
    'a hand-edited environment with collectorLogs.docker %j fails naming the setting and the fix',
    (logs, name) => {
      const request = () =>
        collectorRequests(
          { collectTimeoutSeconds: 600, collectorLogs: { docker: logs as Record<string, string> } },
          targets,
        );
      expect(request).toThrow(DocumentParameterError);
      expect(request).toThrow(
        `Paramedic-CollectDockerHost parameter ${name}: PARAMEDIC_CONFIG collectorLogs.docker.${name} is not a log file path this collector reads (containerdLog, daemonLog); fix collectorLogs in the deployment's configuration and redeploy (cdk deploy)`,
      );
    },
  );
});
