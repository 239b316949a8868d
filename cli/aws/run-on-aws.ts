/**
 * `paramedic run --aws`: starts a manual run on the deployed state machine with the very input
 * the Intake Lambda accepts (`{ runbookId, target, mode, invokedBy }`), validated by the core's
 * parser first so a bad flag fails here with the Intake's own message, before any AWS call.
 */
import { DescribeExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { parseManualInput } from '../../lambdas/core/workflow/manual-input.js';
import type { ManualInput } from '../../lambdas/core/workflow/model.js';
import type { AwsSession } from './aws-session.js';

/** What the operator asked for. */
export interface AwsRunRequest {
  readonly runbookId: string;
  readonly target: string;
  readonly mode: 'dry-run' | 'execute';
}

/** Where a started run stands (with `--wait`, where it ended). */
export interface AwsRunResult {
  readonly executionArn: string;
  /** Step Functions' status when the command returned: RUNNING without `--wait`. */
  readonly status: string;
  /** The workflow's outcome (Complete's `outcome`) when the execution finished with one. */
  readonly outcome?: string;
  readonly error?: string;
}

/** How `--wait` polls. */
export interface WaitOptions {
  readonly pollMs: number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Status lines while waiting. */
  readonly print?: (line: string) => void;
}

/**
 * The execution input, checked by the Intake's parser. `invokedBy` is only the claim recorded
 * beside the authenticated actor: your IAM ARN, cut to the parser's 128 characters.
 * @throws ManualInputError naming the wrong field (the one-line message the Intake would give).
 */
export function awsRunInput(request: AwsRunRequest, invokedBy = 'cli'): ManualInput {
  return parseManualInput({
    runbookId: request.runbookId,
    target: request.target,
    mode: request.mode,
    invokedBy: invokedBy.slice(0, 128),
  });
}

const outcomeOf = (output: string | undefined): string | undefined => {
  try {
    const parsed = JSON.parse(output ?? 'null') as { completion?: { outcome?: unknown } } | null;
    return typeof parsed?.completion?.outcome === 'string' ? parsed.completion.outcome : undefined;
  } catch {
    return undefined;
  }
};

/** Starts the run; with `wait`, polls DescribeExecution until it leaves RUNNING. */
export async function startRunOnAws(
  session: AwsSession,
  request: AwsRunRequest,
  wait?: WaitOptions,
): Promise<AwsRunResult> {
  awsRunInput(request); // reject bad input before any call
  const stateMachineArn = await session.stack.output('StateMachineArn');
  const input = awsRunInput(request, await session.callerArn());
  const started = await session.stepFunctions.send(
    new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }),
  );
  const executionArn = started.executionArn!;
  if (!wait) return { executionArn, status: 'RUNNING' };
  const sleep = wait.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (;;) {
    const d = await session.stepFunctions.send(new DescribeExecutionCommand({ executionArn }));
    if (d.status !== 'RUNNING') {
      const outcome = outcomeOf(d.output);
      return {
        executionArn,
        status: String(d.status),
        ...(outcome ? { outcome } : {}),
        ...(d.error ? { error: `${d.error}${d.cause ? `: ${d.cause.slice(0, 300)}` : ''}` } : {}),
      };
    }
    wait.print?.(`still running (${executionArn.split(':').pop()})`);
    await sleep(wait.pollMs);
  }
}
