/**
 * What every `paramedic` command promises (README "Exit codes"): compiled entry point, --version,
 * 0 ok / 1 failure or finding / 2 usage, quiet exit when the reader closes the pipe, errors that
 * name their file, help examples that exist, a lint summary that counts what it printed, and a
 * warning when the audit chain is broken.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  appendFileSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../lambdas/adapters/local/runbook-directory.js';
import { LOG_FILE_PATTERN } from '../../../lambdas/core/collection/evidence-collectors.js';

const BIN = join(REPO_ROOT, 'cli', 'bin', 'paramedic.mjs');
const run = (...args: string[]) =>
  spawnSync(process.execPath, [BIN, ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
const RECORDED = join(REPO_ROOT, 'test', 'fixtures', 'recorded');
const DISK_FULL = join(
  REPO_ROOT,
  'test',
  'integration',
  'local',
  'fixtures',
  'disk-full-docker-host.json',
);

/** Runs the command, reads its first stdout line, then closes the pipe (as `| head -1` does). */
function firstLineThenClose(
  args: readonly string[],
): Promise<{ line: string; code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let line = '';
    let stderr = '';
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    child.stdout.on('data', (c) => {
      out += c;
      if (!line && out.includes('\n')) {
        line = out.split('\n')[0]!;
        child.stdout.destroy();
      }
    });
    child.on('close', (code) => resolve({ line, code, stderr }));
  });
}

let dataDir: string;
beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'paramedic-cli-contract-'));
});

describe('the paramedic entry point', () => {
  it('prints the package version with --version and -V', () => {
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    for (const flag of ['--version', '-V']) {
      const r = run(flag);
      expect(r.status).toBe(0);
      expect(r.stdout.trim()).toBe(version);
    }
  });

  it('says how to build when the compiled command is missing', () => {
    const copy = mkdtempSync(join(tmpdir(), 'paramedic-unbuilt-'));
    mkdirSync(join(copy, 'cli', 'bin'), { recursive: true });
    copyFileSync(BIN, join(copy, 'cli', 'bin', 'paramedic.mjs'));
    const r = spawnSync(
      process.execPath,
      [join(copy, 'cli', 'bin', 'paramedic.mjs'), '--version'],
      { encoding: 'utf8' },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/not built .*npm run build/);
  });

  it('runs compiled JavaScript: the bin imports dist/cli, not a TypeScript loader', () => {
    const bin = readFileSync(BIN, 'utf8');
    expect(bin).toContain('dist/cli/main.js');
    expect(bin).not.toMatch(/tsx|\.ts['"]/);
  });
});

describe('exit codes: 0 ok, 1 failure or finding, 2 usage', () => {
  it.each([
    [['--no-such-flag']],
    [['classify']],
    [['triage']],
    [['triage', '--replay', DISK_FULL, '--approve-as', 'a', '--reject-as', 'b']],
    [['run', 'disk-full', '--target', 'i-0123456789abcdef0', '--workflow', 'nope']],
    [['audit', 'list', '--outcome', 'nope']],
    [[]],
  ])('usage error %j exits 2', (args) => {
    expect(run(...args, '--data-dir', dataDir).status).toBe(2);
  });

  it.each([
    [['collect', '--since', '-5'], '--since: "-5" does not match'],
    [['collect', '--container', 'a;b'], '--container: "a;b" does not match'],
    [['run', 'disk-ful', '--target', 'local'], 'unknown runbook disk-ful'],
    [['run', 'disk-ful', '--target', 'i-0123456789abcdef0', '--aws'], 'unknown runbook disk-ful'],
  ])(
    'a flag value or runbook the command refuses is a usage error (2) naming it: %j',
    (args, message) => {
      const r = run(...args, ...(args[0] === 'collect' ? [] : ['--data-dir', dataDir]));
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toContain(message);
    },
  );

  it.each(['--kubelet-log', '--ipamd-log', '--policy-agent-log'])(
    'collect refuses the EKS-node log flag %s on a Docker host (2), naming it',
    (flag) => {
      const r = run('collect', '--platform', 'docker', flag, '/var/log/x.log');
      expect(r.status).toBe(2);
      expect(r.stderr.trim()).toBe(`paramedic: ${flag} applies to --platform eks only`);
    },
  );

  it('every log file the help examples name (collect, triage, run) is one the collector accepts', () => {
    const help = ['collect', 'triage', 'run'].map((c) => run(c, '--help').stdout).join('\n');
    const files = [
      ...help.matchAll(/--(?:daemon|containerd|kubelet|ipamd|policy-agent)-log (\/\S+)/g),
    ].map((m) => m[1]);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(file).toMatch(new RegExp(LOG_FILE_PATTERN));
  });

  it.each([
    [
      ['triage', '--replay', DISK_FULL, '--daemon-log', '/var/log/dockerd.log'],
      '--daemon-log and the other log flags apply to --alarm only: a replay collects nothing',
    ],
    [
      ['triage', '--alarm', 'alarm.json', '--kubelet-log', 'kubelet.log'],
      '--kubelet-log "kubelet.log": give a file under /var/log/ (at most 4 levels of names of 1-61 letters, digits and _.-, none beginning with a dot, so no ..), e.g. /var/log/docker.log',
    ],
    [
      [
        'run',
        'disk-full',
        '--target',
        'i-0123456789abcdef0',
        '--aws',
        '--ipamd-log',
        '/var/log/x.log',
      ],
      '--daemon-log and the other log flags are local only: a deployment reads them from its collectorLogs setting',
    ],
    [
      [
        'triage',
        '--alarm',
        join(REPO_ROOT, 'test/fixtures/alarms/ec2-docker-host-disk-used.json'),
        '--kubelet-log',
        '/var/log/kubelet.log',
        '--containerd-log',
        '/var/log/containerd.log',
      ],
      "--kubelet-log: this run's targets are Docker hosts, whose collector does not read it; drop it or name a target on the platform it is for",
    ],
    [
      [
        'run',
        'node-not-ready',
        '--target',
        'eks:prod/ip-10-0-1-23.ec2.internal',
        '--daemon-log',
        '/var/log/docker.log',
      ],
      "--daemon-log: this run's targets are EKS nodes, whose collector does not read it; drop it or name a target on the platform it is for",
    ],
    [
      ['collect', '--daemon-log', '/var/log/docker log'],
      '--daemon-log "/var/log/docker log": give a file under /var/log/ (at most 4 levels of names of 1-61 letters, digits and _.-, none beginning with a dot, so no ..), e.g. /var/log/docker.log',
    ],
  ])(
    'a log flag where it cannot apply, or not a path, is a usage error (2): %j',
    (args, message) => {
      const r = run(...args, ...(args[0] === 'collect' ? [] : ['--data-dir', dataDir]));
      expect(r.status).toBe(2);
      expect(r.stderr.trim()).toBe(`paramedic: ${message}`);
    },
  );

  it('a bundle that does not parse is a failure (1) and the message names the file', () => {
    const bad = join(dataDir, 'broken-bundle.json');
    writeFileSync(bad, '{"schema": ');
    const r = run('triage', '--replay', bad, '--data-dir', dataDir);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(bad);
  });
});

describe('output', () => {
  it('stops quietly (exit 0, no stack trace) when the reader closes the pipe: classify --json | head -1', async () => {
    const r = await firstLineThenClose([
      'classify',
      '--json',
      RECORDED,
      join(REPO_ROOT, 'test', 'runbooks', 'cases'),
    ]);
    expect(JSON.parse(r.line)).toHaveProperty('file');
    expect(r.stderr).not.toMatch(/EPIPE|Error|at /);
    expect(r.code).toBe(0);
  });

  it('prints progress only on a terminal: a piped triage keeps stderr empty', () => {
    const r = run('triage', '--replay', DISK_FULL, '--data-dir', dataDir);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Paramedic triage /);
    expect(r.stderr).toBe('');
  });

  it('heads a manual run "Paramedic run", and a target this machine cannot reach is not a failure word', () => {
    const r = run('run', 'disk-full', '--target', 'i-0123456789abcdef0', '--data-dir', dataDir);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Paramedic run /);
    expect(r.stdout).not.toContain('InvalidTarget');
  });

  it('names only example files that exist in triage --help', () => {
    const help = run('triage', '--help').stdout;
    const files = [...help.matchAll(/(test\/\S+\.json)/g)].map((m) => m[1]!);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(() => readFileSync(join(REPO_ROOT, file)), file).not.toThrow();
  });

  it('runbooks lint counts every warning it printed', () => {
    const r = run('runbooks', 'lint');
    const printed = r.stdout.split('\n').filter((l) => l.startsWith('warning')).length;
    expect(r.stdout).toMatch(new RegExp(`, ${printed} warnings?\\n$`));
  });

  it('audit list and show warn on stderr when the hash chain is broken', () => {
    const dir = mkdtempSync(join(tmpdir(), 'paramedic-broken-chain-'));
    expect(run('triage', '--replay', DISK_FULL, '--data-dir', dir).status).toBe(0);
    const trail = join(dir, 'audit', 'trail.jsonl');
    const lines = readFileSync(trail, 'utf8').trim().split('\n');
    const first = JSON.parse(lines[0]!) as { actor: string; executionId: string };
    writeFileSync(trail, `${JSON.stringify({ ...first, actor: 'someone-else' })}\n`);
    appendFileSync(trail, `${lines.slice(1).join('\n')}\n`);
    expect(run('audit', 'list', '--data-dir', dir).stderr).toMatch(
      /warning: the audit chain is broken at record seq 1/,
    );
    expect(run('audit', 'show', first.executionId, '--data-dir', dir).stderr).toMatch(
      /chain is broken/,
    );
  });
});
