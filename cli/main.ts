import { Command } from 'commander';
import { registerClassifyCommand } from './commands/classify.js';
import { registerCollectCommand } from './commands/collect.js';
import { registerRunbooksCommand } from './commands/runbooks.js';

/** The `paramedic` command: one sub-command per file under cli/commands/. */
export function buildProgram(): Command {
  const program = new Command('paramedic')
    .description('Incident response for Docker hosts and EKS: collect evidence, classify it against runbooks, remediate, audit.')
    .showHelpAfterError('(run "paramedic --help" for usage)');
  registerClassifyCommand(program);
  registerCollectCommand(program);
  registerRunbooksCommand(program);
  return program;
}

await buildProgram().parseAsync(process.argv);
