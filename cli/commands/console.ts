import type { Command } from 'commander';
import { resolveDataDir } from '../../lambdas/adapters/local/data-dir.js';
import { loadRulebook } from '../../lambdas/adapters/local/runbook-directory.js';
import { startConsoleServer } from '../../console/server.js';
import { complain, failWith } from '../output.js';
import { openAuditSource } from './audit-source.js';
import { withAwsTrailOptions, withLocalStoreOptions } from '../options.js';

interface ConsoleFlags {
  port: string;
  dataDir?: string;
  runbooks: string;
  allowExecute?: boolean;
  aws?: boolean;
  table?: string;
  bucket?: string;
  region?: string;
  stack?: string;
}

/** `paramedic console [--port] [--data-dir]`: the web console on 127.0.0.1. */
export function registerConsoleCommand(program: Command): void {
  withAwsTrailOptions(
    withLocalStoreOptions(program.command('console')),
    "show the deployed stack's audit trail (DynamoDB/S3) instead of the local one",
  )
    .description(
      'Serve the web console on 127.0.0.1: executions, timelines, evidence, approvals, runbooks, manual runs',
    )
    .option('--port <port>', 'port on 127.0.0.1 (0 = any free port)', '7321')
    .option(
      '--allow-execute',
      'let the manual-run form execute remediations (default: dry runs only)',
    )
    .action(async (flags: ConsoleFlags) => {
      const port = Number(flags.port);
      if (!(Number.isInteger(port) && port >= 0 && port <= 65_535)) {
        complain(`--port must be 0..65535, got "${flags.port}"`);
        process.exitCode = 2;
        return;
      }
      try {
        const dataDir = resolveDataDir(flags.dataDir);
        const source = await openAuditSource({ ...flags, dataDir });
        const consoleServer = await startConsoleServer({
          dataDir,
          rulebook: loadRulebook(flags.runbooks),
          port,
          allowExecute: flags.allowExecute,
          ...(source.kind === 'aws' ? { audit: source.audit, evidence: source.evidence } : {}),
        });
        process.stdout.write(
          `Paramedic console on ${consoleServer.url} (data: ${source.where}); Ctrl-C to stop\n`,
        );
        const stop = () => {
          void consoleServer.close().then(() => process.exit(0));
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      } catch (error) {
        failWith(error);
      }
    });
}
