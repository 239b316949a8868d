/**
 * Each Task of the deployed workflow against the function behind it, read from the synthesized
 * template (the state's function reference mapped to its AWS::Lambda::Function): no function may
 * outlive its Task (it would act after the Catch released the run's locks), and the steps that go
 * over a whole fleet's stored evidence must have the time and CPU for maxTargetsPerExecution hosts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Template } from 'aws-cdk-lib/assertions';
import { createApp } from '../../cdk/app.js';
import { DEFAULT_WORKFLOW_CONFIG } from '../../lambdas/core/workflow/config.js';
import { STORED_BUNDLES_AT_ONCE } from '../../lambdas/core/workflow/stored-bundle-reads.js';

interface TaskOfFunction {
  readonly state: string;
  readonly retry: readonly Retrier[];
  readonly taskTimeoutSeconds: number;
  readonly functionTimeoutSeconds: number;
  readonly memoryMb: number;
}

/** The classifier's CPU for one MiB of evidence at one vCPU (measured: 11.5-13 ms on a laptop core). */
const CLASSIFY_MS_PER_MIB_ONE_VCPU = 13;
/** The collectors' cap on one host's bundle (PM_TOTAL_MAX_BYTES). */
const BUNDLE_MIB = 1;
/** An S3 GET of up to 1 MiB from Lambda, first byte and transfer (in-region, pessimistic). */
const GET_MS = 60;
/** Lambda gives one vCPU at 1,769 MB, and CPU in proportion below it. */
const ONE_VCPU_MB = 1769;

interface Retrier {
  readonly ErrorEquals: readonly string[];
  readonly IntervalSeconds?: number;
  readonly MaxAttempts?: number;
  readonly BackoffRate?: number;
  readonly MaxDelaySeconds?: number;
  readonly JitterStrategy?: string;
}

/**
 * The expected total wait of a retrier that exhausts its attempts, by the ASL's rules: the n-th
 * wait is IntervalSeconds · BackoffRate^n capped at MaxDelaySeconds, and full jitter waits a
 * uniform part of it (half, on average).
 */
function expectedWaitSeconds(r: Retrier): number {
  const jitter = r.JitterStrategy === 'FULL' ? 0.5 : 1;
  let total = 0;
  for (let n = 0; n < (r.MaxAttempts ?? 3); n++)
    total +=
      Math.min(
        (r.IntervalSeconds ?? 1) * (r.BackoffRate ?? 2) ** n,
        r.MaxDelaySeconds ?? Infinity,
      ) * jitter;
  return total;
}

let tasks: TaskOfFunction[];

beforeAll(() => {
  const { pipeline } = createApp({
    context: { 'aws:cdk:bundling-stacks': [], paramedic: { alarmNamePrefixes: ['paramedic-'] } },
  });
  const template = Template.fromStack(pipeline);
  const functions = template.findResources('AWS::Lambda::Function');
  const [machine] = Object.values(
    template.findResources('AWS::StepFunctions::StateMachine'),
  ) as any[];
  // Function ARNs sit inside the definition's JSON strings: each becomes `fn:<logical id>`.
  const body = (machine.Properties.DefinitionString['Fn::Join'][1] as unknown[])
    .map((part: any) =>
      typeof part === 'string' ? part : part['Fn::GetAtt'] ? `fn:${part['Fn::GetAtt'][0]}` : 'ref',
    )
    .join('');
  const states = JSON.parse(body).States as Record<string, any>;
  tasks = Object.entries(states)
    .filter(([, s]) => s.Type === 'Task')
    .map(([state, s]) => {
      const reference = `${s.Resource} ${s.Parameters?.FunctionName ?? ''}`;
      const id = /fn:([A-Za-z0-9]+)/.exec(reference)?.[1];
      const fn = functions[id!]?.Properties;
      if (!fn) throw new Error(`Task ${state}: no function in the template for ${reference}`);
      return {
        state,
        retry: s.Retry ?? [],
        taskTimeoutSeconds: s.TimeoutSeconds,
        functionTimeoutSeconds: fn.Timeout,
        memoryMb: fn.MemorySize,
      };
    });
});

describe('every Task outlives its function', () => {
  it('finds every Task of the workflow and its function', () => {
    expect(tasks.map((t) => t.state)).toEqual(
      expect.arrayContaining([
        'Intake',
        'CollectSend',
        'Collect',
        'Classify',
        'Plan',
        'VerifySend',
      ]),
    );
  });

  it("each function's timeout is shorter than its Task's, the send halves' included", () => {
    for (const t of tasks)
      expect(t.functionTimeoutSeconds, `${t.state} function vs Task`).toBeLessThan(
        t.taskTimeoutSeconds,
      );
  });
});

describe('the steps that read a whole fleet have the time and the CPU for it', () => {
  it.each(['Classify', 'Plan'])(
    '%s: maxTargetsPerExecution hosts of 1 MiB read and classified in half its function timeout',
    (state) => {
      const t = tasks.find((x) => x.state === state)!;
      const hosts = DEFAULT_WORKFLOW_CONFIG.maxTargetsPerExecution;
      const cpuMsPerHost =
        (CLASSIFY_MS_PER_MIB_ONE_VCPU * BUNDLE_MIB * ONE_VCPU_MB) /
        Math.min(t.memoryMb, ONE_VCPU_MB);
      const seconds = (hosts * (cpuMsPerHost + GET_MS / STORED_BUNDLES_AT_ONCE)) / 1000;

      expect(
        t.functionTimeoutSeconds,
        `${state}: ~${seconds.toFixed(0)} s of work`,
      ).toBeGreaterThan(2 * seconds);
    },
  );
});

describe('a run throttled in an alarm storm waits for a slot instead of failing', () => {
  it.each([
    'Intake',
    'AcquireLock',
    'Collect',
    'Classify',
    'Plan',
    'RemediateStep',
    'Verify',
    'ReleaseLock',
    'Complete',
  ])(
    '%s retries Lambda throttling, on average, for twice as long as any function can hold a slot',
    (state) => {
      // Reserved concurrency is per function: the 21st run waits for one of 20 runs holding the slot.
      const longestSlot = Math.max(...tasks.map((t) => t.functionTimeoutSeconds));
      const throttled = tasks
        .find((t) => t.state === state)!
        .retry.find((r) => r.ErrorEquals.includes('Lambda.TooManyRequestsException'))!;

      expect(expectedWaitSeconds(throttled)).toBeGreaterThanOrEqual(2 * longestSlot);
      expect(throttled.JitterStrategy).toBe('FULL');
    },
  );
});
