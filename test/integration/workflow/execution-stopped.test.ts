/**
 * A run stopped before Complete (StopExecution: ABORTED; the same for TIMED_OUT and FAILED),
 * through the synthesized workflow and the real steps, closed by ExecutionInterrupted's handler on
 * Step Functions' status-change event: its locks are given back at any fleet size, and never while
 * the action it started may still be running on a host (Step Functions stops neither the running
 * Lambda invocation nor its SSM command).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture, scenario, sharedInfra, SimulatedFleet, type Scenario } from './harness.js';
import { LocalEventPublisher } from '../../../lambdas/adapters/local/local-event-publisher.js';
import { lockKey } from '../../../lambdas/core/workflow/dedupe.js';
import { isResultSummary } from '../../../lambdas/core/workflow/state-by-reference.js';
import { handleExecutionStatusChange } from '../../../lambdas/handlers/execution-interrupted.js';

const infra = sharedInfra();
const clock = { now: () => new Date() };
const ABORTED = JSON.parse(
  readFileSync(
    join(import.meta.dirname, '../../fixtures/events/sfn-execution-status-change-aborted.json'),
    'utf8',
  ),
);
const MACHINE = ABORTED.detail.stateMachineArn as string;
const ARN = 'arn:aws:states:us-east-1:123456789012:execution:ParamedicWorkflow';
const HOST = 'i-0123456789abcdef0';
const FLEET = Array.from(
  { length: 1000 },
  (_, i) => `i-${(0x10000000000 + i).toString(16).padStart(17, '0')}`,
);

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The status events the run publishes, on the local bus file. */
function localBus(): LocalEventPublisher {
  const dir = mkdtempSync(join(tmpdir(), 'paramedic-stopped-'));
  dirs.push(dir);
  return new LocalEventPublisher(dir);
}

/** StopExecution on the emulated run, then its ABORTED event delivered to ExecutionInterrupted's handler. */
async function stopAndClose(s: Scenario, executionId: string) {
  s.stop(executionId);
  const event = {
    ...ABORTED,
    resources: [executionId],
    detail: { ...ABORTED.detail, executionArn: executionId, stopDate: Date.now() },
  };
  return handleExecutionStatusChange(event, MACHINE, s.ports, clock);
}

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function locksHeld(s: Scenario, ids: readonly string[]): Promise<number> {
  const owners = await Promise.all(ids.map((id) => s.locks.leaseOwner(lockKey(id))));
  return owners.filter(Boolean).length;
}

describe('a 1,000-target run stopped before Complete', () => {
  it('is closed: every lock freed, `interrupted` in its trail, its `failed` event published', {
    timeout: 180_000,
  }, async () => {
    const events = localBus();
    let collecting = false;
    let finishCollect: (() => void) | undefined;
    const s = await scenario(infra(), {
      ports: {
        events,
        targets: { instancesOfGroup: async () => FLEET, instanceOfNode: async () => undefined },
      },
      // The run is stopped while it collects: CollectSend waits until the test is done with it.
      taskOverrides: {
        CollectSend: async () => {
          collecting = true;
          await new Promise<void>((r) => {
            finishCollect = r;
          });
          throw new Error('the execution was stopped');
        },
      },
    });
    const executionId = `${ARN}:asg-1000`;
    const run = s.execute(fixture('alarm-state-change-asg.json'), executionId);
    await until(() => collecting, 'CollectSend');
    const trail = await s.audit.execution(executionId);
    // Intake's entry is too large for the trail: its targets are stored by reference.
    expect(trail[0]!.type).toBe('triggered');
    expect(isResultSummary(trail[0]!.data)).toBe(true);
    expect(await locksHeld(s, FLEET)).toBe(1000);

    const closed = await stopAndClose(s, executionId);

    expect(closed).toMatchObject({ closed: true, acting: [], published: true });
    expect(closed).toHaveProperty('released', FLEET);
    expect(await locksHeld(s, FLEET)).toBe(0);
    expect((await s.audit.execution(executionId)).at(-1)).toMatchObject({
      type: 'interrupted',
      outcome: 'interrupted',
      data: { status: 'ABORTED', released: FLEET },
    });
    const published = await events.list();
    expect(published.at(-1)).toMatchObject({
      detail: { status: 'failed', executionId, alarmName: expect.any(String), targetCount: 1000 },
    });
    finishCollect!();
    expect((await run).error?.name).toBe('ExecutionAbortedError');
  });
});

describe('a run stopped while RemediateStep acts on its host', () => {
  it('keeps the lock until the action returns, then frees it', { timeout: 60_000 }, async () => {
    const fleet = new SimulatedFleet(1500); // the action document runs 1.5 s on the host
    fleet.hosts.set(HOST, { fault: 'docker-daemon-down' });
    const s = await scenario(infra(), { ports: { commands: fleet, events: localBus() } });
    const first = `${ARN}:first`;
    const second = `${ARN}:second`;
    const run = s.execute(fixture('alarm-state-change-instance.json'), first);
    await until(
      () =>
        fleet.requests.some(
          (r) => !r.document.startsWith('Paramedic-Collect') && r.parameters.dryRun !== '1',
        ),
      'the action to be sent',
    );

    const closed = await stopAndClose(s, first);

    // The action is still running: the lock is kept (until the action's deadline at the latest).
    expect(fleet.actions).toHaveLength(0);
    expect(closed).toMatchObject({ closed: true, released: [], acting: [{ targets: [HOST] }] });
    const entry = (await s.audit.execution(first)).at(-1)!;
    expect(entry).toMatchObject({
      type: 'interrupted',
      data: { acting: [{ targets: [HOST] }], reason: expect.stringContaining('stay locked') },
    });
    const kept = entry.type === 'interrupted' ? entry.data.acting?.[0]?.until : undefined;
    expect(Date.parse(kept!)).toBeGreaterThan(Date.now() + 10 * 60_000);
    expect(await s.locks.acquire(lockKey(HOST), second, 7200)).toBe(false);

    // The first run's RemediateStep returns: its lock goes with it, and the host is free.
    await until(() => fleet.actions.length === 1, 'the action to finish');
    await until(
      async () => (await s.audit.execution(first)).at(-1)?.type === 'step',
      'its step entry',
    );
    expect(await s.locks.leaseOwner(lockKey(HOST))).toBeUndefined();
    expect((await s.audit.execution(first)).at(-1)).toMatchObject({
      type: 'step',
      data: { releasedAfterAction: [HOST] },
    });
    expect(await s.locks.acquire(lockKey(HOST), second, 7200)).toBe(true);
    expect((await run).error?.name).toBe('ExecutionAbortedError');
  });
});
