import { Command } from 'commander';

type Register = (program: Command) => void;

/**
 * Sub-commands, one file each under cli/commands/. Loaded on demand: `paramedic classify` should
 * not pay for the CDK, the Kubernetes client and the AWS SDKs that other commands import.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  classify: async () => (await import('./commands/classify.js')).registerClassifyCommand,
  collect: async () => (await import('./commands/collect.js')).registerCollectCommand,
  runbooks: async () => (await import('./commands/runbooks.js')).registerRunbooksCommand,
  triage: async () => (await import('./commands/triage.js')).registerTriageCommand,
  run: async () => (await import('./commands/run.js')).registerRunCommand,
  audit: async () => (await import('./commands/audit.js')).registerAuditCommand,
  console: async () => (await import('./commands/console.js')).registerConsoleCommand,
  kube: async () => (await import('./commands/kube.js')).registerKubeCommand,
};

/** The `paramedic` command with the named sub-commands registered (all when none is named). */
export async function buildProgram(only?: string): Promise<Command> {
  const program = new Command('paramedic')
    .description('Incident response for Docker hosts and EKS: collect evidence, classify it against runbooks, remediate, audit.')
    .showHelpAfterError('(run "paramedic --help" for usage)');
  const names = only && only in COMMANDS ? [only] : Object.keys(COMMANDS);
  for (const name of names) (await COMMANDS[name]!())(program);
  return program;
}

await (await buildProgram(process.argv[2])).parseAsync(process.argv);
