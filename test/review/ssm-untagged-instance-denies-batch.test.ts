/**
 * Review reproduction: SendCommand is allowed only on instances tagged `paramedic:managed=true`
 * (IAM condition ssm:resourceTag on instance/*). IAM authorizes a SendCommand against every
 * instance it names, so ONE untagged instance among a batch of 50 (an ASG whose tag does not
 * propagate at launch, a node group launched without the launch-template tag) makes SSM answer
 * AccessDeniedException for the whole call. The runner bisects only InvalidInstanceId: the 49
 * tagged hosts of the batch get no collector, no remediation and no verification, all reported
 * "Failed" with a message that does not name the culprit.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  GetCommandInvocationCommand,
  ListCommandInvocationsCommand,
  SendCommandCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { SsmCommandRunner } from '../../lambdas/adapters/ssm/ssm-command-runner.js';

const ssm = mockClient(SSMClient);
const fast = { sleep: async () => {}, pollInitialMs: 1, pollMaxMs: 2 };
const ids = (n: number) => Array.from({ length: n }, (_, i) => `i-${String(i).padStart(17, '0')}`);

beforeEach(() => {
  ssm.reset();
});

describe('SendCommand denied for one untagged instance of a batch', () => {
  it('still runs the collector on the tagged instances of that batch', async () => {
    const targets = ids(50);
    const untagged = targets[7]!;
    const sent = new Map<string, string[]>();
    ssm.on(SendCommandCommand).callsFake((input) => {
      if (input.InstanceIds!.includes(untagged))
        throw Object.assign(
          new Error(
            `User: arn:aws:sts::123456789012:assumed-role/CollectSendRole/x is not authorized to perform: ssm:SendCommand on resource: arn:aws:ec2:us-east-1:123456789012:instance/${untagged} because no identity-based policy allows the ssm:SendCommand action`,
          ),
          { name: 'AccessDeniedException' },
        );
      const id = `c-${sent.size + 1}`;
      sent.set(id, input.InstanceIds);
      return { Command: { CommandId: id } };
    });
    ssm.on(ListCommandInvocationsCommand).callsFake((input) => ({
      CommandInvocations: sent.get(input.CommandId)!.map((id) => ({
        InstanceId: id,
        Status: 'Success',
        StatusDetails: 'Success',
        CommandPlugins: [{ ResponseCode: 0 }],
      })),
    }));
    ssm.on(GetCommandInvocationCommand).resolves({
      Status: 'Success',
      StatusDetails: 'Success',
      ResponseCode: 0,
      StandardOutputContent: 'ok',
    });

    const results = await new SsmCommandRunner(new SSMClient({}), fast).run({
      document: 'Paramedic-CollectDockerHost',
      parameters: { sinceMinutes: '30' },
      targets,
      timeoutSeconds: 60,
    });

    expect(results.filter((r) => r.status === 'Success')).toHaveLength(49);
    expect(results.find((r) => r.target === untagged)!.status).not.toBe('Success');
  });
});
