import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { GetCommandInvocationCommand, SendCommandCommand, SSMClient } from '@aws-sdk/client-ssm';
import { SsmCommandRunner } from '../../../lambdas/adapters/ssm/ssm-command-runner.js';
import {
  SSM_RUNNER_ENV,
  SsmRunnerEnvironmentError,
  ssmRunnerSettingsFrom,
} from '../../../lambdas/adapters/ssm/ssm-runner-environment.js';
import {
  catalogueDocumentName,
  deployedDocumentName,
  documentPrefixOf,
  findCommandDocument,
} from '../../../lambdas/core/collection/collector-documents.js';

const ssm = mockClient(SSMClient);
const fast = { sleep: async () => {}, pollInitialMs: 1, pollMaxMs: 2 };
const TARGET = 'i-0123456789abcdef0';

beforeEach(() => {
  ssm.reset();
  ssm.on(SendCommandCommand).resolves({ Command: { CommandId: 'c-1' } });
  ssm.on(GetCommandInvocationCommand).resolves({
    Status: 'Success',
    StatusDetails: 'Success',
    ResponseCode: 0,
    StandardOutputContent: '{}',
    StandardErrorContent: '',
  });
});

const sentInput = () => ssm.commandCalls(SendCommandCommand)[0]!.args[0].input;

describe('SsmCommandRunner per deployment', () => {
  it('sends catalogue documents under the deployment prefix read from the environment', async () => {
    const settings = ssmRunnerSettingsFrom({ [SSM_RUNNER_ENV.documentPrefix]: 'Paramedic-prod-' });
    await new SsmCommandRunner(new SSMClient({}), { ...fast, ...settings }).run({
      document: 'Paramedic-CollectDockerHost',
      parameters: {},
      targets: [TARGET],
      timeoutSeconds: 60,
    });
    expect(sentInput().DocumentName).toBe('Paramedic-prod-CollectDockerHost');
  });

  it('sets MaxConcurrency/MaxErrors by document kind: collectors keep going, actions stop on errors', async () => {
    const settings = ssmRunnerSettingsFrom({
      [SSM_RUNNER_ENV.rateControl]: JSON.stringify({
        collect: { maxConcurrency: '50', maxErrors: '100%' },
        remediate: { maxConcurrency: '10%', maxErrors: '0' },
      }),
    });
    const runner = new SsmCommandRunner(new SSMClient({}), { ...fast, ...settings });
    await runner.run({
      document: 'Paramedic-CollectDockerHost',
      parameters: {},
      targets: [TARGET],
      timeoutSeconds: 60,
    });
    await runner.run({
      document: 'Paramedic-DockerStartService',
      parameters: {},
      targets: [TARGET],
      timeoutSeconds: 60,
    });
    const [collect, remediate] = ssm.commandCalls(SendCommandCommand).map((c) => c.args[0].input);
    expect(collect).toMatchObject({ MaxConcurrency: '50', MaxErrors: '100%' });
    expect(remediate).toMatchObject({
      DocumentName: 'Paramedic-DockerStartService',
      MaxConcurrency: '10%',
      MaxErrors: '0',
    });
  });

  it('gives every document that is not a collector the stricter limits of actions', async () => {
    // The runner asks only whether a document is a collector (the action catalogue stays out of the
    // functions that collect); a name that is neither is no document of the deployment, SSM refuses it.
    const settings = ssmRunnerSettingsFrom({
      [SSM_RUNNER_ENV.rateControl]: JSON.stringify({
        collect: { maxConcurrency: '50', maxErrors: '100%' },
        remediate: { maxConcurrency: '10%', maxErrors: '0' },
      }),
    });
    const runner = new SsmCommandRunner(new SSMClient({}), { ...fast, ...settings });
    await runner.run({
      document: 'Paramedic-NoSuchDocument',
      parameters: {},
      targets: [TARGET],
      timeoutSeconds: 60,
    });
    expect(sentInput()).toMatchObject({ MaxConcurrency: '10%', MaxErrors: '0' });
  });

  it("knows a document under the deployment's prefix, as Plan names a step's: a collector gets the collectors' limits, an action the actions'", async () => {
    const settings = ssmRunnerSettingsFrom({
      [SSM_RUNNER_ENV.documentPrefix]: 'Paramedic-prod-',
      [SSM_RUNNER_ENV.rateControl]: JSON.stringify({
        collect: { maxConcurrency: '50', maxErrors: '100%' },
        remediate: { maxConcurrency: '10%', maxErrors: '0' },
      }),
    });
    const runner = new SsmCommandRunner(new SSMClient({}), { ...fast, ...settings });
    for (const document of ['Paramedic-prod-CollectDockerHost', 'Paramedic-prod-DockerPruneImages'])
      await runner.run({ document, parameters: {}, targets: [TARGET], timeoutSeconds: 60 });
    const [collect, remediate] = ssm.commandCalls(SendCommandCommand).map((c) => c.args[0].input);
    expect(collect).toMatchObject({
      DocumentName: 'Paramedic-prod-CollectDockerHost',
      MaxErrors: '100%',
    });
    expect(remediate).toMatchObject({
      DocumentName: 'Paramedic-prod-DockerPruneImages',
      MaxErrors: '0',
    });
  });

  it('reads the managed tag a denied instance lacks', () => {
    const tag = { key: 'team:oncall', value: 'payments' };
    expect(
      ssmRunnerSettingsFrom({ [SSM_RUNNER_ENV.managedInstanceTag]: JSON.stringify(tag) }),
    ).toEqual({ managedInstanceTag: tag });
  });

  it('leaves SSM defaults and canonical names when the environment sets nothing', async () => {
    await new SsmCommandRunner(new SSMClient({}), { ...fast, ...ssmRunnerSettingsFrom({}) }).run({
      document: 'Paramedic-CollectEksNode',
      parameters: {},
      targets: [TARGET],
      timeoutSeconds: 60,
    });
    expect(sentInput().DocumentName).toBe('Paramedic-CollectEksNode');
    expect(sentInput().MaxErrors).toBeUndefined();
  });

  it.each([
    [{ [SSM_RUNNER_ENV.documentPrefix]: 'Other-' }, /PARAMEDIC_DOCUMENT_PREFIX is "Other-"/],
    [{ [SSM_RUNNER_ENV.rateControl]: '{nope' }, /PARAMEDIC_SSM_RATE_CONTROL is not JSON/],
    [
      { [SSM_RUNNER_ENV.rateControl]: '{"collect":{"maxConcurrency":"all","maxErrors":"0"}}' },
      /invalid collect entry/,
    ],
    [{ [SSM_RUNNER_ENV.managedInstanceTag]: 'paramedic:managed=true' }, /is not JSON \{"key"/],
    [{ [SSM_RUNNER_ENV.managedInstanceTag]: '{"key":"k"}' }, /PARAMEDIC_MANAGED_INSTANCE_TAG/],
  ])('refuses an unusable environment %j', (env, message) => {
    expect(() => ssmRunnerSettingsFrom(env)).toThrow(SsmRunnerEnvironmentError);
    expect(() => ssmRunnerSettingsFrom(env)).toThrow(message);
  });

  it("finds a deployed name's catalogue entry: the deployment's segment is lower-case, a catalogue name starts with a capital", () => {
    expect(catalogueDocumentName('Paramedic-prod-DockerPruneImages')).toBe(
      'Paramedic-DockerPruneImages',
    );
    expect(catalogueDocumentName('Paramedic-DockerPruneImages')).toBe(
      'Paramedic-DockerPruneImages',
    );
    expect(catalogueDocumentName('Other-prod-DockerPruneImages')).toBe(
      'Other-prod-DockerPruneImages',
    );
    expect(findCommandDocument('Paramedic-prod-DockerPruneImages')?.documentName).toBe(
      'Paramedic-DockerPruneImages',
    );
  });

  it('names documents per deployment, idempotently', () => {
    expect(documentPrefixOf()).toBe('Paramedic-');
    expect(documentPrefixOf('prod')).toBe('Paramedic-prod-');
    expect(deployedDocumentName('Paramedic-DockerStopContainer', 'Paramedic-prod-')).toBe(
      'Paramedic-prod-DockerStopContainer',
    );
    expect(deployedDocumentName('Paramedic-prod-DockerStopContainer', 'Paramedic-prod-')).toBe(
      'Paramedic-prod-DockerStopContainer',
    );
    expect(deployedDocumentName('Paramedic-DockerStopContainer', 'Paramedic-')).toBe(
      'Paramedic-DockerStopContainer',
    );
  });
});
