/**
 * Real faults on a real Docker engine: each case breaks our own dockerd (in a network and mount
 * namespace of the test's own) the way a runbook describes, runs the Docker-host collector through
 * the LocalCommandRunner, classifies the bundle and asserts the top runbook.
 *
 * The cases run in one file, in order, because the kernel log is global: the OOM case comes last
 * so no other case sees its kernel lines (the collector reads the kernel log of the last minute).
 * Faults this kernel cannot produce (SELinux, devicemapper loopback) are covered by recorded
 * output in test/fixtures/recorded and test/unit/collectors/recorded-cases.test.ts.
 */
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyEvidence } from '../../../lambdas/core/classify/engine.js';
import type { CompiledRulebook } from '../../../lambdas/core/classify/compile.js';
import type { EvidenceBundle } from '../../../lambdas/core/evidence/bundle.js';
import { loadRulebook } from '../../../lambdas/adapters/local/runbook-directory.js';
import { DockerLab, labUnavailableReason, run, type Daemon } from './docker-lab.js';

const unavailable = labUnavailableReason();
// In CI everything is installed, so a missing piece is a failure; locally it may skip.
const skip = unavailable !== null && !process.env.CI;
if (unavailable && process.env.CI) throw new Error(`docker fault tests cannot run in CI: ${unavailable}`);

let rulebook: CompiledRulebook;
function top(bundle: EvidenceBundle): { top: string | null; summary: string } {
  const result = classifyEvidence(rulebook, bundle);
  const summary = result.matches.map((m) => `${m.runbookId} ${m.confidence.toFixed(2)} [${m.evidence.map((e) => `${e.section}:${e.line} ${e.text.slice(0, 100)}`).join(' | ')}]`).join('\n') || 'unclassified';
  return { top: result.matches[0]?.runbookId ?? null, summary };
}
function expectTop(bundle: EvidenceBundle, runbookId: string | null): void {
  const { top: got, summary } = top(bundle);
  expect(got, `matches:\n${summary}`).toBe(runbookId);
}

describe.skipIf(skip)(`Docker engine real faults${skip ? ` (skipped: ${unavailable})` : ''}`, () => {
  const lab = new DockerLab('faults');
  let daemon: Daemon;
  let volume: string;
  const daemonArgs = ['--insecure-registry', '10.77.0.2:5000', '--insecure-registry', '10.77.0.1:5001', '--log-level', 'info'];

  beforeAll(async () => {
    rulebook = loadRulebook();
    await lab.setUp();
    // Mounted before dockerd starts: the host's mounts are private, so only mounts that exist
    // when the daemon's mount namespace is created are visible to it.
    volume = lab.smallFilesystem('small-volume', 24);
    daemon = await lab.startDaemon('main', daemonArgs);
    lab.importBusybox(daemon);
  });

  afterAll(async () => {
    await lab.tearDown();
  });

  it('a healthy daemon with running containers classifies as nothing', async () => {
    for (const n of [1, 2, 3]) expect(lab.docker(daemon, ['run', '-d', '--name', `pm-idle-${n}`, 'pm/busybox:1', 'sleep', '600']).code).toBe(0);
    const bundle = await lab.collect(daemon);
    expect(bundle.sections['docker.ps']?.output).toContain('pm-idle-2');
    expect(bundle.sections['net.sockets']?.output).toMatch(/# netns container=pm-idle-1 pid=\d+/);
    expectTop(bundle, null);
    lab.removeContainers(daemon);
  });

  it('container-exec-not-found: the image has no bash', async () => {
    lab.startWindow(daemon);
    const r = lab.docker(daemon, ['run', '--name', 'pm-exec', 'pm/busybox:1', 'bash', '-c', 'echo hi']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('executable file not found in $PATH');
    const bundle = await lab.collect(daemon);
    expect(bundle.sections['docker.inspect']?.output).toContain('executable file not found');
    expectTop(bundle, 'container-exec-not-found');
    lab.removeContainers(daemon);
  });

  it('port-not-listening: published 8080, the server listens on 8081', async () => {
    lab.startWindow(daemon);
    expect(lab.docker(daemon, ['run', '-d', '--name', 'pm-web', '-p', '8080:8080', 'pm/busybox:1', 'httpd', '-f', '-p', '8081']).code).toBe(0);
    await new Promise((r) => setTimeout(r, 500));
    const bundle = await lab.collect(daemon, { container: 'pm-web' });
    const sockets = bundle.sections['net.sockets']!.output;
    // Host side: docker-proxy holds 8080; inside the container's namespace only 8081 listens.
    expect(sockets).toMatch(/:8080\b/);
    expect(sockets.slice(sockets.indexOf('# netns container=pm-web'))).toMatch(/:8081\b/);
    expect(bundle.sections['net.probe']?.output).toMatch(/port 8080 \(tcp\) failed: Connection refused/);
    expectTop(bundle, 'port-not-listening');
    lab.removeContainers(daemon);
  });

  it('disk-full: a container fills a small loop-mounted volume', async () => {
    lab.startWindow(daemon);
    // Guard: the volume the container sees must be the 24 MiB filesystem, never the host's disk.
    const seen = lab.docker(daemon, ['run', '--rm', '-v', `${volume}:/data`, 'pm/busybox:1', 'sh', '-c', 'busybox df -k /data | busybox tail -n 1']);
    const sizeKb = Number(seen.stdout.trim().split(/\s+/)[1]);
    expect(sizeKb, seen.stdout + seen.stderr).toBeLessThan(30_000);
    // Bounded even so: 64 MiB at most.
    const r = lab.docker(daemon, ['run', '--name', 'pm-filler', '-v', `${volume}:/data`, 'pm/busybox:1', 'dd', 'if=/dev/zero', 'of=/data/fill', 'bs=1M', 'count=64']);
    expect(r.code).not.toBe(0);
    const bundle = await lab.collect(daemon);
    expect(bundle.sections['docker.logs']?.output).toContain('No space left on device');
    expect(bundle.sections['disk.df']?.output).toMatch(new RegExp(`100% ${volume}`));
    expectTop(bundle, 'disk-full');
    lab.removeContainers(daemon);
  });

  it('io-heavy-container: a container writes as fast as it can', async () => {
    lab.startWindow(daemon);
    expect(lab.docker(daemon, ['run', '-d', '--name', 'pm-writer', 'pm/busybox:1', 'sh', '-c',
      'while :; do dd if=/dev/zero of=/tmp/fill bs=1M count=200 2>/dev/null; done']).code).toBe(0);
    await new Promise((r) => setTimeout(r, 1000));
    const bundle = await lab.collect(daemon);
    const io = bundle.sections['io.block']!.output;
    expect(io).toContain('PID COMM CONTAINER READ_B/S WRITE_B/S');
    // The top writer row names our container.
    const rows = io.split('\n');
    const first = rows[rows.indexOf('PID COMM CONTAINER READ_B/S WRITE_B/S') + 1] ?? '';
    // dd runs in a loop; a finished dd's counts land on its parent shell, in the same container.
    expect(first).toMatch(/^\d+ (dd|sh) pm-writer \d+ \d+$/);
    expectTop(bundle, 'io-heavy-container');
    lab.removeContainers(daemon);
  });

  it('docker-bridge-no-ipv4: docker0 loses its address', async () => {
    lab.startWindow(daemon);
    expect(run(['ip', 'netns', 'exec', lab.ns, 'ip', '-4', 'addr', 'flush', 'dev', 'docker0']).code).toBe(0);
    try {
      const bundle = await lab.collect(daemon);
      expect(bundle.sections['net.addr']?.output).toMatch(/docker0:/);
      expectTop(bundle, 'docker-bridge-no-ipv4');
    } finally {
      run(['ip', 'netns', 'exec', lab.ns, 'ip', 'addr', 'add', '172.17.0.1/16', 'dev', 'docker0']);
    }
  });

  describe('registries inside the lab namespace', () => {
    beforeAll(async () => {
      const plain = join(lab.dir, 'registry-plain.yml');
      writeFileSync(plain, `version: 0.1\nlog: {level: info}\nstorage: {filesystem: {rootdirectory: ${join(lab.dir, 'reg-plain')}}}\nhttp: {addr: ":5000"}\n`);
      const htpasswd = join(lab.dir, 'htpasswd');
      writeFileSync(htpasswd, run(['htpasswd', '-Bbn', 'pm', 'right-password']).stdout);
      const auth = join(lab.dir, 'registry-auth.yml');
      writeFileSync(auth, `version: 0.1\nlog: {level: info}\nstorage: {filesystem: {rootdirectory: ${join(lab.dir, 'reg-auth')}}}\nauth: {htpasswd: {realm: pm, path: ${htpasswd}}}\nhttp: {addr: "10.77.0.1:5001"}\n`);
      lab.background('registry-plain', [...lab.wrapper, 'docker-registry', 'serve', plain]);
      lab.background('registry-auth', [...lab.wrapper, 'docker-registry', 'serve', auth]);
      const up = (port: number) => run([...lab.wrapper, 'bash', '-c', `exec 3<>/dev/tcp/10.77.0.1/${port}`], undefined, 5000).code === 0;
      const until = Date.now() + 15_000;
      while (!(up(5000) && up(5001)) && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
      expect(up(5000) && up(5001)).toBe(true);
    });

    it('registry-insecure-http: a plain-HTTP registry the daemon expects to speak HTTPS', async () => {
      lab.startWindow(daemon);
      const r = lab.docker(daemon, ['pull', '10.77.0.1:5000/app:1.2']);
      expect(r.stderr).toContain('server gave HTTP response to HTTPS client');
      const bundle = await lab.collect(daemon);
      expectTop(bundle, 'registry-insecure-http');
    });

    it('registry-auth-required: wrong credentials for a registry with htpasswd auth', async () => {
      lab.startWindow(daemon);
      const config = join(lab.dir, 'docker-config');
      run(['mkdir', '-p', config]);
      writeFileSync(join(config, 'config.json'), JSON.stringify({ auths: { '10.77.0.1:5001': { auth: Buffer.from('pm:wrong-password').toString('base64') } } }));
      const r = lab.docker(daemon, ['pull', '10.77.0.1:5001/app:1.2']);
      expect(r.stderr).toContain('unauthorized: authentication required');
      const bundle = await lab.collect(daemon);
      expectTop(bundle, 'registry-auth-required');
    });

    it('image-not-found: the tag does not exist in the registry', async () => {
      lab.startWindow(daemon);
      const r = lab.docker(daemon, ['pull', '10.77.0.2:5000/app:1.2']);
      expect(r.stderr).toContain('manifest unknown');
      const bundle = await lab.collect(daemon);
      expectTop(bundle, 'image-not-found');
    });

    it('registry-dns-failure: a .invalid registry name, answered NXDOMAIN by the lab resolver', async () => {
      lab.startWindow(daemon);
      const started = Date.now();
      const r = lab.docker(daemon, ['pull', 'registry.pm.invalid/app:1.2']);
      expect(r.stderr).toMatch(/lookup registry\.pm\.invalid on 10\.77\.0\.1:53: no such host/);
      expect(Date.now() - started).toBeLessThan(10_000);
      const bundle = await lab.collect(daemon, { probeHost: 'registry.pm.invalid' });
      expect(bundle.sections['net.dns']?.output).toContain('nameserver 10.77.0.1');
      expectTop(bundle, 'registry-dns-failure');
    });
  });

  describe('daemons that do not start', () => {
    it('docker-group-missing: the docker group is gone from /etc/group', async () => {
      // Our own copy of /etc/group without the docker line, bound over /etc/group only inside
      // the lab's mount namespace (the host's file is untouched).
      const group = join(lab.dir, 'group-without-docker');
      writeFileSync(group, readFileSync('/etc/group', 'utf8').split('\n').filter((l) => !l.startsWith('docker:')).join('\n'));
      const wrapper = lab.wrapperWith([[group, '/etc/group']]);
      const d = await lab.startDaemon('nogroup', ['--bridge', 'none', '--iptables=false'], { wrapper });
      const bundle = await lab.collect(d, {}, {}, wrapper);
      expect(bundle.sections['docker.journal']?.output).toMatch(/could not change group \S+docker\.sock to docker: group docker not found/);
      expect(bundle.sections['security.groups']?.output).toMatch(/\S+ 1 root root .*docker\.sock/);
      await lab.stopDaemon(d);
      expectTop(bundle, 'docker-group-missing');
    });

    it('docker-daemon-down: a broken daemon.json keeps dockerd from starting', async () => {
      const config = join(lab.dir, 'broken', 'daemon.json');
      run(['mkdir', '-p', join(lab.dir, 'broken')]);
      writeFileSync(config, '{\n  "log-level": "info",\n}\n');
      const d = await lab.startDaemon('broken', ['--config-file', config, '--bridge', 'none', '--iptables=false'], { expectFailure: true });
      const bundle = await lab.collect(d);
      expect(bundle.sections['docker.cli']?.output).toContain('Cannot connect to the Docker daemon');
      expect(bundle.sections['docker.journal']?.output).toContain('unable to configure the Docker daemon');
      expect(bundle.sections['docker.daemon-config']?.output).toContain('"log-level": "info",');
      expectTop(bundle, 'docker-daemon-down');
    });

    it('docker-daemon-down: the daemon is killed, its socket is left with nobody listening', async () => {
      lab.removeContainers(daemon);
      lab.startWindow(daemon);
      await lab.killDaemon(daemon, 'SIGKILL');
      expect(run(['test', '-S', daemon.socket]).code).toBe(0);
      const started = Date.now();
      const bundle = await lab.collect(daemon);
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(bundle.sections['docker.cli']?.output).toContain('Cannot connect to the Docker daemon at unix://');
      expect(bundle.sections['docker.ps']?.error).toBe('docker daemon not reachable');
      expectTop(bundle, 'docker-daemon-down');
      daemon = await lab.startDaemon('main', daemonArgs);
    });
  });

  // Last: its kernel lines stay in the global kernel log for the collector's one-minute window.
  it('oom-killed: a container with -m 32m allocates 64 MiB', async () => {
    lab.startWindow(daemon);
    const r = lab.docker(daemon, ['run', '--name', 'pm-oom', '-m', '32m', '--memory-swap', '32m', 'pm/busybox:1', 'dd', 'if=/dev/zero', 'of=/dev/null', 'bs=64M', 'count=1']);
    expect(r.code).toBe(137);
    const bundle = await lab.collect(daemon, { container: 'pm-oom' });
    expect(bundle.sections['docker.inspect']?.output).toMatch(/"OOMKilled": true/);
    expect(bundle.sections['kernel.log']?.output).toMatch(/Memory cgroup out of memory: Killed process \d+ \(dd\)/);
    expectTop(bundle, 'oom-killed');
    lab.removeContainers(daemon);
  });
});
