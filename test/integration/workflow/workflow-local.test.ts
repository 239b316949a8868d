import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { fixture, scenario, startInfra, type LocalInfra, type Scenario } from './harness.js';
import { lockKey } from '../../../lambdas/core/workflow/dedupe.js';
import { handleExecutionStatusChange } from '../../../lambdas/handlers/execution-interrupted.js';

const HOST = 'i-0123456789abcdef0';

let infra: LocalInfra;
beforeAll(async () => {
  infra = await startInfra();
});
afterAll(async () => {
  await infra.stop();
});

const alarm = (overrides: { id?: string; alarmName?: string } = {}) => {
  const event = fixture<any>('alarm-state-change-instance.json');
  return {
    ...event,
    id: overrides.id ?? event.id,
    detail: { ...event.detail, alarmName: overrides.alarmName ?? event.detail.alarmName },
  };
};

async function types(s: Scenario, executionId: string): Promise<string[]> {
  return (await s.audit.execution(executionId)).map((e) => e.type);
}

async function lockItem(s: Scenario, target: string): Promise<unknown> {
  const table = (s.locks as unknown as { tableName: string }).tableName;
  return (await infra.ddb.send(new GetCommand({ TableName: table, Key: { pk: lockKey(target) } })))
    .Item;
}

describe('remediation workflow, synthesized ASL run locally with the real task functions', () => {
  it('automatic path: collects, classifies, remediates, verifies, releases the lock and chains the audit record', async () => {
    const s = await scenario(infra);
    s.fleet.hosts.set(HOST, { fault: 'docker-daemon-down' });

    const run = await s.execute(alarm());

    expect(run.error).toBeUndefined();
    expect(run.output.completion.outcome).toBe('remediated');
    expect(run.output.plan.decision).toBe('automatic');
    expect(s.fleet.actions.map((a) => a.document)).toEqual(['Paramedic-DockerStartService']);
    expect(s.fleet.hosts.get(HOST)!.fault).toBeNull();
    expect(await types(s, run.executionId)).toEqual([
      'triggered',
      'locked',
      'collected',
      'classified',
      'planned',
      'step-started',
      'step',
      'verified',
      'released',
      'completed',
    ]);
    expect(await lockItem(s, HOST)).toBeUndefined();
    // Evidence travels by reference: the state holds s3:// URIs with their sha256, never the bundle.
    const ref = run.output.collection.evidence[0].ref;
    expect(ref.uri).toMatch(
      /^s3:\/\/paramedic-evidence\/executions\/.+\/triage\/i-0123456789abcdef0\.json$/,
    );
    expect(ref.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(run.output)).not.toContain('"sections"');
    const classified = (await s.audit.execution(run.executionId)).find(
      (e) => e.type === 'classified',
    )!;
    expect(JSON.stringify(classified.data)).toContain('docker-daemon-down');
    expect((await s.audit.verify()).ok).toBe(true);
    // The alarm reason (with shell metacharacters) is only recorded, never a parameter of a document.
    expect(JSON.stringify(s.fleet.requests.map((r) => r.parameters))).not.toContain('reboot');
  });

  it('approval granted: notifies with evidence and plan, records who approved, then remediates', async () => {
    const requests: any[] = [];
    const s = await scenario(infra, {
      approvals: {
        waitForDecision: async (r) => {
          requests.push(r);
          return { approved: true, approver: 'alice', at: '2026-11-23T09:05:00Z', comment: 'go' };
        },
      },
    });
    s.fleet.hosts.set(HOST, { fault: 'docker-bridge-no-ipv4' });

    const run = await s.execute(alarm());

    expect(run.output.completion.outcome).toBe('remediated');
    expect(requests[0].taskToken).toBe(`token-${run.executionId}`);
    const note = s.notifier.messages.find((m) => m.kind === 'approval')!;
    const body = JSON.parse(note.body);
    expect(body.plan.steps.map((st: any) => st.action)).toEqual(['docker-restart-service']);
    expect(body.evidence[0].ref.uri).toMatch(/^s3:\/\//);
    const approval = (await s.audit.execution(run.executionId)).find((e) => e.type === 'approval')!;
    expect(approval.actor).toBe('user:alice');
    expect(approval.data).toMatchObject({
      approved: true,
      approver: 'alice',
      at: '2026-11-23T09:05:00Z',
    });
    expect(s.fleet.actions).toHaveLength(1);
  });

  it('approval rejected: nothing runs, the lock is released, the outcome is rejected', async () => {
    const s = await scenario(infra, {
      approvals: {
        waitForDecision: async () => ({
          approved: false,
          approver: 'bob',
          at: '2026-11-23T09:06:00Z',
        }),
      },
    });
    s.fleet.hosts.set(HOST, { fault: 'docker-bridge-no-ipv4' });

    const run = await s.execute(alarm());

    expect(run.output.completion.outcome).toBe('rejected');
    expect(s.fleet.actions).toHaveLength(0);
    expect(await lockItem(s, HOST)).toBeUndefined();
  });

  it('approval timed out: the States.Timeout catch records a timeout, nothing runs, and the run escalates', async () => {
    const timeout = Object.assign(new Error('approval timed out'), { name: 'States.Timeout' });
    const s = await scenario(infra, {
      approvals: {
        waitForDecision: async () => {
          throw timeout;
        },
      },
    });
    s.fleet.hosts.set(HOST, { fault: 'docker-bridge-no-ipv4' });

    const run = await s.execute(alarm());

    // Nobody answered and the incident is still there: it ends Escalated (ExecutionsFailed counts it), not Done.
    expect((run.error?.cause as Error | undefined)?.name).toBe('RemediationEscalated');
    expect(run.state.completion.outcome).toBe('timed-out');
    expect(run.state.approval).toMatchObject({ approved: false, timedOut: true });
    expect(run.state.escalation.reason).toMatch(/^nobody approved or rejected the plan/);
    expect(s.fleet.actions).toHaveLength(0);
    expect(await types(s, run.executionId)).toEqual(
      expect.arrayContaining(['escalated', 'released']),
    );
  });

  it('remediation failing escalates, records the failure and still releases the lock', async () => {
    const s = await scenario(infra);
    s.fleet.hosts.set(HOST, { fault: 'docker-daemon-down', fix: 'fails' });

    const run = await s.execute(alarm());

    expect((run.error?.cause as Error | undefined)?.name).toBe('RemediationEscalated');
    expect(run.state.completion.outcome).toBe('escalated');
    expect(run.state.escalation.reason).toContain('docker-start-service');
    expect(s.notifier.messages.some((m) => m.kind === 'escalation')).toBe(true);
    expect(await types(s, run.executionId)).toEqual([
      'triggered',
      'locked',
      'collected',
      'classified',
      'planned',
      'step-started',
      'step',
      'escalated',
      'released',
      'completed',
    ]);
    expect(await s.state.get(`failures#${HOST}`)).toMatchObject({ times: [expect.any(String)] });
    expect(await lockItem(s, HOST)).toBeUndefined();
    // Step Functions reports the Escalated state as FAILED: the run recorded its completion, so it is not "interrupted".
    const stateMachineArn = 'arn:aws:states:us-east-1:123456789012:stateMachine:Paramedic';
    const ended = {
      source: 'aws.states',
      'detail-type': 'Step Functions Execution Status Change',
      detail: {
        executionArn: run.executionId,
        stateMachineArn,
        status: 'FAILED',
        startDate: Date.now() - 1000,
        error: 'RemediationEscalated',
      },
    };
    expect(
      await handleExecutionStatusChange(ended, stateMachineArn, s.ports, { now: () => new Date() }),
    ).toMatchObject({ closed: false, why: 'the run recorded its completion (outcome escalated)' });
    expect(await types(s, run.executionId)).not.toContain('interrupted');
  });

  it('remediation that does not help is caught by verification and escalated', async () => {
    const s = await scenario(infra);
    s.fleet.hosts.set(HOST, { fault: 'docker-daemon-down', fix: 'no-effect' });

    const run = await s.execute(alarm());

    expect((run.error?.cause as Error | undefined)?.name).toBe('RemediationEscalated');
    expect(run.state.verification.cleared).toBe(false);
    expect(run.state.verification.reason).toContain('still matches');
    expect(run.state.completion.outcome).toBe('escalated');
  });

  it('a duplicate delivery of the same event produces one remediation', async () => {
    const s = await scenario(infra);
    s.fleet.hosts.set(HOST, { fault: 'docker-daemon-down' });

    const [a, b] = await Promise.all([s.execute(alarm()), s.execute(alarm())]);

    const outputs = [a.output, b.output];
    expect(outputs.filter((o) => o.intake.duplicate)).toHaveLength(1);
    expect(outputs.filter((o) => o.completion?.outcome === 'remediated')).toHaveLength(1);
    expect(s.fleet.actions).toHaveLength(1);
    const dup = outputs.find((o) => o.intake.duplicate)!;
    expect(await types(s, dup.intake.executionId)).toEqual(['deduplicated']);
  });

  it('two alarms on one host: the lock serializes them, one remediation at a time', async () => {
    const s = await scenario(infra);
    s.fleet.hosts.set(HOST, { fault: 'docker-daemon-down', fix: 'no-effect' });

    const [a, b] = await Promise.all([
      s.execute(alarm({ id: 'event-a', alarmName: 'paramedic-docker-health' })),
      s.execute(alarm({ id: 'event-b', alarmName: 'paramedic-docker-socket' })),
    ]);

    // The one that remediated (in vain) ends in the Escalated state; the other, skipped, succeeds.
    expect(
      [a, b].map((r) => (r.error?.cause as Error | undefined)?.name ?? 'succeeded').sort(),
    ).toEqual(['RemediationEscalated', 'succeeded']);
    expect(a.state.intake.duplicate || b.state.intake.duplicate).toBe(false);
    const runs = [...s.fleet.actions].sort((x, y) => x.start - y.start);
    for (let i = 1; i < runs.length; i++)
      expect(runs[i]!.start).toBeGreaterThanOrEqual(runs[i - 1]!.end);
    // The second one found the runbook in cooldown: only one remediation at all.
    expect(runs).toHaveLength(1);
    expect([a.state.completion.outcome, b.state.completion.outcome].sort()).toEqual([
      'escalated',
      'skipped',
    ]);
    expect(Math.max(a.state.lock.attempts, b.state.lock.attempts)).toBeGreaterThan(1);
    expect(await lockItem(s, HOST)).toBeUndefined();
  });

  it('a manual dry run records the plan and changes nothing', async () => {
    const s = await scenario(infra);
    s.fleet.hosts.set(HOST, { fault: 'docker-daemon-down' });

    const run = await s.execute({
      runbookId: 'docker-daemon-down',
      target: HOST,
      mode: 'dry-run',
      invokedBy: 'carol',
    });

    expect(run.output.completion.outcome).toBe('dry-run');
    expect(run.output.plan.steps[0].document).toBe('Paramedic-DockerStartService');
    expect(s.fleet.actions).toHaveLength(0);
    expect(s.fleet.hosts.get(HOST)!.fault).toBe('docker-daemon-down');
    const [triggered] = await s.audit.execution(run.executionId);
    // invokedBy is the input's claim: the actor is what IAM authenticated (the account's StartExecution caller).
    expect(triggered!.actor).toBe('iam:123456789012:StartExecution');
    expect(triggered!.data).toMatchObject({ trigger: { requestedBy: 'carol' } });
  });

  it('a manual run with a bad input fails with a readable error', async () => {
    const s = await scenario(infra);

    const run = await s.execute({
      runbookId: 'docker-daemon-down',
      target: 'rm -rf /',
      mode: 'dry-run',
    });

    expect(run.error?.message).toContain('manual run input, field "target"');
  });

  it('an infrastructure failure mid-way releases the lock, records the failure and fails the execution', async () => {
    const base = await scenario(infra);
    const unreadable = {
      put: base.ports.evidence.put.bind(base.ports.evidence),
      get: async () => {
        throw new Error('AccessDenied: evidence bucket');
      },
    };
    const s = await scenario(infra, { ports: { evidence: unreadable } });
    s.fleet.hosts.set(HOST, { fault: 'docker-daemon-down' });

    const run = await s.execute(alarm());

    expect((run.error?.cause as Error | undefined)?.name).toBe('RemediationWorkflowFailed');
    const trail = await s.audit.execution(run.executionId);
    expect(trail.map((e) => e.type)).toEqual([
      'triggered',
      'locked',
      'collected',
      'released',
      'completed',
    ]);
    expect(trail.at(-1)).toMatchObject({
      outcome: 'failed',
      data: { failure: { Error: 'Error' } },
    });
    expect(JSON.stringify(trail.at(-1)!.data)).toContain('AccessDenied');
    expect(await lockItem(s, HOST)).toBeUndefined();
  });
});
