/**
 * A 1,000-target alarm through the synthesized state machine with the real steps: the execution
 * state must stay under 64 KiB at every transition (Step Functions fails an execution whose state
 * passes 256 KiB with States.DataLimitExceeded, which no Catch can handle).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, scenario, startInfra, type LocalInfra } from './harness.js';
import { RESULT_PATHS } from '../../../cdk/workflow/workflow-definition.js';
import {
  jsonBytes,
  loadReferencedState,
} from '../../../lambdas/core/workflow/state-by-reference.js';
import type { CompiledRulebook } from '../../../lambdas/core/classify/compile.js';
import type { WorkflowTaskName } from '../../../lambdas/core/workflow/task-names.js';

const FLEET = Array.from(
  { length: 1000 },
  (_, i) => `i-${(0x10000000000 + i).toString(16).padStart(17, '0')}`,
);

/** The runbooks, with every guard's maxTargets raised to the fleet: an operator who lets a fix run fleet-wide (the path with the largest state). */
function fleetWideRulebook(rulebook: CompiledRulebook): CompiledRulebook {
  return {
    ...rulebook,
    runbooks: rulebook.runbooks.map((r) =>
      r.remediation
        ? {
            ...r,
            remediation: {
              ...r.remediation,
              guards: { ...r.remediation.guards, maxTargets: FLEET.length },
            },
          }
        : r,
    ),
  };
}

let infra: LocalInfra;
beforeAll(async () => {
  infra = await startInfra();
});
afterAll(async () => {
  await infra.stop();
});

/** Runs the ASG alarm over the fleet, every host showing the same fault; returns the largest state seen and where. */
async function runFleetAlarm(): Promise<{
  output: any;
  error?: Error;
  largest: { bytes: number; at: string };
  transitions: number;
  inlineBytes: number;
}> {
  let largest = { bytes: 0, at: 'input' };
  let transitions = 0;
  const see = (bytes: number, at: string) => {
    transitions++;
    if (bytes > largest.bytes) largest = { bytes, at };
  };
  const s = await scenario(infra, {
    ports: {
      rulebook: fleetWideRulebook(infra.rulebook),
      targets: { instancesOfGroup: async () => FLEET, instanceOfNode: async () => undefined },
    },
    onTask: (task, raw, output) => {
      const state = (raw as { state: Record<string, unknown> }).state;
      see(jsonBytes(state), `${task} input`);
      // The state after the Task: its result at its ResultPath.
      see(
        jsonBytes({ ...state, [RESULT_PATHS[task as WorkflowTaskName].slice(2)]: output }),
        `${task} output`,
      );
    },
  });
  for (const id of FLEET) s.fleet.hosts.set(id, { fault: 'docker-daemon-down' });
  const run = await s.execute(fixture('alarm-state-change-asg.json'));
  if (run.output) see(jsonBytes(run.output), 'execution output');
  // The same final state with every result inline, as it travelled before results went by reference.
  const inlineBytes = run.output
    ? jsonBytes(await loadReferencedState(s.ports.stateDocuments!, run.output))
    : 0;
  return {
    output: run.output,
    ...(run.error ? { error: run.error } : {}),
    largest,
    transitions,
    inlineBytes,
  };
}

describe('execution state of a 1,000-target alarm', () => {
  it('stays under 64 KiB at every transition, results travelling by reference', async () => {
    const run = await runFleetAlarm();
    console.log(
      `1,000 targets: largest state ${(run.largest.bytes / 1024).toFixed(1)} KiB (at ${run.largest.at}, ${run.transitions} transitions measured); the final state inline would be ${(run.inlineBytes / 1024).toFixed(1)} KiB`,
    );
    expect(run.error).toBeUndefined();
    expect(run.output.completion.outcome).toBe('remediated');
    expect(run.output.intake.counts.targets).toBe(1000);
    expect(run.output.plan.decision).toBe('automatic');
    expect(run.output.remediation.counts.outcomes).toBe(1000);
    expect(run.output.verification.cleared).toBe(true);
    expect(run.largest.bytes).toBeLessThan(64 * 1024);
    // Inline, the same results pass Step Functions' 256 KiB limit (States.DataLimitExceeded, which no Catch handles).
    expect(run.inlineBytes).toBeGreaterThan(256 * 1024);
  }, 600_000);
});
