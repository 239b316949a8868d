import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CancelCommandCommand,
  GetCommandInvocationCommand,
  ListCommandInvocationsCommand,
  SendCommandCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { markCommandCompleted } from '../../../lambdas/handlers/command-completed.js';
import { commandWaitsInState } from '../../../lambdas/core/workflow/waited-commands.js';
import {
  commandDoneKey,
  parseCommandStatusEvent,
} from '../../../lambdas/core/collection/command-completion.js';
import { SsmCommandRunner } from '../../../lambdas/adapters/ssm/ssm-command-runner.js';
import type { StateStore } from '../../../lambdas/core/workflow/ports.js';
import { memoryState } from '../../support/memory-state-store.js';

// SSM's command-level event, as documented (docs/design/ssm-completion-by-event.md).
const EVENT = JSON.parse(
  readFileSync(
    join(import.meta.dirname, '../../fixtures/events/ssm-command-status-change.json'),
    'utf8',
  ),
);
const with_ = (detail: Record<string, unknown>, top: Record<string, unknown> = {}) => ({
  ...EVENT,
  ...top,
  detail: { ...EVENT.detail, ...detail },
});

/** The handler's ports over one in-memory state (no wait registered: the mark is all it writes); nothing may resume. */
const portsOver = (state: StateStore) => ({
  state,
  waits: commandWaitsInState(state),
  callback: {
    succeed: async (): Promise<never> => {
      throw new Error('nothing waits');
    },
  },
});

describe('CommandCompleted: SSM status-change events mark commands done', () => {
  it("marks a terminal status of this deployment's document", async () => {
    const state = memoryState();
    const result = await markCommandCompleted(
      EVENT,
      portsOver(state),
      'Paramedic-prod-',
      new Date('2026-11-23T09:06:31Z'),
    );
    expect(result).toEqual({
      marked: true,
      commandId: 'e8d3c0e4-71f7-4491-898f-c9b35bee5f3b',
      wait: 'unregistered',
    });
    expect(state.items.get(commandDoneKey('e8d3c0e4-71f7-4491-898f-c9b35bee5f3b'))).toEqual({
      status: 'Success',
      document: 'Paramedic-prod-CollectDockerHost',
      at: '2026-11-23T09:06:31.000Z',
    });
  });

  it.each([
    ['a status that is not terminal', with_({ status: 'InProgress' })],
    [
      "another deployment's document",
      with_({ 'document-name': 'Paramedic-staging-CollectDockerHost' }),
    ],
    ["someone else's document", with_({ 'document-name': 'AWS-RunShellScript' })],
    [
      'the per-instance event',
      with_({}, { 'detail-type': 'EC2 Command Invocation Status-change Notification' }),
    ],
    ['a command id that is not one', with_({ 'command-id': '../../etc' })],
    ['another source', with_({}, { source: 'aws.ec2' })],
  ])('ignores %s', async (_what, event) => {
    const state = memoryState();
    expect(await markCommandCompleted(event, portsOver(state), 'Paramedic-prod-')).toEqual({
      marked: false,
    });
    expect(state.items.size).toBe(0);
  });

  it.each(['Success', 'Failed', 'TimedOut', 'Cancelled'])('treats %s as terminal', (status) => {
    expect(parseCommandStatusEvent(with_({ status }), 'Paramedic-prod-')?.status).toBe(status);
  });
});

describe('SsmCommandRunner with completion by event', () => {
  const ssm = mockClient(SSMClient);
  // Every command's full output, as SSM writes it to the bucket.
  const s3 = { getText: async () => '{}' };
  beforeEach(() => {
    ssm.reset();
  });
  const ids = (n: number) =>
    Array.from({ length: n }, (_, i) => `i-${String(i).padStart(17, '0')}`);

  function fleet(doneAfterMs: number) {
    let t = 0;
    let seq = 0;
    const sentAt = new Map<string, number>();
    ssm.on(SendCommandCommand).callsFake(async () => {
      const id = `c-${++seq}`;
      sentAt.set(id, t);
      return { Command: { CommandId: id } };
    });
    ssm.on(ListCommandInvocationsCommand).callsFake(async (input) => {
      const s = t - sentAt.get(input.CommandId)! >= doneAfterMs ? 'Success' : 'InProgress';
      return {
        CommandInvocations: ids(120)
          .slice(0, 50)
          .map((id) => ({
            InstanceId: id,
            Status: s,
            StatusDetails: s,
            CommandPlugins: [
              {
                ResponseCode: 0,
                StandardOutputUrl: `https://s3.us-east-1.amazonaws.com/evidence/ssm-output/${input.CommandId}/${id}/stdout`,
              },
            ],
          })),
      };
    });
    ssm.on(CancelCommandCommand).resolves({});
    return {
      now: () => t,
      sleep: async (ms: number) => {
        t += ms;
      },
      sentAt,
    };
  }

  it('reads each command once, after its completion mark: SendCommand + one ListCommandInvocations per batch', async () => {
    const sim = fleet(20_000);
    // The event arrives 1 s after the command ends.
    const completions = { isDone: async (id: string) => sim.now() - sim.sentAt.get(id)! >= 21_000 };
    const runner = new SsmCommandRunner(new SSMClient({}), {
      ...sim,
      outputBucket: 'evidence',
      s3,
      completions,
      completionCheckMs: 2_000,
    });
    const results = await runner.run({
      document: 'Paramedic-CollectDockerHost',
      parameters: {},
      targets: ids(50),
      timeoutSeconds: 600,
    });
    expect(results.every((r) => r.status === 'Success')).toBe(true);
    expect(ssm.commandCalls(SendCommandCommand)).toHaveLength(1);
    expect(ssm.commandCalls(ListCommandInvocationsCommand)).toHaveLength(1);
    expect(ssm.commandCalls(GetCommandInvocationCommand)).toHaveLength(0);
    // Bounded by the slowest host (20 s) plus delivery and one check interval, not by a backoff schedule.
    expect(sim.now()).toBeLessThanOrEqual(22_000);
  });

  it('a lost event costs one read at the deadline, then cancels what still runs', async () => {
    const sim = fleet(Number.POSITIVE_INFINITY);
    const runner = new SsmCommandRunner(new SSMClient({}), {
      ...sim,
      outputBucket: 'evidence',
      s3,
      completions: { isDone: async () => false },
      graceMs: 0,
      deadline: () => 90_000,
    });
    const results = await runner.run({
      document: 'Paramedic-CollectDockerHost',
      parameters: {},
      targets: ids(50),
      timeoutSeconds: 600,
    });
    expect(sim.now()).toBe(90_000);
    expect(ssm.commandCalls(ListCommandInvocationsCommand)).toHaveLength(1);
    expect(ssm.commandCalls(CancelCommandCommand)).toHaveLength(1);
    expect(results.every((r) => r.status === 'TimedOut')).toBe(true);
  });
});
