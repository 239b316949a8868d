import { Command, type CommanderError } from 'commander';
import { EXIT, exitQuietlyOnClosedPipe } from './output.js';

type Register = (program: Command) => void;

/**
 * Sub-commands, one file each under cli/commands/. Loaded on demand (each is its own chunk in the
 * compiled command): `paramedic classify` should not pay for the CDK, the Kubernetes client and
 * the AWS SDKs that other commands import.
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
  approve: async () => (await import('./commands/approve.js')).registerApproveCommand,
  reject: async () => (await import('./commands/approve.js')).registerRejectCommand,
  coverage: async () => (await import('./commands/coverage.js')).registerCoverageCommand,
};

/** The version of the compiled command (set by cli/build.mjs), or `dev` from the sources. */
export const VERSION = process.env.PARAMEDIC_BUILD_VERSION ?? 'dev';

const VERSION_FLAGS = new Set(['-V', '--version']);

/**
 * Commander exits 1 on every parse error; Paramedic's contract is 0 ok, 1 failure or finding,
 * 2 usage. Help and version (exit code 0) stay 0.
 */
function exitWithUsageCode(error: CommanderError): never {
  process.exit(error.exitCode === 0 ? EXIT.ok : EXIT.usage);
}

/** The `paramedic` command with the named sub-commands registered (all when none is named). */
export async function buildProgram(only?: string): Promise<Command> {
  const program = new Command('paramedic')
    .description(
      'Incident response for Docker hosts and EKS: collect evidence, classify it against runbooks, remediate, audit.',
    )
    .version(VERSION, '-V, --version', 'print the version')
    .showHelpAfterError('(run "paramedic --help" for usage)')
    .exitOverride(exitWithUsageCode)
    .addHelpText(
      'after',
      '\nExit codes: 0 ok, 1 a failure or a finding (a check failed, a run did not succeed), 2 usage error.\n',
    );
  // `--version` needs no sub-command; `--help` and unknown names need them all.
  const names =
    only && VERSION_FLAGS.has(only)
      ? []
      : only && only in COMMANDS
        ? [only]
        : Object.keys(COMMANDS);
  for (const name of names) (await COMMANDS[name]!())(program);
  return program;
}

exitQuietlyOnClosedPipe();
await (await buildProgram(process.argv[2])).parseAsync(process.argv);
