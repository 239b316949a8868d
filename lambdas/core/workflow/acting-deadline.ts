/**
 * How long an action RemediateStep starts may go on changing its targets, whatever happens to the
 * execution: Step Functions' StopExecution, an execution timeout or a Task timeout stop neither the
 * running Lambda invocation nor the SSM command it sent
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_StopExecution.html). The
 * step marks its targets' locks acting until this deadline, so no release frees them earlier
 * (lock-lease.ts): another execution cannot take the host while the first one's action still runs.
 */
import { findCommandDocument } from '../collection/collector-documents.js';
import type { PlannedStep } from './model.js';

/**
 * RemediateStep's function timeout, seconds: taskFunctionTimeout('RemediateStep') in
 * cdk/workflow/workflow-definition.ts (a test keeps the two equal). The step sends its commands,
 * and runs its Kubernetes and AWS actions, no later than this after it started.
 */
export const REMEDIATE_STEP_FUNCTION_SECONDS = 825;

/** The documentExecutor's timeout for a document the catalogue does not know (document-executor.ts). */
const UNKNOWN_DOCUMENT_TIMEOUT_SECONDS = 600;

/**
 * The latest time `step`, started at `startedAt`, may still be acting on its targets. A host
 * action's command is sent before the function's timeout, may wait for its host up to
 * SendCommand's TimeoutSeconds (the runner passes the document's timeout, at least 30 s:
 * ssm-command-runner.ts) and then runs up to the document's timeoutSeconds (the action's
 * `maxSeconds` plus ACTION_CHECK_SECONDS). Other actions run inside the function.
 * @example actingDeadline(dockerRestartStep, now) // now + 825 s + 2 × 360 s
 */
export function actingDeadline(step: PlannedStep, startedAt: Date): Date {
  let seconds = REMEDIATE_STEP_FUNCTION_SECONDS;
  if (step.document) {
    const timeout =
      findCommandDocument(step.document)?.timeoutSeconds ?? UNKNOWN_DOCUMENT_TIMEOUT_SECONDS;
    seconds += Math.max(30, timeout) + timeout;
  }
  return new Date(startedAt.getTime() + seconds * 1000);
}
