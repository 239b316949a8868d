/**
 * Escalate and Complete under retry, through the synthesized workflow. Their Tasks retry handler
 * errors, a retry re-runs the whole Lambda, and the idempotency layer keeps nothing of an
 * invocation that threw: each side effect an earlier attempt recorded in the execution's trail
 * (the rollback, the `escalated` and `completed` entries) must not happen again. A notification
 * that fails must not be lost either: it is recorded (`notify-failed`), published
 * (`notification-failed`), and the run still ends with its outcome. (A review found a failing
 * escalation notification running the rollback 4 times and ending the run Failed, nobody told.)
 * An attempt that dies between a side effect and its record must not redo it either: a rollback
 * cut short is reported unknown, and a ReleaseLock retry still names the locks it freed.
 */
import { describe, expect, it } from 'vitest';
import { fixture, scenario, sharedInfra } from './harness.js';
import type { AuditEventType } from '../../../lambdas/core/audit/audit-entry.js';
import type {
  ExecutionEventPublisher,
  ExecutionStatusChangeDetail,
  ParamedicEvent,
} from '../../../lambdas/core/events/execution-events.js';
import type {
  ActionExecutor,
  AuditStore,
  Notifier,
  WorkflowPorts,
} from '../../../lambdas/core/workflow/ports.js';

const HOST = 'i-0123456789abcdef0';
const NODE = 'ip-10-0-1-23.ec2.internal';
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

/** A notifier that refuses one kind of message (as SNS does a message too long, or a topic whose KMS key is disabled). */
function refusing(kind: 'escalation' | 'report', sent: string[]): Notifier {
  return {
    async notify(message) {
      if (message.kind === kind) {
        const e = new Error('Invalid parameter: Message too long');
        e.name = 'InvalidParameterException';
        throw e;
      }
      sent.push(message.kind);
    },
  };
}

/** The scenario's audit store, failing the first append of one type (a throttled table): the Task throws after its earlier side effects. */
function failingFirstAppendOf(type: AuditEventType): {
  store: AuditStore;
  over(a: AuditStore): void;
} {
  let inner: AuditStore | undefined;
  let failed = false;
  const store: AuditStore = {
    async append(entry) {
      if (entry.type === type && !failed) {
        failed = true;
        const e = new Error(`Throughput exceeded appending ${type}`);
        e.name = 'ProvisionedThroughputExceededException';
        throw e;
      }
      return inner!.append(entry);
    },
    execution: (id) => inner!.execution(id),
    list: (filter) => inner!.list(filter),
    verify: () => inner!.verify(),
  };
  return { store, over: (a) => (inner = a) };
}

/** A run of node-not-ready whose runtime restart fails after the cordon: Escalate must undo the cordon (uncordon). */
async function escalatingRun(
  ports: Partial<WorkflowPorts>,
  audit?: ReturnType<typeof failingFirstAppendOf>,
) {
  const uncordons: string[] = [];
  const kubernetes: ActionExecutor = {
    async execute(step, targets) {
      return targets.map((t) => {
        const node = step.invocations.find((i) => i.target === t.id)!.parameters.node!;
        if (step.action === 'k8s-uncordon-node') uncordons.push(node);
        return {
          step: step.index,
          action: step.action,
          target: t.id,
          status: 'succeeded' as const,
          detail: 'patched',
        };
      });
    },
  };
  const s = await scenario(infra(), {
    approvals: {
      waitForDecision: async () => ({
        approved: true,
        approver: 'erin',
        at: '2026-11-23T09:05:00Z',
      }),
    },
    ports: {
      executors: { kubernetes },
      targets: { instancesOfGroup: async () => [], instanceOfNode: async () => HOST },
      ...(audit ? { audit: audit.store } : {}),
      ...ports,
    },
  });
  audit?.over(s.audit);
  s.fleet.hosts.set(HOST, {
    fault: 'disk-full',
    fix: 'fails',
    sections: {
      'k8s.cluster': {
        output: `$ kubectl get nodes\nNAME                        STATUS     ROLES    AGE   VERSION\n${NODE}   NotReady   <none>   9d    v1.29.3-eks-ae9a62a\nip-10-0-1-24.ec2.internal   Ready      <none>   9d    v1.29.3-eks-ae9a62a\n`,
      },
      'k8s.node': {
        output: `Conditions:\n  Type             Status    LastHeartbeatTime                 LastTransitionTime                Reason              Message\n  ----             ------    -----------------                 ------------------                ------              -------\n  Ready            Unknown   Mon, 23 Nov 2026 08:50:00 +0000   Mon, 23 Nov 2026 08:52:00 +0000   NodeStatusUnknown   Kubelet stopped posting node status.\n`,
      },
    },
  });
  const run = await s.execute({
    runbookId: 'node-not-ready',
    target: `eks:prod/${NODE}`,
    mode: 'execute',
    invokedBy: 'erin',
  });
  const entries = await s.audit.execution(run.executionId);
  const count = (type: AuditEventType) => entries.filter((e) => e.type === type).length;
  return { s, run, entries, count, uncordons };
}

describe('an escalation whose notification fails', () => {
  it('rolls back once, records and publishes the failed notification, and ends Escalated', {
    timeout: 120_000,
  }, async () => {
    const sent: string[] = [];
    const events = new RecordingPublisher();

    const { run, entries, count, uncordons } = await escalatingRun({
      notifier: refusing('escalation', sent),
      events,
    });

    expect(uncordons).toEqual([NODE]);
    expect(count('rolled-back')).toBe(1);
    expect(count('escalated')).toBe(1);
    expect(count('completed')).toBe(1);
    expect(entries.find((e) => e.type === 'notify-failed')!.data).toMatchObject({
      kind: 'escalation',
      error: { name: 'InvalidParameterException', message: 'Invalid parameter: Message too long' },
    });
    expect((run.error!.cause as Error).name).toBe('RemediationEscalated');
    expect(run.state.failure).toBeUndefined();
    expect(run.state.escalation).toMatchObject({
      notified: false,
      rollback: { status: 'rolled-back' },
    });
    expect(run.state.completion.outcome).toBe('escalated');
    expect(events.statuses()).toEqual(expect.arrayContaining(['escalated', 'notification-failed']));
    expect(events.statuses().filter((st) => st === 'escalated')).toHaveLength(1);
    // The report of Complete still goes out on the same topic.
    expect(sent).toEqual(['approval', 'report']);
  });
});

describe('an Escalate retried after its rollback', () => {
  it('does not roll back again, records the escalation once and notifies', {
    timeout: 120_000,
  }, async () => {
    const sent: string[] = [];

    const { run, count, uncordons } = await escalatingRun(
      { notifier: refusing('report', sent) },
      failingFirstAppendOf('escalated'),
    );

    expect(uncordons).toEqual([NODE]);
    expect(count('rolled-back')).toBe(1);
    expect(count('escalated')).toBe(1);
    expect((run.error!.cause as Error).name).toBe('RemediationEscalated');
    expect(run.state.escalation).toMatchObject({
      notified: true,
      rollback: { status: 'rolled-back' },
    });
    // Sent once, by the retry (the first attempt threw before notifying).
    expect(sent).toEqual(['approval', 'escalation']);
  });
});

describe('a Complete whose report fails', () => {
  it('records the outcome once and the failed report, and ends with the outcome', {
    timeout: 120_000,
  }, async () => {
    const { run, entries, count } = await escalatingRun(
      { notifier: refusing('report', []) },
      failingFirstAppendOf('notify-failed'),
    );

    expect(count('completed')).toBe(1);
    expect(count('notify-failed')).toBe(1);
    expect(entries.find((e) => e.type === 'notify-failed')!.data).toMatchObject({ kind: 'report' });
    expect(entries.at(-1)!.type).toBe('notify-failed');
    expect((run.error!.cause as Error).name).toBe('RemediationEscalated');
    expect(run.state.completion.outcome).toBe('escalated');
  });
});

describe('a Verify retried after recording a failed verification', () => {
  it('counts the failure on the target once', { timeout: 120_000 }, async () => {
    const audit = failingFirstAppendOf('verified');
    const s = await scenario(infra(), { ports: { audit: audit.store } });
    audit.over(s.audit);
    s.fleet.hosts.set(HOST, { fault: 'docker-daemon-down', fix: 'no-effect' });

    const run = await s.execute(fixture('alarm-state-change-instance.json'));

    expect(run.state.verification.cleared).toBe(false);
    const trail = await s.audit.execution(run.executionId);
    expect(trail.filter((e) => e.type === 'verified')).toHaveLength(1);
    expect((await s.state.get(`failures#${HOST}`))?.times).toHaveLength(1);
  });
});

describe('an Escalate retried after its rollback ran but was not recorded', () => {
  it('does not run the undo actions again and reports the rollback as unknown', {
    timeout: 120_000,
  }, async () => {
    // The first attempt's undo ran and its `rolled-back` append threw: the retry finds the intent
    // (`rolling-back`) without its result.
    const { run, entries, count, uncordons } = await escalatingRun(
      {},
      failingFirstAppendOf('rolled-back'),
    );

    expect((run.error!.cause as Error).name).toBe('RemediationEscalated');
    expect(uncordons).toEqual([NODE]);
    expect(count('rolling-back')).toBe(1);
    expect(count('rolled-back')).toBe(1);
    expect(entries.find((e) => e.type === 'rolled-back')!.data).toMatchObject({
      status: 'unknown',
      steps: [{ action: 'k8s-uncordon-node', outcomes: [] }],
      check: expect.stringContaining('check on each host'),
    });
    expect(entries.find((e) => e.type === 'escalated')?.data).toMatchObject({
      rolledBack: 'unknown',
    });
  });
});

describe('a ReleaseLock retried after its `released` append failed', () => {
  it('names the host an earlier attempt freed apart, never as freed by the retry', {
    timeout: 120_000,
  }, async () => {
    const audit = failingFirstAppendOf('released');
    const s = await scenario(infra(), { ports: { audit: audit.store } });
    audit.over(s.audit);
    s.fleet.hosts.set(HOST, { fault: 'docker-bridge-no-ipv4' });

    const run = await s.execute(fixture('alarm-state-change-instance.json'));

    const trail = await s.audit.execution(run.executionId);
    expect(trail.filter((e) => e.type === 'locked')).toHaveLength(1);
    // The retry finds the lock already gone: an earlier attempt freed it, or its lease ran out.
    expect(trail.filter((e) => e.type === 'released').map((e) => e.data)).toEqual([
      { released: [], notHeld: [HOST], retried: true },
    ]);
  });
});
