/**
 * `paramedic approve|reject <execution> --aws [--comment <why>]`: answers a pending approval of the
 * deployed workflow through its approve function's IAM-authenticated URL: the approver recorded is the
 * principal whose credentials signed the request, never a typed name.
 * Local runs are answered with `--approve-as`/`--reject-as` or from the console.
 */
import type { Command } from 'commander';
import { failWith, green, red, usageError } from '../output.js';
import { withAwsOptions } from '../options.js';

interface ApproveFlags {
  aws?: boolean;
  stack?: string;
  region?: string;
  comment?: string;
  json?: boolean;
}

function register(program: Command, name: 'approve' | 'reject'): void {
  const approved = name === 'approve';
  withAwsOptions(
    program.command(name),
    'answer through the deployed stack (required: local runs are answered with --approve-as/--reject-as or the console)',
  )
    .description(
      `${approved ? 'Approve' : 'Reject'} a pending remediation of the deployed workflow, recorded as your IAM principal`,
    )
    .argument(
      '<execution>',
      'the execution ARN, its name, or the approval id approval#<name> from the approval request',
    )
    .option('--comment <why>', 'a reason, kept in the audit trail (at most 500 characters)')
    .option('--json', 'print the recorded decision as JSON')
    .addHelpText(
      'after',
      `\nExample:\n  npx paramedic ${name} arn:aws:states:eu-west-1:123456789012:execution:ParamedicWorkflow:4f1c… --aws --comment "checked the disk"\n`,
    )
    .action(async (id: string, flags: ApproveFlags) => {
      if (!flags.aws) {
        usageError(
          `${name} answers the deployed stack: add --aws (a local run is answered with --${name}-as <who> or from "paramedic console")`,
        );
        return;
      }
      try {
        const [{ AwsSession }, { answerApprovalOnAws }] = await Promise.all([
          import('../aws/aws-session.js'),
          import('../aws/approve-on-aws.js'),
        ]);
        const decision = await answerApprovalOnAws(
          new AwsSession(flags),
          id,
          approved,
          flags.comment,
        );
        if (flags.json) process.stdout.write(`${JSON.stringify(decision)}\n`);
        else
          process.stdout.write(
            `${approved ? green('approved') : red('rejected')}: ${decision.executionId} by ${decision.approver} at ${decision.at}\n`,
          );
      } catch (error) {
        failWith(error);
      }
    });
}

/** `paramedic approve <execution> --aws` */
export function registerApproveCommand(program: Command): void {
  register(program, 'approve');
}

/** `paramedic reject <execution> --aws` */
export function registerRejectCommand(program: Command): void {
  register(program, 'reject');
}
