/**
 * Runs a deployed collection step over a 1,000-host alarm whose collectors each printed a bundle at
 * the collectors' own cap (PM_TOTAL_MAX_BYTES, 1 MiB), as the Lambda runs it (runStep), in the heap
 * of the 512 MB function (HouseFunction's default memorySize; collect-fleet-memory.test.ts starts it).
 * `FLEET_STEP` picks the path:
 * - `collect`: Collect after CollectSend on the hub: one send per platform, one SSM command per 50
 *   hosts, each command's outputs read back through the deferred runner.
 * - `verify`: Verify, the same read for the verify phase, then classifying what was stored.
 * - `spoke`: CollectSend then Collect in a spoke account: the real SSM runner (SSM mocked, its output
 *   objects made on demand) runs to the end, every host's result stored as it comes, read back by Collect.
 * Objects "in S3" are kept deflated (the padding compresses), so the fake store costs no heap.
 * Prints `stored <n>`, `keys <distinct evidence keys>` and `peak <MiB of heap used at most>`.
 */
import { deflateSync, inflateSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mockClient } from 'aws-sdk-client-mock';
import { ListCommandInvocationsCommand, SendCommandCommand, SSMClient } from '@aws-sdk/client-ssm';
import { runStep } from '../../../lambdas/core/workflow/run-step.js';
import { runCollect } from '../../../lambdas/core/workflow/steps/collect.js';
import { runCollectSend } from '../../../lambdas/core/workflow/steps/collect-send.js';
import { runVerify } from '../../../lambdas/core/workflow/steps/verify.js';
import { resolveWorkflowConfig } from '../../../lambdas/core/workflow/config.js';
import {
  commandWaitKey,
  type CommandWaitRecord,
} from '../../../lambdas/core/collection/command-wait.js';
import type { SentCommand, SentCommands } from '../../../lambdas/core/collection/command-runner.js';
import { commandWaitsInState } from '../../../lambdas/core/workflow/waited-commands.js';
import { SsmCommandRunner } from '../../../lambdas/adapters/ssm/ssm-command-runner.js';
import { LocatedCommandRunner } from '../../../lambdas/adapters/ssm/located-command-runner.js';
import { loadRulebook } from '../../../lambdas/adapters/local/runbook-directory.js';
import type { EvidenceRef } from '../../../lambdas/core/workflow/model.js';
import { parseEvidenceDocument } from '../../../lambdas/core/evidence/bundle.js';
import { memoryState } from '../../support/memory-state-store.js';

const STEP = process.env.FLEET_STEP ?? 'collect';
const HOSTS = Number(process.env.FLEET_HOSTS ?? 1000);
const PER_COMMAND = 50;
const SECTION_BYTES = Number(process.env.FLEET_SECTION_KIB ?? 60) * 1024;
const SECTIONS = 16; // 16 × 60 KiB ≈ the collector's 1 MiB total cap (the test halves both it and the heap)
const SPOKE = { account: '222222222222', region: 'eu-west-1' };
const fleet = Array.from(
  { length: HOSTS },
  (_, i) => `i-${(0x10000000000 + i).toString(16).padStart(17, '0')}`,
);
const recorded = JSON.parse(
  readFileSync(
    join(import.meta.dirname, '../../fixtures/recorded/docker-daemon-killed.json'),
    'utf8',
  ),
) as { sections: Record<string, { output: string }> };
const [name, template] = Object.entries(recorded.sections)[0]!;

const recordedBundle = parseEvidenceDocument(recorded, 'i-recorded').bundle;

let peak = 0;
const sample = () => {
  peak = Math.max(peak, process.memoryUsage().heapUsed);
};

/** A bundle as the collector prints it on one host: its own bytes (journals differ per host). */
function stdoutOf(target: string): string {
  sample();
  const sections: Record<string, unknown> = { ...recorded.sections };
  for (let s = 0; s < SECTIONS; s++)
    sections[s === 0 ? name : `${name}.${s}`] = {
      ...template,
      output: `${target} ${s} `.padEnd(SECTION_BYTES, String.fromCharCode(97 + (s % 26))),
    };
  return JSON.stringify({
    ...recorded,
    sections,
    target: { platform: 'docker', instanceId: target },
  });
}

const executionId = 'arn:aws:states:eu-west-1:111111111111:execution:Paramedic:fleet-1';
const phase = STEP === 'verify' ? 'verify' : 'triage';
const at = new Date().toISOString();
const clock = { now: () => new Date() };

// S3: what leaves the function's memory once stored (deflated here, so the fake holds ~nothing).
const objects = new Map<string, Buffer>();
const storeAt = (key: string, body: string): EvidenceRef => {
  const sha256 = createHash('sha256').update(body).digest('hex');
  const uri = `s3://evidence/${key}`;
  objects.set(uri, deflateSync(body, { level: 1 }));
  sample();
  return { uri, sha256, bytes: body.length };
};
const stateDocuments = {
  put: async (prefix: string, value: unknown): Promise<EvidenceRef> => {
    const body = JSON.stringify(value);
    return storeAt(`${prefix}/${createHash('sha256').update(body).digest('hex')}.json`, body);
  },
  putAt: async (key: string, value: unknown): Promise<EvidenceRef> =>
    storeAt(key, JSON.stringify(value)),
  get: async (ref: EvidenceRef): Promise<unknown> => {
    sample();
    return JSON.parse(inflateSync(objects.get(ref.uri)!).toString('utf8'));
  },
};
const evidenceKeys = new Set<string>();
let stored = 0;
const evidence = {
  put: async (key: string) => {
    sample();
    stored++;
    evidenceKeys.add(key);
    return { uri: `s3://evidence/${key}`, sha256: '0'.repeat(64), bytes: 1 };
  },
  // Verify classifies what it stored, one bundle at a time: a small one, so the run measures the collection.
  get: async () => recordedBundle,
};
const state = memoryState();

/** The hub's runner after CollectSend: one command per 50 hosts, each host's output read from S3 as SSM wrote it. */
function hubCommands() {
  const commands: SentCommand[] = [];
  for (let i = 0; i < HOSTS; i += PER_COMMAND)
    commands.push({
      commandId: `cmd-${i}`,
      targets: fleet.slice(i, i + PER_COMMAND),
      sentAt: Date.now(),
    });
  const sent: SentCommands = {
    request: {
      document: 'Paramedic-CollectDockerHost',
      parameters: {},
      targets: fleet,
      timeoutSeconds: 600,
    },
    commands,
    finished: [],
  };
  const record: CommandWaitRecord = {
    executionId,
    phase,
    taskToken: 'token',
    commandIds: commands.map((c) => c.commandId),
    sent: [sent],
    registeredAt: at,
    deadline: Date.now(),
  };
  return {
    commands: { run: async () => [] },
    commandWaits: {
      register: async () => undefined,
      get: async (key: string) => (key === commandWaitKey('fleet-1', phase) ? record : undefined),
      waitOf: async () => undefined,
      complete: async () => 'not-pending' as const,
    },
    deferredCommands: {
      send: async () => {
        throw new Error('not used');
      },
      read: async (c: SentCommand) =>
        c.targets.map((target) => ({
          target,
          status: 'Success' as const,
          exitCode: 0,
          stdout: stdoutOf(target),
          stderr: '',
          commandId: c.commandId,
        })),
    },
  };
}

/** A spoke's runner: the real SSM runner (SSM mocked), run to the end by CollectSend, output from the spoke's bucket. */
function spokeCommands() {
  const ssm = mockClient(SSMClient);
  const sentTo = new Map<string, readonly string[]>();
  ssm.on(SendCommandCommand).callsFake(async (input) => {
    const id = `cmd-${sentTo.size}`;
    sentTo.set(id, input.InstanceIds);
    return { Command: { CommandId: id } };
  });
  ssm.on(ListCommandInvocationsCommand).callsFake(async (input) => ({
    CommandInvocations: sentTo.get(input.CommandId)!.map((id) => ({
      InstanceId: id,
      Status: 'Success',
      StatusDetails: 'Success',
      CommandPlugins: [
        {
          ResponseCode: 0,
          StandardOutputUrl: `https://s3.eu-west-1.amazonaws.com/spoke-output/ssm-output/${input.CommandId}/${id}/stdout`,
        },
      ],
    })),
  }));
  const spoke = new SsmCommandRunner(new SSMClient({ region: SPOKE.region }), {
    outputBucket: 'spoke-output',
    s3: { getText: async (_bucket, key) => stdoutOf(key.split('/')[2]!) },
    sleep: async () => undefined,
  });
  return {
    commands: new LocatedCommandRunner(() => spoke),
    commandWaits: commandWaitsInState(state),
  };
}

const ports = {
  config: resolveWorkflowConfig({ collectTimeoutSeconds: 600 }),
  audit: {
    append: async (e: unknown) => e,
    execution: async () => [],
    list: async () => [],
    verify: async () => ({}),
  },
  state,
  stateDocuments,
  evidence,
  locks: { acquire: async () => true, release: async () => true },
  rulebook: STEP === 'verify' ? loadRulebook() : undefined,
  ...(STEP === 'spoke' ? spokeCommands() : hubCommands()),
};
const targets = fleet.map((id) => ({
  id,
  platform: 'docker',
  instanceId: id,
  ...(STEP === 'spoke' ? { account: SPOKE.account, region: SPOKE.region } : {}),
}));
const workflowState: Record<string, unknown> = {
  intake: {
    executionId,
    mode: 'alarm',
    targets,
    duplicate: false,
    dedupeKey: 'd',
    startedAt: at,
    trigger: {
      kind: 'alarm',
      actor: 'alarm:paramedic-fleet',
      alarmName: 'paramedic-fleet',
      alarmReason: '',
      at,
    },
  },
  collectWait: { phase: 'triage', commands: HOSTS / PER_COMMAND, resumedBy: 'event' },
};
const started = Date.now();
let result: unknown;
if (STEP === 'verify') {
  workflowState.plan = { runbookId: 'docker-daemon-killed', targets: fleet, steps: [] };
  workflowState.remediation = { finishedAt: at };
  workflowState.verifyCollectWait = { phase: 'verify', commands: HOSTS / PER_COMMAND };
  result = await runStep(
    'Verify',
    runVerify as never,
    { executionId, state: workflowState },
    ports as never,
    clock,
  );
} else {
  if (STEP === 'spoke')
    workflowState.collectWait = await runStep(
      'CollectSend',
      runCollectSend as never,
      { executionId, state: workflowState },
      ports as never,
      clock,
    );
  result = await runStep(
    'Collect',
    runCollect as never,
    { executionId, state: workflowState },
    ports as never,
    clock,
  );
}
console.log(`stored ${stored}`);
console.log(`keys ${evidenceKeys.size}`);
console.log(`result ${JSON.stringify(result).length}`);
console.log(`peak ${Math.round(peak / 2 ** 20)}`);
console.log(`ms ${Date.now() - started}`);
