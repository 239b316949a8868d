/**
 * A private Docker lab for the real-fault tests: a network namespace of our own (loopback plus
 * 10.77.0.1/10.77.0.2 on its lo), a dnsmasq answering there, and dockerd instances with their own
 * data-root, exec-root, unix socket and pidfile under a temp dir. dockerd runs in its own mount
 * namespace (slave of the host's) with the lab's resolv.conf bound over /etc/resolv.conf, so the
 * host's daemon, bridge, iptables and DNS are never touched. Cleanup stops only our pids.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  appendFileSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { collectEvidence } from '../../../lambdas/adapters/local/collect-evidence.js';
import { LocalCommandRunner } from '../../../lambdas/adapters/local/local-command-runner.js';
import type { EvidenceBundle } from '../../../lambdas/core/evidence/bundle.js';

/** Why the lab cannot run here, or null when it can. In CI a reason is a failure, not a skip. */
export function labUnavailableReason(): string | null {
  if (process.getuid?.() !== 0)
    return 'the Docker fault tests need root (they start their own dockerd)';
  for (const tool of [
    'dockerd',
    'docker',
    'ip',
    'nsenter',
    'unshare',
    'busybox',
    'docker-registry',
    'dnsmasq',
    'htpasswd',
    'mkfs.ext4',
    'losetup',
  ]) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0)
      return `${tool} is not installed (Debian: docker.io busybox-static docker-registry dnsmasq-base apache2-utils e2fsprogs util-linux)`;
  }
  return null;
}

/** Result of a command. */
export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command synchronously, never throwing. */
export function run(argv: readonly string[], env?: NodeJS.ProcessEnv, timeoutMs = 120_000): Run {
  const r = spawnSync(argv[0]!, argv.slice(1), {
    env: env ?? process.env,
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  return {
    code: r.status,
    stdout: r.stdout ?? '',
    stderr: (r.stderr ?? '') + (r.error ? String(r.error) : ''),
  };
}

function must(argv: readonly string[], env?: NodeJS.ProcessEnv): string {
  const r = run(argv, env);
  if (r.code !== 0) throw new Error(`${argv.join(' ')} failed (${r.code}): ${r.stderr.trim()}`);
  return r.stdout;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Polls `check` every 150 ms until it holds; throws, naming `what`, after `ms`. */
export async function waitFor(check: () => boolean, ms: number, what: string): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

async function killPid(pid: number, graceMs = 8000): Promise<void> {
  if (!alive(pid)) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  try {
    await waitFor(() => !alive(pid), graceMs, `pid ${pid} to exit`);
  } catch {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

/** One dockerd of the lab. */
export interface Daemon {
  readonly name: string;
  readonly pid: number;
  readonly socket: string;
  readonly dockerHost: string;
  readonly logFile: string;
  readonly dataRoot: string;
  readonly execRoot: string;
}

/** The lab: a namespace, its resolver, daemons and registries. */
export class DockerLab {
  readonly dir: string;
  readonly ns: string;
  readonly resolvConf: string;
  private readonly pids: number[] = [];
  private readonly loops: string[] = [];
  private readonly mounts: string[] = [];
  private readonly daemons: Daemon[] = [];

  constructor(name: string) {
    this.dir = mkdtempSync(`/tmp/pmdk-${name}-`);
    this.ns = `pmdk-${name}-${process.pid}`;
    this.resolvConf = join(this.dir, 'resolv.conf');
  }

  /** Prefix that runs a command inside the lab (its netns, its resolv.conf). */
  get wrapper(): string[] {
    return this.wrapperWith([]);
  }

  /** The lab prefix, with more files bound over host files in the private mount namespace. */
  wrapperWith(binds: readonly (readonly [source: string, target: string])[]): string[] {
    const mounts = [[this.resolvConf, '/etc/resolv.conf'], ...binds]
      .map(([s, t]) => `mount --bind '${s}' '${t}'`)
      .join(' && ');
    return [
      'unshare',
      '-m',
      '--propagation',
      'slave',
      'sh',
      '-c',
      `${mounts} && exec nsenter --net=/run/netns/${this.ns} "$@"`,
      'lab',
    ];
  }

  /** Creates the namespace, its addresses and its resolver. */
  async setUp(): Promise<void> {
    must(['ip', 'netns', 'add', this.ns]);
    must(['ip', 'netns', 'exec', this.ns, 'ip', 'link', 'set', 'lo', 'up']);
    must(['ip', 'netns', 'exec', this.ns, 'ip', 'addr', 'add', '10.77.0.1/32', 'dev', 'lo']);
    must(['ip', 'netns', 'exec', this.ns, 'ip', 'addr', 'add', '10.77.0.2/32', 'dev', 'lo']);
    writeFileSync(this.resolvConf, 'nameserver 10.77.0.1\noptions timeout:1 attempts:1\n');
    // Answers at once: NXDOMAIN for anything under .invalid, nothing forwarded anywhere.
    this.background('dnsmasq', [
      ...this.wrapper,
      'dnsmasq',
      '--keep-in-foreground',
      '--no-resolv',
      '--no-hosts',
      '--listen-address=10.77.0.1',
      '--bind-interfaces',
      '--local=/invalid/',
      '--user=root',
      '--log-facility=-',
      `--pid-file=${join(this.dir, 'dnsmasq.pid')}`,
    ]);
  }

  /** Starts a long-running process of the lab with output to <dir>/<name>.log; returns its pid. */
  background(name: string, argv: readonly string[]): number {
    const fd = openSync(join(this.dir, `${name}.log`), 'a');
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', fd, fd], detached: true });
    closeSync(fd);
    child.unref();
    this.pids.push(child.pid!);
    return child.pid!;
  }

  /** The environment for the docker CLI aimed at a daemon. */
  cliEnv(daemon: Daemon, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return {
      ...process.env,
      DOCKER_HOST: daemon.dockerHost,
      DOCKER_CONFIG: join(this.dir, 'docker-config'),
      ...extra,
    };
  }

  /** Runs the docker CLI against a daemon. */
  docker(daemon: Daemon, args: readonly string[], extra: Record<string, string> = {}): Run {
    return run(['docker', ...args], this.cliEnv(daemon, extra));
  }

  /**
   * Starts dockerd inside the lab. `expectFailure` returns once the process exits or the socket
   * answers, whichever comes first (for daemons that are meant to fail). `staleLog` is written
   * to the daemon's log file first: lines of an older incident the window must leave out.
   */
  async startDaemon(
    name: string,
    args: readonly string[] = [],
    opts: { expectFailure?: boolean; wrapper?: readonly string[]; staleLog?: string } = {},
  ): Promise<Daemon> {
    const base = join(this.dir, name);
    mkdirSync(base, { recursive: true });
    const daemon: Daemon = {
      name,
      socket: join(base, 'docker.sock'),
      dockerHost: `unix://${join(base, 'docker.sock')}`,
      logFile: join(base, 'dockerd.log'),
      dataRoot: join(base, 'data'),
      execRoot: join(base, 'exec'),
      pid: 0,
    };
    if (opts.staleLog) appendFileSync(daemon.logFile, opts.staleLog);
    const fd = openSync(daemon.logFile, 'a');
    const wrapper = opts.wrapper ?? this.wrapper;
    const child = spawn(
      wrapper[0]!,
      [
        ...wrapper.slice(1),
        'dockerd',
        '--data-root',
        daemon.dataRoot,
        '--exec-root',
        daemon.execRoot,
        '-H',
        daemon.dockerHost,
        '--pidfile',
        join(base, 'docker.pid'),
        ...args,
      ],
      { stdio: ['ignore', fd, fd], detached: true },
    );
    closeSync(fd);
    child.unref();
    const started: Daemon = { ...daemon, pid: child.pid! };
    this.pids.push(child.pid!);
    this.daemons.push(started);
    const answers = () => run(['docker', 'version'], this.cliEnv(started), 5000).code === 0;
    if (opts.expectFailure) {
      await waitFor(() => !alive(started.pid) || answers(), 30_000, `dockerd ${name} to fail`);
    } else {
      await waitFor(() => answers() || !alive(started.pid), 45_000, `dockerd ${name} to answer`);
      if (!answers())
        throw new Error(
          `dockerd ${name} exited: ${readFileSync(daemon.logFile, 'utf8').slice(-800)}`,
        );
    }
    return started;
  }

  /** Removes every container of a daemon. */
  removeContainers(daemon: Daemon): void {
    const ids = this.docker(daemon, ['ps', '-aq']).stdout.split(/\s+/).filter(Boolean);
    if (ids.length) this.docker(daemon, ['rm', '-f', ...ids]);
  }

  /** Kills a daemon hard (its socket file stays) together with the containerd it started. */
  async killDaemon(daemon: Daemon, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const containerdPidFile = join(daemon.execRoot, 'containerd', 'containerd.pid');
    const containerd = existsSync(containerdPidFile)
      ? Number(readFileSync(containerdPidFile, 'utf8').trim())
      : 0;
    if (alive(daemon.pid)) process.kill(daemon.pid, signal);
    await waitFor(() => !alive(daemon.pid), 15_000, `dockerd ${daemon.name} to exit`).catch(
      () => undefined,
    );
    if (containerd > 0) await killPid(containerd);
  }

  /** Stops a daemon cleanly: containers removed, SIGTERM, then its containerd. */
  async stopDaemon(daemon: Daemon): Promise<void> {
    if (alive(daemon.pid)) this.removeContainers(daemon);
    await this.killDaemon(daemon, 'SIGTERM');
  }

  /** Imports a busybox image (from busybox-static) as pm/busybox:1. */
  importBusybox(daemon: Daemon): void {
    const rootfs = join(this.dir, 'rootfs');
    if (!existsSync(rootfs)) {
      mkdirSync(join(rootfs, 'bin'), { recursive: true });
      mkdirSync(join(rootfs, 'tmp'), { recursive: true });
      must(['cp', '/bin/busybox', join(rootfs, 'bin', 'busybox')]);
      for (const applet of [
        'sh',
        'dd',
        'sleep',
        'httpd',
        'cat',
        'echo',
        'ls',
        'yes',
        'true',
        'head',
        'rm',
      ])
        must(['ln', '-sf', 'busybox', join(rootfs, 'bin', applet)]);
    }
    const r = run(
      ['sh', '-c', `tar -C "$0" -c . | docker import -c 'ENV PATH=/bin' - pm/busybox:1`, rootfs],
      this.cliEnv(daemon),
    );
    if (r.code !== 0) throw new Error(`docker import failed: ${r.stderr}`);
  }

  /** A small ext4 filesystem on a loop device, mounted under the lab dir (host mount namespace). */
  smallFilesystem(name: string, megabytes: number): string {
    const image = join(this.dir, `${name}.img`);
    const mountpoint = join(this.dir, name);
    mkdirSync(mountpoint, { recursive: true });
    must(['truncate', '-s', `${megabytes}M`, image]);
    must(['mkfs.ext4', '-q', '-F', image]);
    const loop = must(['losetup', '-f', '--show', image]).trim();
    this.loops.push(loop);
    must(['mount', loop, mountpoint]);
    this.mounts.push(mountpoint);
    return mountpoint;
  }

  /**
   * Marks the start of an incident: the collector's window begins here (lookback 0), so what the
   * daemon and the kernel logged before (earlier cases, planted noise) proves nothing. The logs
   * are never truncated: the window, not a clean file, must keep stale lines out.
   */
  async markIncident(): Promise<string> {
    // Log stamps have sub-second precision; step past the second boundary so none falls on it twice.
    await new Promise((r) => setTimeout(r, 20));
    return new Date().toISOString();
  }

  /**
   * Runs the Docker-host collector inside the lab, through the LocalCommandRunner. The daemon's
   * log file is passed as the `daemonLog` document parameter, as on a host without systemd: as
   * /var/log/<name> (the document takes nothing else), its folder standing for /var/log
   * (PM_VAR_LOG_DIR).
   */
  async collect(
    daemon: Daemon,
    parameters: Record<string, string> = {},
    env: Record<string, string> = {},
    wrapper = this.wrapper,
  ): Promise<EvidenceBundle> {
    const runner = new LocalCommandRunner({
      wrapper,
      env: {
        DOCKER_HOST: daemon.dockerHost,
        PARAMEDIC_DOCKER_CONFIG_FILE: join(this.dir, daemon.name, 'daemon.json'),
        PARAMEDIC_IO_SAMPLE_SECONDS: '1',
        PM_VAR_LOG_DIR: dirname(daemon.logFile),
        ...env,
      },
    });
    const { bundle } = await collectEvidence({
      platform: 'docker',
      parameters: {
        sinceMinutes: '0',
        daemonLog: `/var/log/${basename(daemon.logFile)}`,
        ...parameters,
      },
      runner,
    });
    const record = process.env.PARAMEDIC_RECORD_DIR;
    if (record) {
      mkdirSync(record, { recursive: true });
      writeFileSync(
        join(record, `${daemon.name}-${Date.now()}.json`),
        `${JSON.stringify(bundle, null, 2)}\n`,
      );
    }
    return bundle;
  }

  /** Stops everything the lab started (by pid), unmounts, detaches, deletes the namespace. */
  async tearDown(): Promise<void> {
    for (const d of [...this.daemons].reverse()) await this.stopDaemon(d).catch(() => undefined);
    for (const pid of [...this.pids].reverse()) await killPid(pid, 3000);
    for (const m of [...this.mounts].reverse()) run(['umount', '-l', m]);
    for (const l of this.loops) run(['losetup', '-d', l]);
    run(['ip', 'netns', 'del', this.ns]);
    if (this.dir.startsWith('/tmp/pmdk-')) rmSync(this.dir, { recursive: true, force: true });
  }
}
