import { Command } from 'commander';
import { registerClassifyCommand } from './commands/classify.js';
import { registerCollectCommand } from './commands/collect.js';
import { registerRunbooksCommand } from './commands/runbooks.js';
import { registerTriageCommand } from './commands/triage.js';
import { registerRunCommand } from './commands/run.js';
import { registerAuditCommand } from './commands/audit.js';
import { registerConsoleCommand } from './commands/console.js';
import { registerKubeCommand } from './commands/kube.js';

/** The `paramedic` command: one sub-command per file under cli/commands/. */
export function buildProgram(): Command {
  const program = new Command('paramedic')
    .description('Incident response for Docker hosts and EKS: collect evidence, classify it against runbooks, remediate, audit.')
    .showHelpAfterError('(run "paramedic --help" for usage)');
  registerClassifyCommand(program);
  registerCollectCommand(program);
  registerRunbooksCommand(program);
  registerTriageCommand(program);
  registerRunCommand(program);
  registerAuditCommand(program);
  registerConsoleCommand(program);
  registerKubeCommand(program);
  return program;
}

await buildProgram().parseAsync(process.argv);
