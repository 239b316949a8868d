/**
 * Found by review (the defect, now fixed): a spoke's send stored each host's result under `<prefix>/<target>/<sha256>.json`
 * (S3StateDocuments names objects by content). A retried CollectSend runs new commands (new
 * command ids, new output), so every host got a second object and the first was orphaned; the
 * evidence bucket's lifecycle expired only `ssm-output/` and noncurrent versions, so neither copy
 * ever went away. Now each host has one fixed key under the prefix the bucket expires
 * (test/cdk/deploy-on-aws.test.ts checks the rule), and the retry overwrites it.
 */
import { describe, expect, it } from 'vitest';
import { S3StateDocuments } from '../../../lambdas/adapters/s3/s3-state-documents.js';
import type { S3Objects } from '../../../lambdas/adapters/s3/s3-objects.js';
import type { CommandResult } from '../../../lambdas/core/collection/command-runner.js';
import { COMMAND_RESULTS_PREFIX } from '../../../lambdas/core/collection/command-wait.js';
import {
  readWaitedResults,
  sendAndRegister,
} from '../../../lambdas/core/workflow/waited-commands.js';
import { memoryState } from '../../support/memory-state-store.js';

const EXECUTION = 'arn:aws:states:us-east-1:123456789012:execution:Paramedic:run-7';
const clock = { now: () => new Date('2026-12-02T10:00:00Z') };
const hosts = ['i-00000000000000001', 'i-00000000000000002', 'i-00000000000000003'];

describe('a retried spoke send', () => {
  it('leaves one stored result object per host, not one per attempt', async () => {
    const objects = new Map<string, string>();
    const s3: S3Objects = {
      getText: async (_b, key) => objects.get(key),
      putText: async (_b, key, body) => {
        objects.set(key, body);
      },
    };
    let attempt = 0;
    // Each attempt is a new SendCommand: new command id, output printed at a new time.
    const spoke = {
      run: async (
        r: { targets: readonly string[] },
        each?: (c: CommandResult) => Promise<void>,
      ) => {
        attempt++;
        for (const target of r.targets)
          await each!({
            target,
            status: 'Success',
            exitCode: 0,
            stdout: `{"host":"${target}","at":${attempt}}`,
            stderr: '',
            commandId: `c-${attempt}`,
          });
        return [];
      },
    };
    const p = {
      commands: spoke,
      state: memoryState(),
      stateDocuments: new S3StateDocuments(s3, 'evidence'),
    };
    const send = () =>
      sendAndRegister(
        p,
        clock,
        [
          {
            document: 'Paramedic-CollectDockerHost',
            parameters: {},
            targets: hosts,
            timeoutSeconds: 600,
          },
        ],
        { executionId: EXECUTION, phase: 'triage', waitSeconds: 720 },
      );

    await send();
    await send(); // the Task's retry

    const perHost = [...objects.keys()].filter((k) => hosts.some((h) => k.includes(h)));
    expect(perHost).toHaveLength(hosts.length);
    // Every object the send wrote lies where the bucket's lifecycle expires it.
    expect([...objects.keys()].filter((k) => !k.startsWith(COMMAND_RESULTS_PREFIX))).toEqual([]);
    // The read after the retry gets the retry's output (the overwritten objects match the wait's references).
    const read: string[] = [];
    for await (const part of readWaitedResults(p, EXECUTION, 'triage', 'x'))
      read.push(...part.results.map((r) => r.stdout));
    expect(read).toEqual(hosts.map((h) => `{"host":"${h}","at":2}`));
  });
});
