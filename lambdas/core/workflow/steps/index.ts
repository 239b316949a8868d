/**
 * The step registry: each Task state of the workflow, by name, to the step function that runs it.
 * Lambda handlers run one entry with the AWS adapters; the local root runs them all with the local
 * adapters, as the synthesized state machine's Task overrides. Every step is `(input, ports, clock)`
 * with a narrow ports type; {@link WorkflowPorts} satisfies all of them.
 */
import type { Clock, WorkflowPorts } from '../ports.js';
import { WORKFLOW_TASK_NAMES, type WorkflowTaskName } from '../task-names.js';
import { runAcquireLock } from './acquire-lock.js';
import { runClassify } from './classify.js';
import { runCollect } from './collect.js';
import { runCollectSend } from './collect-send.js';
import { runComplete } from './complete.js';
import { runEscalate } from './escalate.js';
import { runIntake } from './intake.js';
import { runPlan } from './plan.js';
import { runRecordApproval } from './record-approval.js';
import { runReleaseLock } from './release-lock.js';
import { runRemediateStep } from './remediate-step.js';
import { runRequestApproval } from './request-approval.js';
import { runVerify } from './verify.js';
import { runStep, type WorkflowStep } from '../run-step.js';
import { runVerifySend } from './verify-send.js';

export type { WorkflowStep } from '../run-step.js';

/** Task state name -> step function. */
export const WORKFLOW_STEPS: Readonly<Record<WorkflowTaskName, WorkflowStep>> = {
  Intake: runIntake,
  AcquireLock: runAcquireLock,
  CollectSend: runCollectSend,
  Collect: runCollect,
  Classify: runClassify,
  Plan: runPlan,
  RequestApproval: runRequestApproval,
  RecordApproval: runRecordApproval,
  RemediateStep: runRemediateStep,
  VerifySend: runVerifySend,
  Verify: runVerify,
  Escalate: runEscalate,
  ReleaseLock: runReleaseLock,
  Complete: runComplete,
};

/** Runs one Task of the registry (see {@link runStep}: by-reference state, validated input). */
export async function runTask(
  task: WorkflowTaskName,
  raw: unknown,
  ports: WorkflowPorts,
  clock: Clock,
): Promise<unknown> {
  return runStep(task, WORKFLOW_STEPS[task], raw, ports, clock);
}

/**
 * Every Task as `(raw input) => result` over one set of ports: the local runner's Task overrides.
 * @example const tasks = bindWorkflowSteps(ports, clock); await tasks.Intake({ executionId, state: alarmEvent })
 */
export function bindWorkflowSteps(
  ports: WorkflowPorts,
  clock: Clock,
): Record<WorkflowTaskName, (raw: unknown) => Promise<unknown>> {
  return Object.fromEntries(
    WORKFLOW_TASK_NAMES.map((name) => [name, (raw: unknown) => runTask(name, raw, ports, clock)]),
  ) as Record<WorkflowTaskName, (raw: unknown) => Promise<unknown>>;
}
