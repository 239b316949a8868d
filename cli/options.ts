import type { Command } from 'commander';
import { DEFAULT_RUNBOOK_DIR } from '../lambdas/adapters/local/runbook-directory.js';

/** `--data-dir` and `--runbooks`: where the local pipeline keeps its store and reads its runbooks. */
export function withLocalStoreOptions(command: Command): Command {
  return command
    .option('--data-dir <dir>', 'data directory (default $PARAMEDIC_HOME or ./.paramedic)')
    .option('--runbooks <dir>', 'runbook directory', DEFAULT_RUNBOOK_DIR);
}

/** How a run answers approval requests on the command line. */
export function withApprovalOptions(command: Command, waitDefault = ''): Command {
  return command
    .option('--approve-as <who>', 'answer an approval request as approved by <who>')
    .option('--reject-as <who>', 'answer an approval request as rejected by <who>')
    .option(
      '--wait-approval <seconds>',
      `wait this long for an approve/reject from the console${waitDefault}`,
    );
}

/** `--aws` with where to find the deployment: `--stack` and `--region` (names come from the stack outputs). */
export function withAwsOptions(command: Command, what: string): Command {
  return command
    .option('--aws', what)
    .option(
      '--stack <deployment>',
      'with --aws: the deployment (cdk deploy -c deploymentName=…) or a stack name like ParamedicPipeline-prod (default $PARAMEDIC_STACK, else the unnamed deployment)',
    )
    .option(
      '--region <region>',
      'with --aws: the AWS region of the stack (default: $AWS_REGION or your profile)',
    );
}

/** {@link withAwsOptions} plus `--table`/`--bucket`, which override the stack outputs (audit, console). */
export function withAwsTrailOptions(command: Command, what: string): Command {
  return withAwsOptions(command, what)
    .option(
      '--table <name>',
      'with --aws: the audit table (default $PARAMEDIC_AUDIT_TABLE, else the stack output AuditTableName)',
    )
    .option(
      '--bucket <name>',
      'with --aws: the evidence bucket (default $PARAMEDIC_EVIDENCE_BUCKET, else the stack output EvidenceBucketName)',
    );
}
