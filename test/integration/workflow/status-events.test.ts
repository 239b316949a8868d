/**
 * Status events through the synthesized workflow: each milestone a step reaches is published
 * through the events port, in order, with the execution's facts; a publish that fails is recorded
 * on the audit trail and never fails the execution.
 */
import { describe, expect, it } from 'vitest';
import { fixture, scenario, sharedInfra, type Scenario } from './harness.js';
import {
  LOCKS_NOT_RELEASED_ERROR,
  REMEDIATION_ESCALATED_ERROR,
} from '../../../lambdas/core/workflow/end-states.js';
import type { LockStore } from '../../../lambdas/core/workflow/ports.js';
import type {
  ExecutionEventPublisher,
  ExecutionStatusChangeDetail,
  ParamedicEvent,
} from '../../../lambdas/core/events/execution-events.js';

const HOST = 'i-0123456789abcdef0';

const infra = sharedInfra();

/** Publisher that keeps what it is given. */
class RecordingPublisher implements ExecutionEventPublisher {
  readonly events: ParamedicEvent[] = [];
  async publish(events: readonly ParamedicEvent[]) {
    this.events.push(...events);
    return { published: events.length, failed: [] };
  }
  statuses(): string[] {
    return this.events.map((e) => (e.detail as ExecutionStatusChangeDetail).status);
  }
}

const alarm = () => fixture<any>('alarm-state-change-instance.json');

describe('status events published by the workflow steps', () => {
  it('automatic fix: started, classified, remediated, verified, each about the execution and its target', async () => {
    const events = new RecordingPublisher();
    const s = await scenario(infra(), { ports: { events } });
    s.fleet.hosts.set(HOST, { fault: 'docker-daemon-down' });

    const run = await s.execute(alarm());

    expect(run.output.completion.outcome).toBe('remediated');
    expect(events.statuses()).toEqual(['started', 'classified', 'remediated', 'verified']);
    for (const e of events.events) {
      expect(e).toMatchObject({
        source: 'paramedic',
        detailType: 'Paramedic Execution Status Change',
        resources: [run.executionId],
      });
      expect(e.detail).toMatchObject({
        schemaVersion: 1,
        executionId: run.executionId,
        trigger: 'alarm',
        mode: 'execute',
        alarmName: alarm().detail.alarmName,
        targets: [HOST],
        targetCount: 1,
      });
    }
    expect(events.events[1]!.detail).toMatchObject({
      runbookId: 'docker-daemon-down',
      confidence: expect.any(Number),
    });
  });

  it('approval: awaiting-approval comes between classified and remediated', async () => {
    const events = new RecordingPublisher();
    const s = await scenario(infra(), {
      ports: { events },
      approvals: {
        waitForDecision: async () => ({
          approved: true,
          approver: 'alice',
          at: '2026-11-23T09:05:00Z',
        }),
      },
    });
    s.fleet.hosts.set(HOST, { fault: 'docker-bridge-no-ipv4' });

    await s.execute(alarm());

    expect(events.statuses()).toEqual([
      'started',
      'classified',
      'awaiting-approval',
      'remediated',
      'verified',
    ]);
  });

  it('a fix that does not help: remediated, then escalated with the reason', async () => {
    const events = new RecordingPublisher();
    const s = await scenario(infra(), { ports: { events } });
    s.fleet.hosts.set(HOST, { fault: 'docker-daemon-down', fix: 'no-effect' });

    await s.execute(alarm());

    expect(events.statuses()).toEqual(['started', 'classified', 'remediated', 'escalated']);
    expect((events.events.at(-1)!.detail as ExecutionStatusChangeDetail).summary).toMatch(
      /^remediation did not help/,
    );
  });

  it('a failing step: escalated, not remediated', async () => {
    const events = new RecordingPublisher();
    const s = await scenario(infra(), { ports: { events } });
    s.fleet.hosts.set(HOST, { fault: 'docker-daemon-down', fix: 'fails' });

    await s.execute(alarm());

    expect(events.statuses()).toEqual(['started', 'classified', 'escalated']);
  });

  it('a failed execution ends with failed, naming the error', async () => {
    const events = new RecordingPublisher();
    const base = await scenario(infra());
    const unreadable = {
      put: base.ports.evidence.put.bind(base.ports.evidence),
      get: async () => {
        throw new Error('AccessDenied: evidence bucket');
      },
    };
    const s = await scenario(infra(), { ports: { evidence: unreadable, events } });
    s.fleet.hosts.set(HOST, { fault: 'docker-daemon-down' });

    const run = await s.execute(alarm());

    expect(run.error).toBeDefined();
    expect(events.statuses()).toEqual(['started', 'failed']);
    expect((events.events[1]!.detail as ExecutionStatusChangeDetail).summary).toContain(
      'AccessDenied',
    );
  });

  it('an approval nobody answers: escalated after awaiting-approval, notified, and the run ends Escalated with nothing changed', async () => {
    const events = new RecordingPublisher();
    const timeout = Object.assign(new Error('approval timed out'), { name: 'States.Timeout' });
    const s = await scenario(infra(), {
      ports: { events },
      approvals: {
        waitForDecision: async () => {
          throw timeout;
        },
      },
    });
    s.fleet.hosts.set(HOST, { fault: 'docker-bridge-no-ipv4' });

    const run = await s.execute(alarm());

    expect((run.error?.cause as Error | undefined)?.name).toBe(REMEDIATION_ESCALATED_ERROR);
    expect(events.statuses()).toEqual(['started', 'classified', 'awaiting-approval', 'escalated']);
    expect((events.events.at(-1)!.detail as ExecutionStatusChangeDetail).summary).toMatch(
      /^nobody approved or rejected the plan/,
    );
    expect(s.notifier.messages.map((m) => m.kind)).toEqual(['approval', 'escalation', 'report']);
    expect(s.fleet.actions).toEqual([]);
    const trail = await s.audit.execution(run.executionId);
    expect(trail.map((e) => e.type).slice(-4)).toEqual([
      'approval',
      'escalated',
      'released',
      'completed',
    ]);
    expect(trail.at(-1)).toMatchObject({ outcome: 'timed-out' });
  });

  it('a run whose locks cannot be released ends with failed, though it remediated', async () => {
    const events = new RecordingPublisher();
    let s: Scenario;
    const locks: LockStore = {
      acquire: (key, owner, ttl, acting) => s.locks.acquire(key, owner, ttl, acting),
      release: async () => {
        throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      },
      endActing: (key, owner) => s.locks.endActing(key, owner),
    };
    s = await scenario(infra(), {
      ports: { events, locks },
      retryIntervalOverrides: { ReleaseLock: 0 },
    });
    s.fleet.hosts.set(HOST, { fault: 'docker-daemon-down' });

    const run = await s.execute(alarm());

    expect((run.error?.cause as Error | undefined)?.name).toBe(LOCKS_NOT_RELEASED_ERROR);
    expect(run.state.completion.outcome).toBe('remediated');
    expect(events.statuses()).toEqual([
      'started',
      'classified',
      'remediated',
      'verified',
      'failed',
    ]);
    expect((events.events.at(-1)!.detail as ExecutionStatusChangeDetail).summary).toMatch(
      /^target locks NOT released: LockReleaseError/,
    );
  });

  it('a manual dry run is published as manual and dry-run', async () => {
    const events = new RecordingPublisher();
    const s = await scenario(infra(), { ports: { events } });
    s.fleet.hosts.set(HOST, { fault: 'docker-daemon-down' });

    await s.execute({
      runbookId: 'docker-daemon-down',
      target: HOST,
      mode: 'dry-run',
      invokedBy: 'carol',
    });

    expect(events.statuses()).toEqual(['started', 'classified']);
    expect(events.events[0]!.detail).toMatchObject({
      trigger: 'manual',
      mode: 'dry-run',
      runbookId: 'docker-daemon-down',
    });
  });

  it('a bus that refuses or throws never fails the execution; the trail records what was not published', async () => {
    const refusing: ExecutionEventPublisher = {
      publish: async (evs) => ({
        published: 0,
        failed: evs.map((event) => ({
          event,
          errorCode: 'AccessDeniedException',
          errorMessage: 'not authorized to perform events:PutEvents',
        })),
      }),
    };
    const throwing: ExecutionEventPublisher = {
      publish: async () => {
        throw new Error('socket hang up');
      },
    };
    for (const events of [refusing, throwing]) {
      const s = await scenario(infra(), { ports: { events } });
      s.fleet.hosts.set(HOST, { fault: 'docker-daemon-down' });

      const run = await s.execute(alarm());

      expect(run.output.completion.outcome).toBe('remediated');
      const unpublished = (await s.audit.execution(run.executionId)).filter(
        (e) => e.type === 'event-unpublished',
      );
      expect(unpublished.map((e) => (e.data as { status: string }).status)).toEqual([
        'started',
        'classified',
        'remediated',
        'verified',
      ]);
      expect((await s.audit.verify()).ok).toBe(true);
    }
  });
});

describe('handler errors on the synthesized workflow', () => {
  it('a Collect that throws once is retried and the run completes', async () => {
    const s = await scenario(infra());
    s.fleet.hosts.set(HOST, { fault: 'docker-daemon-down' });
    let calls = 0;
    const flaky = {
      run: async (request: any) => {
        if (++calls === 1)
          throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
        return s.fleet.run(request);
      },
    };
    const retried = await scenario(infra(), { ports: { commands: flaky } });

    const run = await retried.execute(alarm());

    expect(run.error).toBeUndefined();
    expect(run.output.completion.outcome).not.toBe('failed');
    expect(calls).toBeGreaterThan(1);
  });
});
