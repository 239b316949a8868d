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
    .option('--wait-approval <seconds>', `wait this long for an approve/reject from the console${waitDefault}`);
}
