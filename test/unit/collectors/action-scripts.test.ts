import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalCommandRunner } from '../../../lambdas/adapters/local/local-command-runner.js';
import {
  ACTION_DOCUMENTS,
  DocumentParameterError,
} from '../../../lambdas/core/collection/collector-documents.js';

const dir = mkdtempSync(join(tmpdir(), 'pm-actions-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function runAction(
  document: string,
  parameters: Record<string, string> = {},
  env: Record<string, string> = {},
) {
  const [r] = await new LocalCommandRunner({ env }).run({
    document,
    parameters,
    targets: ['local'],
    timeoutSeconds: 30,
  });
  return r!;
}

describe('host action documents', () => {
  it('disable-selinux-option: backs up, sets the key, keeps the rest, and is idempotent', async () => {
    const config = join(dir, 'daemon.json');
    writeFileSync(config, '{\n  "storage-driver": "overlay2",\n  "selinux-enabled": true\n}\n');
    const first = await runAction(
      'Paramedic-DockerDisableSelinuxOption',
      {},
      { PARAMEDIC_DOCKER_CONFIG_FILE: config },
    );
    expect(first.status, first.stderr).toBe('Success');
    expect(JSON.parse(readFileSync(config, 'utf8'))).toEqual({
      'storage-driver': 'overlay2',
      'selinux-enabled': false,
    });
    expect(readdirSync(dir).filter((f) => f.startsWith('daemon.json.paramedic-'))).toHaveLength(1);
    const second = await runAction(
      'Paramedic-DockerDisableSelinuxOption',
      {},
      { PARAMEDIC_DOCKER_CONFIG_FILE: config },
    );
    expect(second.stdout).toMatch(/^nothing to do: /);
  });

  it('disable-selinux-option: inserts the key into a config that lacks it', async () => {
    const config = join(dir, 'other.json');
    writeFileSync(config, '{\n  "log-driver": "json-file"\n}\n');
    expect(
      (
        await runAction(
          'Paramedic-DockerDisableSelinuxOption',
          {},
          { PARAMEDIC_DOCKER_CONFIG_FILE: config },
        )
      ).status,
    ).toBe('Success');
    expect(JSON.parse(readFileSync(config, 'utf8'))).toEqual({
      'selinux-enabled': false,
      'log-driver': 'json-file',
    });
  });

  it('create-group refuses to shadow a directory group when groups come from sssd/LDAP', () => {
    // A private mount namespace where /etc/group has no docker group, as when the directory is unreachable.
    const group = join(dir, 'group');
    writeFileSync(
      group,
      readFileSync('/etc/group', 'utf8')
        .split('\n')
        .filter((l) => !l.startsWith('docker:'))
        .join('\n'),
    );
    const nsswitch = join(dir, 'nsswitch.conf');
    writeFileSync(nsswitch, 'passwd: files sss\ngroup:  files sss\n');
    const script = join(process.cwd(), 'runbooks', 'actions', 'docker-create-group.sh');
    const r = spawnSync(
      'unshare',
      ['-m', 'sh', '-c', 'mount --bind "$0" /etc/group && exec bash "$1"', group, script],
      {
        encoding: 'utf8',
        env: { ...process.env, PARAMEDIC_NSSWITCH_FILE: nsswitch, PARAMEDIC_DRY_RUN: '1' },
      },
    );
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toContain('not creating a local docker group that would shadow it');
  });

  it('a dry run says what it would do and changes nothing', async () => {
    const config = join(dir, 'dry.json');
    writeFileSync(config, '{"selinux-enabled": true}\n');
    const r = await runAction(
      'Paramedic-DockerDisableSelinuxOption',
      { dryRun: '1' },
      { PARAMEDIC_DOCKER_CONFIG_FILE: config },
    );
    expect(r.stdout).toMatch(/^dry run: would /);
    expect(readFileSync(config, 'utf8')).toBe('{"selinux-enabled": true}\n');
    const loops = await runAction('Paramedic-LoopDevicesCreate', { count: '256', dryRun: '1' });
    expect(loops.status).toBe('Success');
    expect(loops.stdout).toMatch(/dry run: would run: mknod -m 0660 \/dev\/loop255 b 7 255/);
  });

  it('refuses out-of-range and malformed parameters in the runner and in the script', async () => {
    await expect(runAction('Paramedic-LoopDevicesCreate', { count: '7' })).rejects.toBeInstanceOf(
      DocumentParameterError,
    );
    await expect(
      runAction('Paramedic-DockerStopContainer', { container: 'web;reboot' }),
    ).rejects.toBeInstanceOf(DocumentParameterError);
    // The dry-run switch is a document parameter: the runner (and SSM's allowedPattern) refuse anything but 0 or 1.
    await expect(
      runAction('Paramedic-LoopDevicesCreate', { dryRun: 'yes' }),
    ).rejects.toBeInstanceOf(DocumentParameterError);
  });

  it('every action document runs its dry run to a clear end (done, nothing to do, or why not)', async () => {
    for (const doc of ACTION_DOCUMENTS) {
      const parameters: Record<string, string> = {
        dryRun: '1',
        ...('container' in doc.parameters ? { container: 'pm-no-such-container' } : {}),
      };
      const r = await runAction(doc.documentName, parameters, {
        DOCKER_HOST: 'unix:///nonexistent/pm.sock',
        PARAMEDIC_DOCKER_CONFIG_FILE: join(dir, 'absent.json'),
      });
      expect(['Success', 'Failed'], doc.documentName).toContain(r.status);
      expect(`${r.stdout}${r.stderr}`.trim(), doc.documentName).toMatch(
        /^(dry run: |nothing to do: |paramedic action: |[\s\S]*dry run: )/,
      );
    }
  });
});

/** Image ids as docker prints them: `sha256:` and 64 hex digits. */
const imageId = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;

/**
 * A fake docker first on PATH for the image prune: two containers listed, the second removed
 * before the inspect (docker inspect prints the first's image, names the second "No such object"
 * and exits 1), or, with `inspectError`, an inspect that fails outright; two images, one of them
 * used. `image prune` writes a file, so a test sees whether it ran.
 */
function fakeDockerForPrune(inspectError?: string) {
  const bin = mkdtempSync(join(dir, 'prune-bin-'));
  const pruned = join(bin, 'pruned');
  const inspect = inspectError
    ? `echo ${JSON.stringify(inspectError)} >&2; exit 1`
    : `echo ${imageId(1)}; echo 'Error: No such object: bbbb' >&2; exit 1`;
  writeFileSync(
    join(bin, 'docker'),
    `#!/bin/bash
case "$1" in
  version) exit 0 ;;
  ps) printf 'aaaa\\nbbbb\\n' ;;
  inspect) ${inspect} ;;
  images) printf '%s\\n' ${imageId(1)} ${imageId(2)} ;;
  image) touch ${JSON.stringify(pruned)}; echo 'Total reclaimed space: 1MB' ;;
esac
`,
  );
  chmodSync(join(bin, 'docker'), 0o755);
  return { env: { PATH: `${bin}:${process.env.PATH}` }, pruned };
}

describe('docker image prune: a container removed mid-run', () => {
  it('counts the images of the containers still there and prunes', async () => {
    const { env, pruned } = fakeDockerForPrune();
    const r = await runAction('Paramedic-DockerPruneImages', {}, env);
    expect(r.status, r.stdout + r.stderr).toBe('Success');
    expect(r.stdout).toContain('1 image(s) unused by any container');
    expect(r.stdout).toContain('running: docker image prune -a -f --filter until=24h');
    expect(existsSync(pruned)).toBe(true);
  });

  it('in a dry run says what it would prune and prunes nothing', async () => {
    const { env, pruned } = fakeDockerForPrune();
    const r = await runAction('Paramedic-DockerPruneImages', { dryRun: '1' }, env);
    expect(r.status, r.stdout + r.stderr).toBe('Success');
    expect(r.stdout).toContain('dry run: would run: docker image prune -a -f --filter until=24h');
    expect(existsSync(pruned)).toBe(false);
  });

  it('an inspect that fails for another reason stops it, saying why, before anything is pruned', async () => {
    const { env, pruned } = fakeDockerForPrune('Error response from daemon: i/o timeout');
    const r = await runAction('Paramedic-DockerPruneImages', {}, env);
    expect(r.status).toBe('Failed');
    expect(r.stderr).toContain(
      'paramedic action: docker inspect of the containers failed (exit 1): Error response from daemon: i/o timeout; nothing pruned',
    );
    expect(existsSync(pruned)).toBe(false);
  });
});

/** A container id as docker prints it with --no-trunc: 64 hex digits. */
const containerId = (c: string) => c.repeat(64);
const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();

/**
 * A fake docker first on PATH for the container prune: `ps` lists four stopped containers, `inspect`
 * answers for three (the fourth was removed meanwhile: "No such object", exit 1), `rm` records what
 * it was asked to remove, and `container prune` (whose `until` is the creation time) records that
 * it ran.
 */
function fakeDockerForContainerPrune() {
  const bin = mkdtempSync(join(dir, 'cprune-bin-'));
  const removed = join(bin, 'removed');
  const rows = [
    // Stopped two days ago, created four: old enough.
    `${containerId('a')} ${hoursAgo(48)} ${hoursAgo(100)}`,
    // Created four days ago, stopped a minute ago (in this incident): too recent.
    `${containerId('b')} ${hoursAgo(1 / 60)} ${hoursAgo(100)}`,
    // Never ran (FinishedAt is Go's zero time), created 30 hours ago: old enough.
    `${containerId('c')} 0001-01-01T00:00:00Z ${hoursAgo(30)}`,
  ];
  writeFileSync(
    join(bin, 'docker'),
    `#!/bin/bash
case "$1" in
  version) exit 0 ;;
  ps) printf '%s\\n' ${['a', 'b', 'c', 'd'].map(containerId).join(' ')} ;;
  inspect) printf '%s\\n' ${rows.map((r) => JSON.stringify(r)).join(' ')}; echo 'Error: No such object: ${containerId('d')}' >&2; exit 1 ;;
  rm) shift; printf '%s\\n' "$@" > ${JSON.stringify(removed)}; printf '%s\\n' "$@" ;;
  container) echo prune > ${JSON.stringify(removed)} ;;
esac
`,
  );
  chmodSync(join(bin, 'docker'), 0o755);
  return { env: { PATH: `${bin}:${process.env.PATH}` }, removed };
}

describe('docker container prune: the age is when a container stopped, not when it was created', () => {
  it('removes the containers stopped (or created, never run) more than the threshold ago, and keeps one that stopped in this incident', async () => {
    const { env, removed } = fakeDockerForContainerPrune();
    const r = await runAction('Paramedic-DockerPruneContainers', {}, env);
    expect(r.status, r.stdout + r.stderr).toBe('Success');
    expect(r.stdout).toContain('3 stopped container(s); removing the 2 stopped more than 24h ago');
    expect(readFileSync(removed, 'utf8').trim().split('\n')).toEqual([
      containerId('a'),
      containerId('c'),
    ]);
  });

  it('in a dry run names what it would remove and removes nothing', async () => {
    const { env, removed } = fakeDockerForContainerPrune();
    const r = await runAction('Paramedic-DockerPruneContainers', { dryRun: '1' }, env);
    expect(r.status, r.stdout + r.stderr).toBe('Success');
    expect(r.stdout).toContain(
      `dry run: would run: docker rm ${containerId('a')} ${containerId('c')}`,
    );
    expect(existsSync(removed)).toBe(false);
  });
});
