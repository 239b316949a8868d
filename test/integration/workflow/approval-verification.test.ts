/**
 * The approver the audit records is the one the approve function verified, through the synthesized
 * workflow. Here a RequestApproval override plays Step Functions' `waitForTaskToken`: it runs the real
 * step (the pending approval with its token is stored, as on AWS), then returns what resumed the task:
 * either the output of the approve function's path (answerApproval, which records the verified
 * decision before it resumes) or an output someone sent straight to SendTaskSuccess.
 */
import { describe, expect, it } from 'vitest';
import { fixture, scenario, sharedInfra, type Scenario } from './harness.js';
import {
  answerApproval,
  type ApprovalResumer,
} from '../../../lambdas/core/workflow/answer-approval.js';
import type { ApprovalDecision } from '../../../lambdas/core/workflow/model.js';
import { runRequestApproval } from '../../../lambdas/core/workflow/steps/request-approval.js';
import { parseTaskInput } from '../../../lambdas/core/workflow/task-input.js';
import { verifiedApprovalKey } from '../../../lambdas/core/workflow/verified-approval.js';
import type {
  ExecutionEventPublisher,
  ExecutionStatusChangeDetail,
  ParamedicEvent,
} from '../../../lambdas/core/events/execution-events.js';

const HOST = 'i-0123456789abcdef0';
const ALICE = 'arn:aws:sts::123456789012:assumed-role/Ops/alice';
const infra = sharedInfra();
const clock = { now: () => new Date() };

/** Publisher that keeps the status events. */
class RecordingPublisher implements ExecutionEventPublisher {
  readonly events: ParamedicEvent[] = [];
  async publish(events: readonly ParamedicEvent[]) {
    this.events.push(...events);
    return { published: events.length, failed: [] };
  }
  details(): ExecutionStatusChangeDetail[] {
    return this.events.map((e) => e.detail as ExecutionStatusChangeDetail);
  }
}

/**
 * A scenario whose RequestApproval waits like the AWS one, then is resumed with what `resumeWith`
 * returns (given the execution and the stored task token).
 */
async function waitingForToken(
  resumeWith: (s: Scenario, executionId: string, taskToken: string) => Promise<unknown>,
  events: ExecutionEventPublisher,
): Promise<Scenario> {
  let world: Scenario | undefined;
  const s = await scenario(infra(), {
    ports: { events },
    taskOverrides: {
      RequestApproval: async (raw) => {
        const input = parseTaskInput('RequestApproval', raw);
        // No approvals gate: the AWS path, which stores the pending approval and its token.
        expect(await runRequestApproval(input, world!.ports, clock)).toEqual({ requested: true });
        return resumeWith(world!, input.executionId, input.taskToken!);
      },
    },
  });
  world = s;
  s.fleet.hosts.set(HOST, { fault: 'docker-bridge-no-ipv4' });
  return s;
}

describe('approval through the workflow: the recorded approver is the verified one', () => {
  it('a task resumed straight with SendTaskSuccess ("approved by alice") remediates nothing; the trail shows the refusal', async () => {
    // Prepare: what `aws stepfunctions send-task-success --task-token <token> --task-output '…'` puts at $.approval.
    const events = new RecordingPublisher();
    const forged = { approved: true, approver: ALICE, at: '2026-12-05T05:00:00Z', comment: 'ok' };
    const s = await waitingForToken(async () => forged, events);

    // Act
    const run = await s.execute(fixture('alarm-state-change-instance.json'));

    // Assess: no action document ran; the run is a rejection by system, and says why.
    expect(s.fleet.actions).toEqual([]);
    expect(run.output.completion.outcome).toBe('rejected');
    const trail = await s.audit.execution(run.executionId);
    const approval = trail.find((e) => e.type === 'approval')!;
    expect(approval.actor).toBe('system');
    expect(approval.data).toMatchObject({
      approved: false,
      approver: 'system',
      refused: {
        claimed: { approved: true, approver: ALICE },
        reason: expect.stringContaining(
          'the approve function recorded no decision for this execution',
        ),
      },
    });
    expect(trail.map((e) => e.type)).not.toContain('step');
    const report = s.notifier.messages.find((m) => m.kind === 'report')!;
    expect(report.subject).toMatch(/^\[paramedic\] rejected \(unverified approval refused\)/);
    expect(JSON.parse(report.body).approvalRefused.reason).toContain('states:SendTaskSuccess');
    expect(events.details().at(-1)).toMatchObject({
      status: 'escalated',
      summary: expect.stringMatching(/^approval refused: .*Nothing was remediated/),
    });
  });

  it('an approval through the approve function path remediates as before, recorded with the verified principal', async () => {
    // Prepare: the approve function's core with a resumer that hands the output to the waiting task.
    const events = new RecordingPublisher();
    const s = await waitingForToken(async (world, executionId, taskToken) => {
      let output: ApprovalDecision | undefined;
      const resumer: ApprovalResumer = {
        async resume(token, decision) {
          expect(token).toBe(taskToken);
          output = decision;
          return 'resumed';
        },
      };
      await answerApproval(
        { executionId, approved: true, approver: ALICE, comment: 'go' },
        { state: world.state, resumer },
        clock,
      );
      return output;
    }, events);

    // Act
    const run = await s.execute(fixture('alarm-state-change-instance.json'));

    // Assess
    expect(run.output.completion.outcome).toBe('remediated');
    expect(s.fleet.actions.map((a) => a.target)).toContain(HOST);
    const approval = (await s.audit.execution(run.executionId)).find((e) => e.type === 'approval')!;
    expect(approval.actor).toBe(`user:${ALICE}`);
    expect(approval.data).toMatchObject({ approved: true, approver: ALICE, comment: 'go' });
    expect(approval.data).not.toHaveProperty('refused');
    expect(events.details().map((d) => d.status)).not.toContain('escalated');
  });

  it('a resume naming another approver than the verified one is refused, even with the verified answer', async () => {
    const events = new RecordingPublisher();
    const s = await waitingForToken(async (world, executionId) => {
      // Bob's rejection is recorded (the approve function wrote it, then its resume failed) …
      await world.state.putIfAbsent(
        verifiedApprovalKey(executionId),
        {
          executionId,
          approved: false,
          approver: 'arn:aws:iam::123456789012:user/bob',
          at: '2026-12-05T05:00:00Z',
        },
        3600,
      );
      // … and someone resumes the token with an approval in alice's name.
      return { approved: true, approver: ALICE, at: '2026-12-05T05:01:00Z' };
    }, events);

    const run = await s.execute(fixture('alarm-state-change-instance.json'));

    expect(s.fleet.actions).toEqual([]);
    expect(run.output.completion.outcome).toBe('rejected');
    const approval = (await s.audit.execution(run.executionId)).find((e) => e.type === 'approval')!;
    expect(approval.data.refused?.reason).toContain(
      'the approve function recorded "reject by arn:aws:iam::123456789012:user/bob"',
    );
  });
});
