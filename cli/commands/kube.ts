import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  ClusterReader,
  type ClusterTarget,
} from '../../lambdas/adapters/kubernetes/cluster-reader.js';
import { KubeconfigAccess } from '../../lambdas/adapters/kubernetes/kube-access.js';
import {
  DEFAULT_RUNBOOK_DIR,
  loadRulebook,
} from '../../lambdas/adapters/local/runbook-directory.js';
import { classifyEvidence } from '../../lambdas/core/classify/engine.js';
import type { EvidenceBundle } from '../../lambdas/core/evidence/bundle.js';
import { bold, complain, cyan, dim, green, yellow } from '../output.js';
import { loadDeferredReadersFor } from '../../lambdas/core/classify/facts/load-deferred-readers-for.js';

interface KubeFlags {
  kubeconfig: string;
  context?: string;
  node?: string;
  namespace?: string;
  pod?: string;
  output?: string;
  ingressFrom?: string;
  json?: boolean;
  runbooks: string;
  tail: string;
  timeout: string;
  incidentTime?: string;
  since: string;
}

function target(flags: KubeFlags): ClusterTarget | string {
  if (flags.pod && !flags.namespace) return '--pod needs --namespace';
  if (!flags.node && !flags.pod) return 'give --node NODE, or --namespace NS --pod POD';
  return {
    node: flags.node,
    namespace: flags.namespace,
    pod: flags.pod,
    incidentTime: flags.incidentTime,
    lookbackMinutes: Number(flags.since),
  };
}

async function collect(flags: KubeFlags): Promise<EvidenceBundle | undefined> {
  const t = target(flags);
  if (typeof t === 'string') {
    complain(t);
    process.exitCode = 2;
    return undefined;
  }
  if (!(Number(flags.since) >= 0)) {
    complain(`--since must be a number of minutes, got "${flags.since}"`);
    process.exitCode = 2;
    return undefined;
  }
  if (flags.incidentTime && !Number.isFinite(Date.parse(flags.incidentTime))) {
    complain(
      `--incident-time must be a time like 2026-12-02T12:00:00Z, got "${flags.incidentTime}"`,
    );
    process.exitCode = 2;
    return undefined;
  }
  const tail = Number(flags.tail);
  const timeout = Number(flags.timeout);
  if (!(tail > 0 && tail <= 5000)) {
    complain(`--tail must be between 1 and 5000, got "${flags.tail}"`);
    process.exitCode = 2;
    return undefined;
  }
  if (!(timeout > 0)) {
    complain(`--timeout must be a positive number of seconds, got "${flags.timeout}"`);
    process.exitCode = 2;
    return undefined;
  }
  let ingressFrom: { namespace: string; pod: string; port?: number }[] | undefined;
  if (flags.ingressFrom) {
    const m = /^([a-z0-9-]+)\/([a-z0-9.-]+)(?::(\d+))?$/.exec(flags.ingressFrom);
    if (!m) {
      complain(`--ingress-from must look like NAMESPACE/POD[:PORT], got "${flags.ingressFrom}"`);
      process.exitCode = 2;
      return undefined;
    }
    ingressFrom = [{ namespace: m[1]!, pod: m[2]!, ...(m[3] ? { port: Number(m[3]) } : {}) }];
  }
  let access: KubeconfigAccess;
  try {
    access = new KubeconfigAccess(flags.kubeconfig, flags.context);
  } catch (error) {
    complain((error as Error).message);
    process.exitCode = 2;
    return undefined;
  }
  const reader = new ClusterReader(access, {
    clock: { now: () => new Date() },
    logTailLines: tail,
    requestTimeoutMs: timeout * 1000,
    ingressFrom,
  });
  const bundle = await reader.collect(t);
  for (const [name, s] of Object.entries(bundle.sections))
    if (s.error) process.stderr.write(dim(`${name}: ${s.error}\n`));
  return bundle;
}

const common = (cmd: Command) =>
  cmd
    .requiredOption('--kubeconfig <file>', 'kubeconfig to use')
    .option('--context <name>', 'kubeconfig context (default: current-context)')
    .option('--node <name>', 'collect about a node')
    .option('--namespace <ns>', 'namespace of the pod')
    .option('--pod <name>', 'collect about a pod (its node is read too)')
    .option(
      '--ingress-from <ns/pod[:port]>',
      'also judge NetworkPolicies for traffic from this pod to the target pod',
    )
    .option('--tail <lines>', 'log lines per container (current and previous)', '100')
    .option('--timeout <seconds>', 'per-request timeout', '10')
    .option(
      '--incident-time <time>',
      'when the incident began, e.g. 2026-12-02T12:00:00Z (default: now); older events are left out',
    )
    .option('--since <minutes>', 'lookback before the incident time, minutes', '15');

/** `paramedic kube collect|classify`: read a cluster with a kubeconfig and write or classify the evidence bundle. */
export function registerKubeCommand(program: Command): void {
  const kube = program
    .command('kube')
    .description(
      'Collect Kubernetes evidence (kubectl-style k8s.* sections) from a cluster and classify it',
    );
  common(kube.command('collect'))
    .description('Collect k8s.* evidence about a node or a pod into an evidence bundle')
    .option('-o, --output <file>', 'write the bundle here (default: stdout)')
    .addHelpText(
      'after',
      '\nExample:\n  npx paramedic kube collect --kubeconfig ~/.kube/config --namespace shop --pod web-6d5c4b3a2-b8n7m -o bundle.json\n',
    )
    .action(async (flags: KubeFlags) => {
      const bundle = await collect(flags);
      if (!bundle) return;
      const text = `${JSON.stringify(bundle, null, 1)}\n`;
      if (flags.output) {
        writeFileSync(flags.output, text);
        process.stderr.write(
          `wrote ${flags.output} (${Object.keys(bundle.sections).length} sections)\n`,
        );
      } else process.stdout.write(text);
    });
  common(kube.command('classify'))
    .description('Collect k8s.* evidence, then classify it against the runbooks')
    .option('-o, --output <file>', 'also write the bundle here')
    .option('--json', 'print {"target", "matches"} as JSON')
    .option('--runbooks <dir>', 'runbook directory', DEFAULT_RUNBOOK_DIR)
    .addHelpText(
      'after',
      '\nExample:\n  npx paramedic kube classify --kubeconfig ~/.kube/config --node ip-10-0-1-23.eu-west-1.compute.internal\n',
    )
    .action(async (flags: KubeFlags) => {
      let rulebook: ReturnType<typeof loadRulebook>;
      try {
        rulebook = loadRulebook(flags.runbooks);
      } catch (error) {
        complain((error as Error).message);
        process.exitCode = 2;
        return;
      }
      const bundle = await collect(flags);
      if (!bundle) return;
      if (flags.output) writeFileSync(flags.output, `${JSON.stringify(bundle, null, 1)}\n`);
      await loadDeferredReadersFor(bundle);
      const result = classifyEvidence(rulebook, bundle);
      if (flags.json) {
        process.stdout.write(
          `${JSON.stringify({ target: bundle.target, matches: result.matches })}\n`,
        );
        return;
      }
      const t = bundle.target;
      process.stdout.write(
        `${bold(`${t.cluster ?? ''} ${t.pod ? `${t.namespace}/${t.pod}` : ''}${t.node ? ` on ${t.node}` : ''}`.trim())}\n`,
      );
      if (result.matches.length === 0) {
        process.stdout.write(`  ${yellow('unclassified')}: no runbook reached the threshold\n`);
        return;
      }
      for (const m of result.matches) {
        process.stdout.write(`  ${green(m.runbookId)}  ${m.confidence.toFixed(2)}\n`);
        for (const line of m.evidence)
          process.stdout.write(`    ${cyan(`${line.section}:${line.line}`)}  ${line.text}\n`);
      }
    });
}
