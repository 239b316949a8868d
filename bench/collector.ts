/**
 * Collector benchmark: wall time and output size of the Docker-host collector on this host,
 * against a healthy dockerd of our own with 20 running containers, beside the 5 s target and the
 * 40 s budget. The baseline, measured in the same run and interleaved with it, is the collector as
 * it was before issue 12 (git show), so a loaded machine slows both alike and the ratio stays meaningful.
 * Needs root, dockerd and busybox-static (the integration lab); says so and returns otherwise.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { REPO_ROOT } from '../lambdas/adapters/local/runbook-directory.js';
import {
  DockerLab,
  labUnavailableReason,
  run as runArgv,
  type Daemon,
} from '../test/integration/docker/docker-lab.js';

const BUDGET_SECONDS = 40;
const TARGET_SECONDS = 5;
const TARGET_BYTES = 1024 * 1024;
const CONTAINERS = 20;
const ROUNDS = 3;
/** The last commit before the incident-window collector (sections one after another, JSON escaped per section). */
const BASELINE_REF = '4460594';

/** The collector scripts of `ref`, written to a temp dir; null when git cannot show them. */
function scriptsAt(ref: string): string | null {
  const dir = mkdtempSync('/tmp/pm-bench-baseline-');
  for (const file of ['docker-host.sh', 'lib.sh']) {
    const shown = spawnSync(
      'git',
      ['-C', REPO_ROOT, 'show', `${ref}:runbooks/collectors/${file}`],
      { encoding: 'utf8' },
    );
    if (shown.status !== 0) {
      rmSync(dir, { recursive: true, force: true });
      return null;
    }
    writeFileSync(join(dir, file), shown.stdout);
  }
  return dir;
}

/** Runs a collector script in the lab as the local runner would; seconds and bytes of its bundle. */
function timeScript(
  lab: DockerLab,
  daemon: Daemon,
  script: string,
  logUnderVarLog: boolean,
): { seconds: number; bytes: number; sections: number } {
  const started = performance.now();
  // Today's collector reads a log only under /var/log: the lab's folder stands for it
  // (PM_VAR_LOG_DIR); the baseline predates that and takes the file's own path.
  const logFile = logUnderVarLog
    ? {
        PARAMEDIC_DOCKER_LOG_FILE: `/var/log/${basename(daemon.logFile)}`,
        PM_VAR_LOG_DIR: dirname(daemon.logFile),
      }
    : { PARAMEDIC_DOCKER_LOG_FILE: daemon.logFile };
  const r = runArgv(
    [...lab.wrapper, 'bash', script],
    {
      ...process.env,
      DOCKER_HOST: daemon.dockerHost,
      ...logFile,
      PARAMEDIC_IO_SAMPLE_SECONDS: '2',
    },
    90_000,
  );
  if (r.code !== 0) throw new Error(`${script} exited ${r.code}: ${r.stderr.trim().slice(-400)}`);
  const seconds = (performance.now() - started) / 1000;
  const bundle = JSON.parse(r.stdout) as { sections: Record<string, { error?: string | null }> };
  const skipped = Object.entries(bundle.sections)
    .filter(([, s]) => s.error?.startsWith('skipped'))
    .map(([n]) => n);
  if (skipped.length) console.log(`  ${script}: sections skipped for time: ${skipped.join(', ')}`);
  return {
    seconds,
    bytes: Buffer.byteLength(r.stdout),
    sections: Object.keys(bundle.sections).length,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Prints each run of the collector and of the baseline, then the medians, their ratio and the size. */
export async function run(): Promise<void> {
  const unavailable = labUnavailableReason();
  if (unavailable) {
    console.log(`collector: skipped (${unavailable})`);
    return;
  }
  const baselineDir = scriptsAt(BASELINE_REF);
  const lab = new DockerLab('bench');
  try {
    await lab.setUp();
    const daemon = await lab.startDaemon('bench');
    lab.importBusybox(daemon);
    for (let i = 0; i < CONTAINERS; i++) {
      const r = lab.docker(daemon, [
        'run',
        '-d',
        '--name',
        `bench-${i}`,
        '--expose',
        '8080',
        'pm/busybox:1',
        'httpd',
        '-f',
        '-p',
        '8080',
      ]);
      if (r.code !== 0) throw new Error(`docker run bench-${i}: ${r.stderr}`);
    }
    const now: { seconds: number; bytes: number }[] = [];
    const base: { seconds: number; bytes: number }[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      if (baselineDir) {
        const b = timeScript(lab, daemon, join(baselineDir, 'docker-host.sh'), false);
        base.push(b);
        console.log(
          `baseline (${BASELINE_REF}) run ${round}: ${b.seconds.toFixed(2)} s, ${(b.bytes / 1024).toFixed(1)} KiB, ${b.sections} sections`,
        );
      }
      const c = timeScript(
        lab,
        daemon,
        join(REPO_ROOT, 'runbooks/collectors/docker-host.sh'),
        true,
      );
      now.push(c);
      console.log(
        `collector (docker host, ${CONTAINERS} containers) run ${round}: ${c.seconds.toFixed(2)} s, ${(c.bytes / 1024).toFixed(1)} KiB, ${c.sections} sections`,
      );
    }
    const m = median(now.map((r) => r.seconds));
    const size = median(now.map((r) => r.bytes));
    const ratio = base.length
      ? ` = ${(m / median(base.map((r) => r.seconds))).toFixed(2)}x the baseline's ${median(base.map((r) => r.seconds)).toFixed(2)} s`
      : '';
    console.log(
      `collector median: ${m.toFixed(2)} s${ratio} (target ${TARGET_SECONDS} s, budget ${BUDGET_SECONDS} s; includes a 2 s io sample), ` +
        `size ${(size / 1024).toFixed(1)} KiB (bound ${TARGET_BYTES / 1024} KiB); load average ${(await import('node:os')).loadavg()[0]!.toFixed(1)}`,
    );
  } finally {
    await lab.tearDown();
    if (baselineDir) rmSync(baselineDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
