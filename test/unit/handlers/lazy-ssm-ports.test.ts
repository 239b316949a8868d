/**
 * The `commands` port of Plan, RemediateStep and Escalate: built at cold start without the SSM
 * client (bundle-size.test.ts checks it is not in their eager bundle; a missing variable still
 * fails the cold start), which loads on the first command and then runs it as the eager port does
 * (SSM answered by aws-sdk-client-mock: there is no local SSM).
 */
import { mockClient } from 'aws-sdk-client-mock';
import { GetCommandInvocationCommand, SendCommandCommand, SSMClient } from '@aws-sdk/client-ssm';
import { beforeEach, describe, expect, it } from 'vitest';
import { ENV } from '../../../lambdas/handlers/environment.js';
import { HandlerEnvironmentError } from '../../../lambdas/handlers/handler-environment.js';
import { lazySsmCommandPorts } from '../../../lambdas/handlers/ports/lazy-ssm-ports.js';

const ssm = mockClient(SSMClient);
const env = (): NodeJS.ProcessEnv => ({
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  [ENV.evidenceBucket]: 'evidence',
  [ENV.stateTable]: 'state',
});

beforeEach(() => {
  ssm.reset();
  ssm.on(SendCommandCommand).resolves({ Command: { CommandId: 'c-1' } });
  ssm.on(GetCommandInvocationCommand).resolves({
    Status: 'Success',
    StatusDetails: 'Success',
    ResponseCode: 0,
    StandardOutputContent: 'restarted',
    StandardErrorContent: '',
  });
});

describe('lazySsmCommandPorts', () => {
  it('loads SSM on the first command and runs it as the eager port does (output bucket, document, result)', async () => {
    const { commands } = lazySsmCommandPorts.create(env());

    const [result] = await commands!.run({
      document: 'Paramedic-DockerStartService',
      parameters: { dryRun: '1' },
      targets: ['i-0a1b2c3d4e5f60718'],
      timeoutSeconds: 60,
    });

    expect(result).toMatchObject({
      target: 'i-0a1b2c3d4e5f60718',
      status: 'Success',
      stdout: 'restarted',
      commandId: 'c-1',
    });
    expect(ssm.commandCalls(SendCommandCommand)[0]!.args[0].input).toMatchObject({
      DocumentName: 'Paramedic-DockerStartService',
      OutputS3BucketName: 'evidence',
    });
  });

  it('a missing variable fails the cold start, not the first command', () => {
    const { [ENV.stateTable]: _missing, ...withoutState } = env();
    expect(() => lazySsmCommandPorts.create(withoutState)).toThrow(HandlerEnvironmentError);
  });
});
