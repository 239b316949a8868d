import { describe, expect, it, beforeEach } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CancelCommandCommand,
  GetCommandInvocationCommand,
  ListCommandInvocationsCommand,
  SendCommandCommand,
  SSMClient,
  InvocationDoesNotExist,
  InvalidInstanceId,
} from '@aws-sdk/client-ssm';
import {
  SsmCommandRunner,
  parseS3OutputUrl,
  terminalStatus,
} from '../../../lambdas/adapters/ssm/ssm-command-runner.js';

const ssm = mockClient(SSMClient);
const fast = { sleep: async () => {}, pollInitialMs: 1, pollMaxMs: 2 };
const request = (targets: string[]) => ({
  document: 'Paramedic-CollectDockerHost',
  parameters: { sinceMinutes: '30' },
  targets,
  timeoutSeconds: 60,
});
const ids = (n: number) => Array.from({ length: n }, (_, i) => `i-${String(i).padStart(17, '0')}`);
const throttle = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });

beforeEach(() => {
  ssm.reset();
});

describe('SsmCommandRunner', () => {
  it('treats InvocationDoesNotExist right after SendCommand as pending, then returns the output', async () => {
    ssm.on(SendCommandCommand).resolves({ Command: { CommandId: 'c-1' } });
    ssm
      .on(GetCommandInvocationCommand)
      .rejectsOnce(new InvocationDoesNotExist({ message: 'not yet', $metadata: {} }))
      .resolvesOnce({ Status: 'InProgress', StatusDetails: 'InProgress' })
      .resolves({
        Status: 'Success',
        StatusDetails: 'Success',
        ResponseCode: 0,
        StandardOutputContent: '{"ok":true}',
        StandardErrorContent: '',
      });

    const [r] = await new SsmCommandRunner(new SSMClient({}), fast).run(
      request(['i-0123456789abcdef0']),
    );

    expect(r).toMatchObject({
      target: 'i-0123456789abcdef0',
      status: 'Success',
      exitCode: 0,
      stdout: '{"ok":true}',
      commandId: 'c-1',
    });
    expect(ssm.commandCalls(GetCommandInvocationCommand)).toHaveLength(3);
    const sent = ssm.commandCalls(SendCommandCommand)[0]!.args[0].input;
    expect(sent).toMatchObject({
      DocumentName: 'Paramedic-CollectDockerHost',
      Parameters: { sinceMinutes: ['30'] },
    });
  });

  // StatusDetails as SSM spells them, with spaces (GetCommandInvocation's and CommandInvocation's
  // StatusDetails in the API reference): "Delivery Timed Out" is an agent that never took the command.
  it.each([
    ['Failed', 'Failed', 'Failed'],
    ['TimedOut', 'Execution Timed Out', 'TimedOut'],
    ['TimedOut', 'Delivery Timed Out', 'Undeliverable'],
    ['Cancelled', 'Cancelled', 'Cancelled'],
    ['Failed', 'Undeliverable', 'Undeliverable'],
    ['Failed', 'Access Denied', 'Failed'],
    ['Failed', 'Invalid Platform', 'InvalidTarget'],
    ['Cancelled', 'Terminated', 'Cancelled'],
  ])('maps terminal status %s/%s to %s', async (Status, StatusDetails, expected) => {
    ssm.on(SendCommandCommand).resolves({ Command: { CommandId: 'c-2' } });
    ssm.on(GetCommandInvocationCommand).resolves({
      Status: Status as never,
      StatusDetails,
      ResponseCode: 1,
      StandardOutputContent: '',
      StandardErrorContent: 'boom',
    });
    const [r] = await new SsmCommandRunner(new SSMClient({}), fast).run(
      request(['i-0123456789abcdef0']),
    );
    expect(r!.status).toBe(expected);
  });

  it('is not fooled by details or statuses that name an object property', () => {
    expect(terminalStatus('InProgress', 'constructor')).toBeUndefined();
    expect(terminalStatus('toString', undefined)).toBeUndefined();
  });

  it('keeps polling while InProgress/Pending/Delayed and reports TimedOut after the deadline', async () => {
    expect(terminalStatus('InProgress', 'In Progress')).toBeUndefined();
    expect(terminalStatus('Delayed', 'Delayed')).toBeUndefined();
    let t = 0;
    ssm.on(SendCommandCommand).resolves({ Command: { CommandId: 'c-3' } });
    ssm.on(GetCommandInvocationCommand).resolves({ Status: 'Pending', StatusDetails: 'Pending' });
    const runner = new SsmCommandRunner(new SSMClient({}), {
      ...fast,
      now: () => t,
      sleep: async (ms) => {
        t += ms + 10_000;
      },
      graceMs: 0,
    });
    const [r] = await runner.run(request(['i-0123456789abcdef0']));
    expect(r!.status).toBe('TimedOut');
  });

  it("stops at the caller's deadline (the Lambda/Task timeout), not the document's, and cancels what still runs", async () => {
    let t = 0;
    ssm.on(SendCommandCommand).resolves({ Command: { CommandId: 'c-dl' } });
    ssm.on(ListCommandInvocationsCommand).resolves({
      CommandInvocations: ids(3).map((id, i) => ({
        InstanceId: id,
        Status: i === 0 ? 'Success' : 'InProgress',
        StatusDetails: i === 0 ? 'Success' : 'InProgress',
        CommandPlugins: [{ ResponseCode: 0, Output: 'ok' }],
      })),
    });
    ssm.on(GetCommandInvocationCommand).resolves({
      Status: 'Success',
      StatusDetails: 'Success',
      ResponseCode: 0,
      StandardOutputContent: 'ok',
    });
    ssm.on(CancelCommandCommand).resolves({});
    // The document may run 600 s; the Lambda must return within 120 s.
    const runner = new SsmCommandRunner(new SSMClient({}), {
      ...fast,
      now: () => t,
      sleep: async (ms) => {
        t += ms + 5_000;
      },
      deadline: () => 120_000,
    });
    const results = await runner.run({ ...request(ids(3)), timeoutSeconds: 600 });
    expect(t).toBeLessThan(130_000);
    expect(results.map((r) => r.status)).toEqual(['Success', 'TimedOut', 'TimedOut']);
    expect(results[1]!.stderr).toMatch(/deadline.*CancelCommand sent/);
    expect(ssm.commandCalls(CancelCommandCommand).map((c) => c.args[0].input)).toEqual([
      { CommandId: 'c-dl', InstanceIds: ids(3).slice(1) },
    ]);
  });

  it("cancels unfinished invocations when the command's own timeout passes too, and reports a failed cancel", async () => {
    let t = 0;
    ssm.on(SendCommandCommand).resolves({ Command: { CommandId: 'c-to' } });
    ssm
      .on(GetCommandInvocationCommand)
      .resolves({ Status: 'InProgress', StatusDetails: 'InProgress' });
    ssm
      .on(CancelCommandCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    const runner = new SsmCommandRunner(new SSMClient({}), {
      ...fast,
      now: () => t,
      sleep: async (ms) => {
        t += ms + 10_000;
      },
      graceMs: 0,
    });
    const [r] = await runner.run(request(['i-0123456789abcdef0']));
    expect(r!.status).toBe('TimedOut');
    expect(r!.stderr).toMatch(/within 60s; CancelCommand failed \(AccessDeniedException/);
  });

  it('retries a throttled SendCommand and a throttled poll', async () => {
    ssm
      .on(SendCommandCommand)
      .rejectsOnce(throttle())
      .resolves({ Command: { CommandId: 'c-4' } });
    ssm.on(GetCommandInvocationCommand).rejectsOnce(throttle()).resolves({
      Status: 'Success',
      StatusDetails: 'Success',
      ResponseCode: 0,
      StandardOutputContent: 'x',
    });
    const [r] = await new SsmCommandRunner(new SSMClient({}), fast).run(
      request(['i-0123456789abcdef0']),
    );
    expect(r!.status).toBe('Success');
    expect(ssm.commandCalls(SendCommandCommand)).toHaveLength(2);
  });

  it('reports Throttled (not an exception) when SendCommand stays throttled', async () => {
    ssm.on(SendCommandCommand).rejects(throttle());
    const [r] = await new SsmCommandRunner(new SSMClient({}), {
      ...fast,
      maxThrottleRetries: 3,
    }).run(request(['i-0123456789abcdef0']));
    expect(r!.status).toBe('Throttled');
  });

  it('fetches output over 24,000 characters from S3', async () => {
    const full = 'x'.repeat(30_000);
    ssm.on(SendCommandCommand).resolves({ Command: { CommandId: 'c-5' } });
    ssm.on(GetCommandInvocationCommand).resolves({
      Status: 'Success',
      StatusDetails: 'Success',
      ResponseCode: 0,
      StandardOutputContent: full.slice(0, 24_000),
      StandardOutputUrl:
        'https://s3.us-east-1.amazonaws.com/evidence-bucket/ssm-output/c-5/i-0123456789abcdef0/awsrunShellScript/0.awsrunShellScript/stdout',
    });
    const reads: string[] = [];
    const s3 = {
      getText: async (bucket: string, key: string) => {
        reads.push(`${bucket}/${key}`);
        return full;
      },
    };
    const runner = new SsmCommandRunner(new SSMClient({}), {
      ...fast,
      outputBucket: 'evidence-bucket',
      s3,
    });
    const [r] = await runner.run(request(['i-0123456789abcdef0']));
    expect(r!.stdout).toHaveLength(30_000);
    expect(reads).toEqual([
      'evidence-bucket/ssm-output/c-5/i-0123456789abcdef0/awsrunShellScript/0.awsrunShellScript/stdout',
    ]);
    expect(r!.outputUri).toBe(
      's3://evidence-bucket/ssm-output/c-5/i-0123456789abcdef0/awsrunShellScript/0.awsrunShellScript/stdout',
    );
    const sent = ssm.commandCalls(SendCommandCommand)[0]!.args[0].input;
    expect(sent).toMatchObject({
      OutputS3BucketName: 'evidence-bucket',
      OutputS3KeyPrefix: 'ssm-output',
    });
  });

  it('sends 51+ targets in batches of 50 and polls each command with one paginated list', async () => {
    const targets = ids(120);
    const sent = new Map<string, string[]>();
    ssm.on(SendCommandCommand).callsFake((input) => {
      const id = `c-${sent.size + 1}`;
      sent.set(id, input.InstanceIds);
      return { Command: { CommandId: id } };
    });
    ssm.on(ListCommandInvocationsCommand).callsFake((input) => {
      const batch = sent.get(input.CommandId)!;
      const start = input.NextToken ? Number(input.NextToken) : 0;
      const page = batch.slice(start, start + 25);
      return {
        CommandInvocations: page.map((id) => ({
          InstanceId: id,
          Status: 'Success',
          StatusDetails: 'Success',
          CommandPlugins: [{ ResponseCode: 0, Output: `out-${id}` }],
        })),
        ...(start + 25 < batch.length ? { NextToken: String(start + 25) } : {}),
      };
    });
    ssm.on(GetCommandInvocationCommand).callsFake((input) => ({
      Status: 'Success',
      StandardOutputContent: `full-${input.InstanceId}`,
    }));

    const results = await new SsmCommandRunner(new SSMClient({}), fast).run(request(targets));

    expect(
      ssm.commandCalls(SendCommandCommand).map((c) => c.args[0].input.InstanceIds!.length),
    ).toEqual([50, 50, 20]);
    expect(results).toHaveLength(120);
    expect(results.every((r) => r.status === 'Success')).toBe(true);
    expect(results[119]!.stdout).toBe(`full-${targets[119]}`);
    expect(results.map((r) => r.target)).toEqual(targets);
  });

  it('bisects a batch rejected with InvalidInstanceId so the valid instances still run', async () => {
    const targets = ids(4);
    const bad = targets[2]!;
    const sent = new Map<string, string[]>();
    ssm.on(SendCommandCommand).callsFake((input) => {
      if (input.InstanceIds!.includes(bad))
        throw new InvalidInstanceId({ message: 'Instances not in a valid state', $metadata: {} });
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

    const results = await new SsmCommandRunner(new SSMClient({}), fast).run(request(targets));

    expect(results.find((r) => r.target === bad)!.status).toBe('InvalidTarget');
    expect(results.filter((r) => r.status === 'Success')).toHaveLength(3);
  });

  it("refuses documents that are not the project's", async () => {
    await expect(
      new SsmCommandRunner(new SSMClient({}), fast).run({
        ...request(['i-0123456789abcdef0']),
        document: 'AWS-RunShellScript',
      }),
    ).rejects.toThrow(/only the project's Paramedic-\* documents/);
  });

  it('parses both S3 output URL styles', () => {
    expect(parseS3OutputUrl('https://s3.eu-west-1.amazonaws.com/b/k/stdout')).toEqual({
      bucket: 'b',
      key: 'k/stdout',
    });
    expect(parseS3OutputUrl('https://b.s3.amazonaws.com/k/stdout')).toEqual({
      bucket: 'b',
      key: 'k/stdout',
    });
  });
});
