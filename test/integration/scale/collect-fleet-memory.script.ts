/**
 * Runs the deployed Collect step (runStep + runCollect, as the Lambda runs them) over a 1,000-host
 * wait whose collectors each printed a bundle at the collectors' own cap (PM_TOTAL_MAX_BYTES, 1 MiB),
 * the way the SSM deferred runner hands them back. Started by collect-fleet-memory.test.ts with the
 * heap of the 512 MB function (HouseFunction's default memorySize). Prints `ok <bundles stored>`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runStep } from '../../../lambdas/core/workflow/run-step.js';
import { runCollect } from '../../../lambdas/core/workflow/steps/collect.js';
import { resolveWorkflowConfig } from '../../../lambdas/core/workflow/config.js';
import {
  commandWaitKey,
  type CommandWaitRecord,
} from '../../../lambdas/core/collection/command-wait.js';
import type { SentCommands } from '../../../lambdas/core/collection/command-runner.js';

const HOSTS = Number(process.env.FLEET_HOSTS ?? 1000);
const PER_SEND = 50;
const SECTION_BYTES = 60 * 1024;
const SECTIONS = 16; // 16 × 60 KiB ≈ the collector's 1 MiB total cap
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

/** A bundle as the collector prints it on one host: its own bytes (journals differ per host). */
function stdoutOf(target: string): string {
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
const sent: SentCommands[] = [];
for (let i = 0; i < HOSTS; i += PER_SEND) {
  const targets = fleet.slice(i, i + PER_SEND);
  sent.push({
    request: {
      document: 'Paramedic-CollectDockerHost',
      parameters: {},
      targets,
      timeoutSeconds: 600,
    },
    commands: [{ commandId: `cmd-${i}`, targets, sentAt: Date.now() }],
    finished: [],
  } as unknown as SentCommands);
}
const record: CommandWaitRecord = {
  executionId,
  phase: 'triage',
  taskToken: 'token',
  commandIds: sent.map((s) => s.commands[0]!.commandId),
  sent,
  registeredAt: new Date().toISOString(),
  deadline: Date.now(),
};
let stored = 0;
let reads = 0;
const ports = {
  config: resolveWorkflowConfig({ collectTimeoutSeconds: 600 }),
  audit: {
    append: async (e: unknown) => e,
    execution: async () => [],
    list: async () => [],
    verify: async () => ({}),
  },
  state: { get: async () => undefined, put: async () => undefined, putIfAbsent: async () => true },
  commandWaits: {
    register: async () => undefined,
    get: async (key: string) => (key === commandWaitKey('fleet-1', 'triage') ? record : undefined),
    waitOf: async () => undefined,
    complete: async () => 'not-pending' as const,
  },
  // SSM: ListCommandInvocations, then each host's full stdout from the output bucket.
  deferredCommands: {
    send: async () => {
      throw new Error('not used');
    },
    read: async (s: SentCommands) => {
      process.stderr.write(
        `read ${++reads} of ${sent.length} commands, ${stored} bundles stored\n`,
      );
      return s.request.targets.map((target) => ({
        target,
        status: 'Success' as const,
        exitCode: 0,
        stdout: stdoutOf(target),
        stderr: '',
        commandId: s.commands[0]!.commandId,
      }));
    },
  },
  commands: { run: async () => [] },
  // S3: the bundle leaves the function's memory once stored.
  evidence: {
    put: async (key: string) => {
      stored++;
      return { uri: `s3://evidence/${key}`, sha256: '0'.repeat(64), bytes: 1 };
    },
    get: async () => {
      throw new Error('not used');
    },
  },
};
const state = {
  intake: {
    executionId,
    mode: 'alarm',
    targets: fleet.map((id) => ({ id, platform: 'docker', instanceId: id })),
    duplicate: false,
    dedupeKey: 'd',
    startedAt: new Date().toISOString(),
    trigger: {
      kind: 'alarm',
      actor: 'alarm:paramedic-fleet',
      alarmName: 'paramedic-fleet',
      alarmReason: '',
      at: new Date().toISOString(),
    },
  },
  collectWait: { phase: 'triage', commands: sent.length, resumedBy: 'event' },
};
await runStep('Collect', runCollect as never, { executionId, state }, ports as never, {
  now: () => new Date(),
});
console.log(`ok ${stored}`);
