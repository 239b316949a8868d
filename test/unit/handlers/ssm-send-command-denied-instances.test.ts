/**
 * SendCommand is allowed only on instances tagged `paramedic:managed=true` (IAM condition
 * ssm:resourceTag on instance/*), and IAM authorizes it against every instance it names: ONE
 * untagged instance of a batch of 50 (an ASG tag without PropagateAtLaunch, a node group launched
 * without the launch-template tag) makes SSM deny the whole call. These tests prove the other
 * instances of the batch still run, each denied one is reported with what to do, and the extra
 * calls stay few, throttled or not, and stop at the caller's deadline.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  GetCommandInvocationCommand,
  InvalidInstanceId,
  ListCommandInvocationsCommand,
  SendCommandCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import {
  SsmCommandRunner,
  type SsmCommandRunnerOptions,
} from '../../../lambdas/adapters/ssm/ssm-command-runner.js';
import { batchRefusal } from '../../../lambdas/adapters/ssm/send-command-rejection.js';

const ssm = mockClient(SSMClient);
const fast = { sleep: async () => {}, pollInitialMs: 1, pollMaxMs: 2 };
const tag = { key: 'paramedic:managed', value: 'true' };
const ids = (n: number) => Array.from({ length: n }, (_, i) => `i-${String(i).padStart(17, '0')}`);
const throttle = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
const role = 'arn:aws:sts::123456789012:assumed-role/CollectSendRole/x';
/** IAM's wording, naming the first resource it denied; `unnamed` as some denials come (an SCP, an old SDK). */
const accessDenied = (resource?: string) =>
  Object.assign(
    new Error(
      resource
        ? `User: ${role} is not authorized to perform: ssm:SendCommand on resource: ${resource} because no identity-based policy allows the ssm:SendCommand action`
        : `User: ${role} is not authorized to perform: ssm:SendCommand`,
    ),
    { name: 'AccessDeniedException' },
  );
const instanceArn = (id: string) => `arn:aws:ec2:us-east-1:123456789012:instance/${id}`;

/**
 * SSM that denies any SendCommand naming an untagged instance (naming the first one, or none) and
 * runs the others to Success. `before` may throw first (throttling, another refusal) on the nth SendCommand.
 */
function fakeSsm(
  untagged: readonly string[],
  opts: { named?: boolean; before?: (call: number) => void } = {},
) {
  const sent = new Map<string, string[]>();
  let calls = 0;
  ssm.on(SendCommandCommand).callsFake((input) => {
    calls += 1;
    opts.before?.(calls);
    const denied = input.InstanceIds!.find((id: string) => untagged.includes(id));
    if (denied) throw accessDenied(opts.named === false ? undefined : instanceArn(denied));
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
  return { sent };
}

const collect = (targets: string[], options: SsmCommandRunnerOptions = {}) =>
  new SsmCommandRunner(new SSMClient({}), { ...fast, managedInstanceTag: tag, ...options }).run({
    document: 'Paramedic-CollectDockerHost',
    parameters: { sinceMinutes: '30' },
    targets,
    timeoutSeconds: 60,
  });
const sendCalls = () => ssm.commandCalls(SendCommandCommand).length;
const succeeded = (results: readonly { status: string }[]) =>
  results.filter((r) => r.status === 'Success').length;

beforeEach(() => {
  ssm.reset();
});

describe('SendCommand denied for untagged instances of a batch', () => {
  it.each([
    ['named', true, 2], // the denied batch, then the 49 without the instance IAM named
    ['not named', false, 13], // halving: 1 + 2 per level down to the instance
  ])(
    'runs the other 49 when one of 50 is untagged (denied instance %s), and says what to do about it',
    async (_, named, calls) => {
      const targets = ids(50);
      const untagged = targets[7]!;
      fakeSsm([untagged], { named });

      const results = await collect(targets);

      expect(succeeded(results)).toBe(49);
      const denied = results.find((r) => r.target === untagged)!;
      expect(denied.status).toBe('Failed');
      expect(denied.stderr).toContain(
        `SendCommand denied for ${untagged}: the instance lacks the tag paramedic:managed=true`,
      );
      expect(denied.stderr).toMatch(/PropagateAtLaunch.*launch template.*README Prerequisites 2/);
      expect(denied.stderr).not.toContain('\n');
      expect(sendCalls()).toBe(calls);
    },
  );

  it('names the configured tag, and the setting when none is configured', async () => {
    const targets = ids(2);
    fakeSsm([targets[0]!]);
    const custom = await collect(targets, {
      managedInstanceTag: { key: 'team:oncall', value: 'payments' },
    });
    expect(custom[0]!.stderr).toContain('lacks the tag team:oncall=payments');
    ssm.reset();
    fakeSsm([targets[0]!]);
    const unset = await new SsmCommandRunner(new SSMClient({}), fast).run({
      document: 'Paramedic-CollectDockerHost',
      parameters: {},
      targets,
      timeoutSeconds: 60,
    });
    expect(unset[0]!.stderr).toContain("lacks the deployment's managed tag (managedInstanceTag)");
  });

  it.each([
    ['named', true, 4],
    ['not named', false, 31],
  ])(
    'runs the other 47 when 3 of 50 are untagged (denied instance %s)',
    async (_, named, calls) => {
      const targets = ids(50);
      const untagged = [targets[3]!, targets[20]!, targets[41]!];
      fakeSsm(untagged, { named });

      const results = await collect(targets);

      expect(succeeded(results)).toBe(47);
      expect(results.filter((r) => r.status === 'Failed').map((r) => r.target)).toEqual(untagged);
      expect(sendCalls()).toBe(calls);
    },
  );

  it.each([
    ['named', true, 50],
    ['not named', false, 99],
  ])(
    'reports each of 50 untagged instances on its own (denied instance %s)',
    async (_, named, calls) => {
      const targets = ids(50);
      fakeSsm(targets, { named });

      const results = await collect(targets);

      expect(results).toHaveLength(50);
      expect(results.every((r) => r.status === 'Failed')).toBe(true);
      expect(results.every((r) => r.stderr.includes(`SendCommand denied for ${r.target}:`))).toBe(
        true,
      );
      expect(sendCalls()).toBe(calls);
    },
  );

  it.each([
    ['first and last of a batch', [0, 49]],
    ['last of the first batch and first of the second', [49, 50]],
    ['last target of all', [119]],
  ])('isolates untagged instances at batch edges: %s', async (_, at) => {
    const targets = ids(120);
    const untagged = at.map((i) => targets[i]!);
    for (const named of [true, false]) {
      ssm.reset();
      fakeSsm(untagged, { named });
      const results = await collect(targets);
      expect(results.map((r) => r.target)).toEqual(targets);
      expect(succeeded(results)).toBe(120 - untagged.length);
      expect(results.filter((r) => r.status === 'Failed').map((r) => r.target)).toEqual(untagged);
    }
  });

  it('reports a single denied instance with one call: AccessDenied is not retried', async () => {
    const [only] = ids(1);
    fakeSsm([only!]);

    const [r] = await collect([only!]);

    expect(r).toMatchObject({ target: only, status: 'Failed', exitCode: null });
    expect(r!.stderr).toMatch(/^SendCommand denied for i-0+: .*AccessDeniedException: User: /);
    expect(sendCalls()).toBe(1);
  });

  it('does not split a batch denied on the document: every part would be denied alike', async () => {
    ssm
      .on(SendCommandCommand)
      .rejects(
        accessDenied('arn:aws:ssm:us-east-1:123456789012:document/Paramedic-CollectDockerHost'),
      );

    const results = await collect(ids(50));

    expect(sendCalls()).toBe(1);
    expect(results.every((r) => r.status === 'Failed')).toBe(true);
    expect(results[0]!.stderr).toMatch(
      /^SendCommand denied on arn:aws:ssm:.*document\/Paramedic-CollectDockerHost, not on an instance: .*redeploy the pipeline stack/,
    );
  });

  it('blames the document, not the tag, for a single instance denied on the document', async () => {
    ssm
      .on(SendCommandCommand)
      .rejects(accessDenied('arn:aws:ssm:us-east-1:123456789012:document/Paramedic-X'));
    const [r] = await collect(ids(1));
    expect(r!.stderr).toMatch(/^SendCommand denied on arn:aws:ssm:.*, not on an instance/);
  });

  it('splits around both an unmanaged and an untagged instance of one batch', async () => {
    const targets = ids(50);
    const [unmanaged, untagged] = [targets[10]!, targets[30]!];
    fakeSsm([untagged], {
      before: (call) => {
        const names = ssm.commandCalls(SendCommandCommand)[call - 1]!.args[0].input.InstanceIds!;
        if (names.includes(unmanaged) && !names.includes(untagged))
          throw new InvalidInstanceId({ message: 'Instances not in a valid state', $metadata: {} });
      },
    });

    const results = await collect(targets);

    expect(succeeded(results)).toBe(48);
    expect(results.find((r) => r.target === unmanaged)!.status).toBe('InvalidTarget');
    expect(results.find((r) => r.target === untagged)!.status).toBe('Failed');
  });
});

describe('splitting a denied batch under throttling and a deadline', () => {
  it('retries the throttled parts with backoff and still isolates the untagged instances', async () => {
    const targets = ids(50);
    const untagged = [targets[5]!, targets[44]!];
    const slept: number[] = [];
    // Every other SendCommand is throttled once before SSM answers.
    fakeSsm(untagged, {
      named: false,
      before: (call) => {
        if (call % 2 === 0) throw throttle();
      },
    });

    const results = await collect(targets, { sleep: async (ms) => void slept.push(ms) });

    expect(succeeded(results)).toBe(48);
    expect(results.filter((r) => r.status === 'Failed').map((r) => r.target)).toEqual(untagged);
    expect(slept.filter((ms) => ms >= 400).length).toBeGreaterThan(0); // backoff between throttled attempts
  });

  it('reports a part that stays throttled as Throttled, the rest of the batch unaffected', async () => {
    const targets = ids(4);
    const untagged = targets[0]!;
    // After the denied batch, the part without the untagged instance stays throttled.
    fakeSsm([untagged], {
      before: (call) => {
        if (call > 1) throw throttle();
      },
    });

    const results = await collect(targets, { maxThrottleRetries: 3 });

    expect(results.map((r) => r.status)).toEqual(['Failed', 'Throttled', 'Throttled', 'Throttled']);
    expect(sendCalls()).toBe(1 + 3);
  });

  it("stops splitting at the caller's deadline and says what was not sent", async () => {
    let t = 0;
    const targets = ids(50);
    fakeSsm(targets, {
      named: false,
      before: () => {
        t += 1_000; // each SendCommand takes a second
      },
    });

    const results = await collect(targets, { now: () => t, deadline: () => 10_000 });

    expect(sendCalls()).toBe(10);
    expect(results).toHaveLength(50);
    const notSent = results.filter((r) => r.status === 'TimedOut');
    expect(notSent.length).toBeGreaterThan(0);
    expect(notSent[0]!.stderr).toMatch(/^not sent: the step's deadline .* AccessDeniedException/);
    expect(results.filter((r) => r.status === 'Failed').length + notSent.length).toBe(50);
  });
});

describe('batchRefusal', () => {
  const batch = ids(3);
  it.each([
    ['an instance of the batch named', 'set-apart', accessDenied(instanceArn(batch[1]!))],
    ['no resource named', 'bisect', accessDenied()],
    ['an instance outside the batch named', 'bisect', accessDenied(instanceArn('i-0fff'))],
    [
      'a document named',
      'whole-batch',
      accessDenied('arn:aws:ssm:us-east-1:1:document/Paramedic-X'),
    ],
    ['InvalidInstanceId', 'bisect', new InvalidInstanceId({ message: 'x', $metadata: {} })],
    [
      'a service error',
      'whole-batch',
      Object.assign(new Error('x'), { name: 'InternalServerError' }),
    ],
  ])('%s -> %s', (_, kind, error) => {
    expect(batchRefusal(error, batch).kind).toBe(kind);
  });

  it('reads an instance ARN of another partition, trailing punctuation aside', () => {
    const error = accessDenied(`arn:aws-us-gov:ec2:us-gov-west-1:1:instance/${batch[2]}.`);
    expect(batchRefusal(error, batch)).toEqual({ kind: 'set-apart', instance: batch[2] });
  });
});
