/**
 * The send and read halves of a waited step over the SSM runner (SSM mocked, SSM's output objects in memory): sending costs
 * one SendCommand per 50 targets and no list or get; reading costs one ListCommandInvocations per
 * command; what has not finished when the wait timed out is cancelled and its evidence says so.
 */
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
import { SsmCommandRunner } from '../../../lambdas/adapters/ssm/ssm-command-runner.js';
import { unfinishedReason } from '../../../lambdas/core/collection/command-wait.js';
import { collectFromWait } from '../../../lambdas/core/workflow/evidence-collection.js';
import type { Target } from '../../../lambdas/core/workflow/model.js';
import type {
  ClusterLocation,
  ClusterPort,
  EvidenceStore,
} from '../../../lambdas/core/workflow/ports.js';
import {
  commandWaitsInState,
  readWaitedResults,
  sendAndRegister,
  type WaitedCommandPorts,
} from '../../../lambdas/core/workflow/waited-commands.js';
import type { CommandResult } from '../../../lambdas/core/collection/command-runner.js';
import { memoryState } from '../../support/memory-state-store.js';

const ssm = mockClient(SSMClient);
/** Every command's full output, as SSM writes it to the bucket. */
const s3 = { getText: async (_bucket: string, _key: string): Promise<string> => '{}' };
const ids = (n: number) => Array.from({ length: n }, (_, i) => `i-${String(i).padStart(17, '0')}`);
/** One Collect command for the first `n` hosts, as CollectSend sends it. */
const collectDockerHosts = (n: number) => [
  { document: 'Paramedic-CollectDockerHost', parameters: {}, targets: ids(n), timeoutSeconds: 600 },
];
const EXECUTION = 'arn:aws:states:us-east-1:123456789012:execution:Paramedic:run-7';
const clock = { now: () => new Date('2026-12-02T10:00:00Z') };

/** Every host has finished except `running`. */
function fleet(running: ReadonlySet<string>) {
  let seq = 0;
  const sent = new Map<string, string[]>();
  ssm.on(SendCommandCommand).callsFake(async (input) => {
    const id = `c-${++seq}`;
    sent.set(id, input.InstanceIds);
    return { Command: { CommandId: id } };
  });
  ssm.on(ListCommandInvocationsCommand).callsFake(async (input) => ({
    CommandInvocations: sent.get(input.CommandId)!.map((id) => {
      const s = running.has(id) ? 'InProgress' : 'Success';
      return {
        InstanceId: id,
        Status: s,
        StatusDetails: s,
        CommandPlugins: [
          {
            ResponseCode: 0,
            StandardOutputUrl: `https://s3.us-east-1.amazonaws.com/evidence/ssm-output/${input.CommandId}/${id}/stdout`,
          },
        ],
      };
    }),
  }));
  ssm.on(CancelCommandCommand).resolves({});
}

beforeEach(() => {
  ssm.reset();
  s3.getText = async () => '{}';
});

/** A bundle store the read only writes to (Collect reads nothing back). */
const storeOnly = (put: EvidenceStore['put']): EvidenceStore => ({
  put,
  get: async () => {
    throw new Error('not read here');
  },
});
/** The reference a store returns for `key` (nothing is kept). */
const refTo = (key: string) => ({ uri: `mem://${key}`, sha256: '0'.repeat(64), bytes: 2 });

/** Collect's read of the triage phase, storing in `evidence`. */
const collectTriage = (
  p: ReturnType<typeof ports>,
  evidence: EvidenceStore,
  targets: readonly Target[],
) =>
  collectFromWait(
    { ...p, evidence, config: { collectTimeoutSeconds: 600 } },
    EXECUTION,
    'triage',
    targets,
    clock,
    {},
    'x',
  );
/** A collector's output as a Docker host prints it. */
const recordedBundle = () =>
  readFileSync(
    join(import.meta.dirname, '../../fixtures/recorded/docker-daemon-killed.json'),
    'utf8',
  );

/** Ports after CollectSend sent the collector to the first `n` hosts, every one of them finished. */
async function sentToFleet(n: number, phase: string) {
  fleet(new Set());
  const p = ports();
  await sendAndRegister(p, clock, collectDockerHosts(n), {
    executionId: EXECUTION,
    phase,
    waitSeconds: 720,
  });
  return p;
}

/** Every part the read yields, in order, flattened. */
async function readAll(p: WaitedCommandPorts, phase: string, why = 'x'): Promise<CommandResult[]> {
  const out: CommandResult[] = [];
  for await (const part of readWaitedResults(p, EXECUTION, phase, why)) out.push(...part.results);
  return out;
}

function ports() {
  const runner = new SsmCommandRunner(new SSMClient({ region: 'us-east-1' }), {
    outputBucket: 'evidence',
    s3,
  });
  const state = memoryState();
  return {
    commands: runner,
    deferredCommands: runner,
    commandWaits: commandWaitsInState(state),
    state,
  };
}

describe('sending without waiting', () => {
  it('costs one SendCommand per 50 targets and no list or get; the Task keeps waiting', async () => {
    fleet(new Set());
    const p = ports();
    const sent = await sendAndRegister(p, clock, collectDockerHosts(120), {
      executionId: EXECUTION,
      phase: 'triage',
      taskToken: 't',
      waitSeconds: 720,
    });

    expect(sent).toEqual({ waiting: true, commands: 3 });
    expect(ssm.commandCalls(SendCommandCommand)).toHaveLength(3);
    expect(ssm.commandCalls(ListCommandInvocationsCommand)).toHaveLength(0);
    expect(ssm.commandCalls(GetCommandInvocationCommand)).toHaveLength(0);
  });
});

describe('a runner that runs to completion (the local one)', () => {
  it('the send Task resolves its own wait: its result is the outcome, and the read returns what ran', async () => {
    const ran: string[][] = [];
    const local = {
      run: async (r: { targets: readonly string[] }) => {
        ran.push([...r.targets]);
        return r.targets.map((target) => ({
          target,
          status: 'Success' as const,
          exitCode: 0,
          stdout: '{}',
          stderr: '',
        }));
      },
    };
    const state = memoryState();
    const p = { commands: local, state };

    const sent = await sendAndRegister(p, clock, collectDockerHosts(3), {
      executionId: EXECUTION,
      phase: 'triage',
      taskToken: 'local-token',
      waitSeconds: 720,
    });
    const read = await readAll(p, 'triage');

    expect(sent).toEqual({ phase: 'triage', commands: 0, resumedBy: 'sender' });
    expect(ran).toEqual([ids(3)]);
    expect(read.map((r) => [r.target, r.status])).toEqual(ids(3).map((t) => [t, 'Success']));
  });
});

describe('a runner that runs to the end, with a document store (a spoke, the local run)', () => {
  it("stores each host result on its own as it comes; the wait keeps references, and the read yields them 50 at a time (one command's worth)", async () => {
    const documents = new Map<string, unknown>();
    const stateDocuments = {
      put: async () => {
        throw new Error('a wait names its documents by key');
      },
      putAt: async (key: string, value: unknown) => {
        const uri = `mem://${key}`;
        documents.set(uri, value);
        return { uri, sha256: '0'.repeat(64), bytes: 1 };
      },
      get: async (ref: { uri: string }) => documents.get(ref.uri),
    };
    const given: string[] = [];
    // Hands two results to the sink as they come and returns the third, as the SSM runner returns the refused.
    const spoke = {
      run: async (
        r: { targets: readonly string[] },
        each?: (c: CommandResult) => Promise<void>,
      ) => {
        const results = r.targets.map((target) => ({
          target,
          status: 'Success' as const,
          exitCode: 0,
          stdout: `{"host":"${target}"}`,
          stderr: '',
        }));
        for (const result of results.slice(0, 2)) {
          given.push(result.target);
          await each!(result);
        }
        return results.slice(2);
      },
    };
    const state = memoryState();
    const p = { commands: spoke, state, stateDocuments };

    await sendAndRegister(p, clock, collectDockerHosts(120), {
      executionId: EXECUTION,
      phase: 'triage',
      waitSeconds: 720,
    });
    const parts: CommandResult[][] = [];
    for await (const part of readWaitedResults(p, EXECUTION, 'triage', 'x'))
      parts.push([...part.results]);

    expect(given).toEqual(ids(2));
    expect([...documents.keys()]).toEqual(
      ids(120).map((t) => `mem://command-results/run-7/triage/hosts/${t}.json`),
    );
    expect(JSON.stringify(await state.get('ssm-wait#run-7#triage'))).not.toContain('stdout');
    // In the order sent, 50 at a time: the caller reads what a part's EKS targets share once a part.
    expect(parts.map((results) => results.length)).toEqual([50, 50, 20]);
    expect(parts.flat().map((r) => r.stdout)).toEqual(ids(120).map((t) => `{"host":"${t}"}`));
  });
});

describe('reading after the wait', () => {
  it('reads the next command only once the caller has taken the one before', async () => {
    const p = await sentToFleet(120, 'triage');
    const lists: number[] = [];
    for await (const part of readWaitedResults(p, EXECUTION, 'triage', 'x'))
      lists.push(part.results.length * 10 + ssm.commandCalls(ListCommandInvocationsCommand).length);

    // 50, 50 and 20 results, each part read with one more list call than the part before.
    expect(lists).toEqual([501, 502, 203]);
  });

  it('a retry after some bundles were stored stores each target once, under the same keys', async () => {
    const p = await sentToFleet(120, 'triage');
    const targets: Target[] = ids(120).map((id) => ({ id, platform: 'docker' }) as Target);
    const stored = new Map<string, number>();
    let failAfter = 70;
    const evidence = storeOnly(async (key) => {
      if (failAfter-- === 0) throw new Error('the function died here');
      stored.set(key, (stored.get(key) ?? 0) + 1);
      return refTo(key);
    });
    const collect = () => collectTriage(p, evidence, targets);
    const bundle = recordedBundle();
    s3.getText = async () => bundle;

    await expect(collect()).rejects.toThrow(/the function died here/);
    // Stores overlap (8 at a time): the 7 beside the one that failed may still land; none after them starts.
    expect(stored.size).toBeGreaterThanOrEqual(70);
    expect(stored.size).toBeLessThanOrEqual(77);
    const retried = await collect();

    expect([...stored.keys()].sort()).toEqual(
      ids(120).map((t) => `executions/run-7/triage/${t}.json`),
    );
    expect(retried.collected).toBe(120);
    expect(retried.evidence.map((e) => e.target)).toEqual(ids(120));
  });

  it('a failed store ends the read only once the stores under way have ended, and starts none after it', async () => {
    const p = await sentToFleet(50, 'triage');
    const targets: Target[] = ids(50).map((id) => ({ id, platform: 'docker' }) as Target);
    let started = 0;
    let running = 0;
    const evidence = storeOnly(async (key) => {
      if (++started === 3) {
        // Refused while the other seven of the first eight still write.
        await new Promise((resolve) => setTimeout(resolve, 5));
        throw new Error('S3 refused this one');
      }
      running++;
      await new Promise((resolve) => setTimeout(resolve, 20));
      running--;
      return refTo(key);
    });
    s3.getText = async () => recordedBundle();

    await expect(collectTriage(p, evidence, targets)).rejects.toThrow('S3 refused this one');
    // Nothing still writes after the step returned (a Lambda would freeze it mid-PUT, to land during the retry).
    expect(running).toBe(0);
    expect(started).toBe(8);
  });

  it("reads the cluster's view of a command's EKS targets in one call, in the window the node collector was given", async () => {
    const p = await sentToFleet(60, 'verify');
    const targets: Target[] = ids(60).map(
      (id, i) =>
        ({
          id,
          platform: 'eks',
          cluster: 'shop-prod',
          node: `node-${i}`,
          instanceId: id,
        }) as Target,
    );
    const asked: ClusterLocation[][] = [];
    const cluster = {
      read: async (locations: readonly ClusterLocation[]) => {
        asked.push([...locations]);
        return locations.map(() => ({ kind: 'kubernetes-api' as const, error: 'not read here' }));
      },
    } as unknown as ClusterPort;
    const evidence = storeOnly(async (key) => refTo(key));

    const result = await collectFromWait(
      { ...p, evidence, cluster, config: { collectTimeoutSeconds: 600 } },
      EXECUTION,
      'verify',
      targets,
      clock,
      {
        incidentTime: '2026-12-02T09:30:00Z',
        remediatedAt: '2026-12-02T09:50:00Z',
        lookbackMinutes: 45,
      },
      'x',
    );

    // Two commands (50 + 10 hosts): one read each, every target with the same window.
    expect(asked.map((a) => a.length)).toEqual([50, 10]);
    for (const location of asked.flat())
      expect(location).toMatchObject({
        cluster: 'shop-prod',
        incidentTime: '2026-12-02T09:30:00.000Z',
        remediatedAt: '2026-12-02T09:50:00.000Z',
        lookbackMinutes: 45,
      });
    expect(result.evidence.map((e) => e.target)).toEqual(ids(60));
  });

  it('reads each command once and keeps every target in the order sent', async () => {
    const p = await sentToFleet(120, 'triage');
    const read = await readAll(p, 'triage', unfinishedReason({ phase: 'triage' }));

    expect(ssm.commandCalls(ListCommandInvocationsCommand)).toHaveLength(3);
    expect(read.map((r) => r.target)).toEqual(ids(120));
    expect(read.every((r) => r.status === 'Success')).toBe(true);
    expect(ssm.commandCalls(CancelCommandCommand)).toHaveLength(0);
  });

  it('after a timeout, cancels the hosts still running and their evidence says the wait timed out', async () => {
    const stuck = new Set(ids(120).slice(100, 103));
    fleet(stuck);
    const p = ports();
    const targets: Target[] = ids(120).map((id) => ({ id, platform: 'docker' }) as Target);
    const stored: string[] = [];
    const evidence = storeOnly(async (key) => {
      stored.push(key);
      return refTo(key);
    });
    await sendAndRegister(p, clock, collectDockerHosts(120), {
      executionId: EXECUTION,
      phase: 'triage',
      taskToken: 't',
      waitSeconds: 720,
    });

    const result = await collectFromWait(
      { ...p, evidence, config: { collectTimeoutSeconds: 600 } },
      EXECUTION,
      'triage',
      targets,
      clock,
      {},
      unfinishedReason({ Error: 'States.Timeout', Cause: 'timed out' }),
    );

    const cancels = ssm.commandCalls(CancelCommandCommand).map((c) => c.args[0].input);
    expect(cancels).toEqual([{ CommandId: 'c-3', InstanceIds: [...stuck] }]);
    const timedOut = result.evidence.filter((e) => e.status === 'TimedOut');
    expect(timedOut.map((e) => e.target)).toEqual([...stuck]);
    for (const e of timedOut)
      expect(e.error).toMatch(/no completion event before the wait timed out.*CancelCommand sent/);
    expect(result.evidence).toHaveLength(120);
  });

  it('a phase whose send Task never ran is an error that says so', async () => {
    await expect(readAll(ports(), 'verify')).rejects.toThrow(
      /no commands were registered for the verify phase/,
    );
  });
});
