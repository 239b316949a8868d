import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectEvidence, CollectError } from '../../../lambdas/adapters/local/collect-evidence.js';
import {
  LocalCommandRunner,
  UnknownDocumentError,
} from '../../../lambdas/adapters/local/local-command-runner.js';
import { REPO_ROOT } from '../../../lambdas/adapters/local/runbook-directory.js';
import { CANONICAL_SECTIONS } from '../../../lambdas/core/evidence/bundle.js';
import {
  DocumentParameterError,
  LOG_FILE_PATTERN,
} from '../../../lambdas/core/collection/collector-documents.js';
import { requires } from '../../support/requirements.js';

const scriptsIn = (dir: string) =>
  readdirSync(join(REPO_ROOT, dir))
    .filter((f) => f.endsWith('.sh'))
    .map((f) => join(dir, f));
const scripts = [...scriptsIn('runbooks/collectors'), ...scriptsIn('runbooks/actions')];
const shellcheck = requires('shellcheck');

describe('collector and action scripts', () => {
  it.skipIf(shellcheck.skip)(shellcheck.title('pass shellcheck (every warning level)'), () => {
    const r = spawnSync('shellcheck', ['-x', '-P', REPO_ROOT, ...scripts], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('use only tools a bare host has (no jq, no python)', () => {
    for (const script of scripts) {
      const text = spawnSync('cat', [join(REPO_ROOT, script)], { encoding: 'utf8' }).stdout;
      expect(text, script).not.toMatch(/(^|[\s|;(])(jq|python3?)\s/m);
    }
  });
});

describe('local collection, without a Docker daemon', () => {
  // A daemon.json with a proxy password (Docker 23+ reads "proxies" there): never filed as written.
  const configDir = mkdtempSync(join(tmpdir(), 'pm-daemon-config-'));
  const daemonJson = join(configDir, 'daemon.json');
  writeFileSync(
    daemonJson,
    '{\n  "proxies": {\n    "https-proxy": "http://svc:p@ss/w0rd@proxy.test:3128",\n    "no-proxy": "localhost"\n  }\n}\n',
  );
  afterAll(() => rmSync(configDir, { recursive: true, force: true }));
  // Points the CLI at a socket nobody serves: the collector must still produce a valid bundle.
  const runner = new LocalCommandRunner({
    env: {
      PARAMEDIC_DOCKER_CONFIG_FILE: daemonJson,
      DOCKER_HOST: 'unix:///nonexistent/paramedic-test.sock',
      PARAMEDIC_IO_SAMPLE_SECONDS: '1',
    },
  });

  it('the Docker-host collector prints a valid bundle within its budget and names the unreachable daemon', async () => {
    const { bundle, result } = await collectEvidence({
      platform: 'docker',
      runner,
      parameters: { sinceMinutes: '5' },
    });
    expect(result.durationMs).toBeLessThan(30_000);
    expect(bundle.target.platform).toBe('docker');
    for (const name of [
      'docker.cli',
      'docker.ps',
      'disk.df',
      'disk.inodes',
      'net.addr',
      'net.sockets',
      'kernel.loop',
      'io.block',
      'security.groups',
    ]) {
      expect(bundle.sections[name], name).toBeDefined();
    }
    expect(bundle.sections['docker.cli']!.output).toMatch(
      /Cannot connect to the Docker daemon at unix:\/\/\/nonexistent\/paramedic-test\.sock|docker: command not found/,
    );
    expect(bundle.sections['docker.ps']!.error).toBe('docker daemon not reachable');
    const config = bundle.sections['docker.daemon-config']!.output;
    expect(config).toContain('"https-proxy": "http://****@proxy.test:3128"');
    expect(config).not.toMatch(/p@ss|w0rd/);
    expect(bundle.sections['disk.df']!.output).toMatch(/Use%|Capacity/);
    expect(bundle.sections['io.block']!.output).toContain('PID COMM CONTAINER READ_B/S WRITE_B/S');
    const known = new Set<string>(CANONICAL_SECTIONS);
    const extra = Object.keys(bundle.sections).filter((s) => !known.has(s));
    expect(extra).toEqual([]);
  });

  it('the EKS-node collector prints a valid bundle; a missing crictl is an error in its section', async () => {
    const { bundle } = await collectEvidence({ platform: 'eks', runner });
    expect(bundle.target.platform).toBe('eks');
    const crictl = bundle.sections['crictl.ps']!;
    if (spawnSync('sh', ['-c', 'command -v crictl']).status !== 0) {
      expect(crictl.error).toBe('crictl not installed');
      expect(crictl.output).toContain('crictl: command not found on this host');
    }
    expect(bundle.sections['kubelet.journal']).toBeDefined();
    const known = new Set<string>(CANONICAL_SECTIONS);
    const extra = Object.keys(bundle.sections).filter((s) => !known.has(s));
    expect(extra).toEqual([]);
  });

  it('bounds every section and marks a cut one truncated, keeping the tail', async () => {
    const small = new LocalCommandRunner({
      env: {
        DOCKER_HOST: 'unix:///nonexistent/x.sock',
        PARAMEDIC_IO_SAMPLE_SECONDS: '1',
        PM_SECTION_MAX_BYTES: '300',
      },
    });
    const { bundle } = await collectEvidence({ platform: 'docker', runner: small });
    for (const [name, section] of Object.entries(bundle.sections))
      expect(section.output.length, name).toBeLessThanOrEqual(300);
    const cut = bundle.sections['net.addr']!;
    expect(cut.truncated).toBe(true);
    expect(cut.output).toMatch(/ip route|default|dev /);
  });
});

describe('parameters', () => {
  const runner = new LocalCommandRunner();
  const bad: Record<string, string>[] = [
    { container: 'web; rm -rf /' },
    { container: '$(id)' },
    { container: '-rf' },
    { pid: '12 13' },
    { pid: '0' },
    { sinceMinutes: '100000' },
    { incidentTime: '2026-12-02 12:00:00' },
    { incidentTime: '$(date)' },
    { daemonLog: '/var/log/x;id' },
    // Root reads and files what a log parameter names: nothing outside /var/log.
    { daemonLog: '/etc/shadow' },
    { daemonLog: '/var/log/../../etc/shadow' },
    { containerdLog: '/var/log/containerd/../../../root/.ssh/id_rsa' },
    { straceSeconds: '11' },
    { probeHost: 'a b.invalid' },
    { probeHost: 'x\nid' },
    { nope: '1' },
  ];
  for (const parameters of bad) {
    it(`refuses ${JSON.stringify(parameters)} before running anything`, async () => {
      await expect(
        runner.run({
          document: 'Paramedic-CollectDockerHost',
          parameters,
          targets: ['local'],
          timeoutSeconds: 5,
        }),
      ).rejects.toBeInstanceOf(DocumentParameterError);
    });
  }

  it('the script itself refuses a value that bypassed the runner (exit 2, nothing on stdout)', () => {
    const r = spawnSync('bash', [join(REPO_ROOT, 'runbooks/collectors/docker-host.sh')], {
      env: { PATH: process.env.PATH, PARAMEDIC_CONTAINER: 'a;b' },
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('invalid parameter PARAMEDIC_CONTAINER');
  });

  it.each([
    ['docker-host.sh', 'PARAMEDIC_DAEMON_LOG', '/etc/shadow'],
    ['docker-host.sh', 'PARAMEDIC_DOCKER_LOG_FILE', '/var/log/../../etc/shadow'],
    ['docker-host.sh', 'PARAMEDIC_CONTAINERD_LOG', '/var/log/..'],
    ['eks-node.sh', 'PARAMEDIC_KUBELET_LOG', '/var/log/../etc/shadow'],
    ['eks-node.sh', 'PARAMEDIC_IPAMD_LOG', '/etc/shadow'],
    ['eks-node.sh', 'PARAMEDIC_POLICY_AGENT_LOG', '/var/log/aws-routed-eni/../../../etc/shadow'],
    ['eks-node.sh', 'PARAMEDIC_CONTAINERD_LOG', '/root/.ssh/id_rsa'],
  ])(
    '%s refuses %s=%s however it is run: it reads only log files under /var/log',
    (script, env, file) => {
      const r = spawnSync('bash', [join(REPO_ROOT, 'runbooks/collectors', script)], {
        env: { PATH: process.env.PATH, [env]: file },
        encoding: 'utf8',
      });
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`invalid parameter ${env}=${file}: must match`);
    },
  );

  it("the collector's own log path check is the document's", () => {
    const lib = readFileSync(join(REPO_ROOT, 'runbooks/collectors/lib.sh'), 'utf8');
    expect(lib).toContain(`PM_LOG_PATH_PATTERN='${LOG_FILE_PATTERN}'`);
  });

  it('rejects unknown documents and reports non-local targets as InvalidTarget', async () => {
    await expect(
      runner.run({
        document: 'Paramedic-Nope',
        parameters: {},
        targets: ['local'],
        timeoutSeconds: 5,
      }),
    ).rejects.toBeInstanceOf(UnknownDocumentError);
    const [r] = await runner.run({
      document: 'Paramedic-CollectDockerHost',
      parameters: {},
      targets: ['i-0123456789abcdef0'],
      timeoutSeconds: 5,
    });
    expect(r!.status).toBe('InvalidTarget');
  });

  it('maps a timeout to TimedOut and a failed collection to CollectError', async () => {
    const [r] = await new LocalCommandRunner({ env: { PARAMEDIC_IO_SAMPLE_SECONDS: '5' } }).run({
      document: 'Paramedic-CollectEksNode',
      parameters: {},
      targets: ['local'],
      timeoutSeconds: 1,
    });
    expect(r!.status).toBe('TimedOut');
    expect(r!.exitCode).toBeNull();
    const failing = {
      run: async () => [
        {
          target: 'local',
          status: 'Failed' as const,
          exitCode: 2,
          stdout: '',
          stderr: 'invalid parameter',
        },
      ],
    };
    await expect(collectEvidence({ platform: 'docker', runner: failing })).rejects.toBeInstanceOf(
      CollectError,
    );
  });
});
