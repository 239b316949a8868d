import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectEvidence } from '../../../lambdas/adapters/local/collect-evidence.js';
import { LocalCommandRunner } from '../../../lambdas/adapters/local/local-command-runner.js';
import { holdMachineLock, MACHINE_LOCK_WAIT_MS } from '../../support/machine-lock.js';
import { findOnPath } from '../../support/requirements.js';

// On Bottlerocket, SSM runs the EKS-node document in the control container: no kubelet, no
// containerd, none of the node's files. The container is known by the Bottlerocket API's socket
// (PM_BOTTLEROCKET_API_SOCKET stands for /run/api.sock) and its client, apiclient, with no kubelet
// process in sight and no host root mounted at /.bottlerocket/rootfs (PM_BOTTLEROCKET_ROOTFS): the
// admin container and the host (after sheltie) have the socket and apiclient too. The collector
// reads the process table, so this file holds the machine's kubelet-process lock.
const scratch = mkdtempSync(join(tmpdir(), 'pm-bottlerocket-'));
const socket = join(scratch, 'api.sock');
const bin = join(scratch, 'bin');
let api: Server;
let releaseKubeletName: () => Promise<void> = async () => {};

beforeAll(async () => {
  releaseKubeletName = await holdMachineLock('kubelet-process');
  mkdirSync(bin);
  writeFileSync(join(bin, 'apiclient'), '#!/bin/sh\nexit 0\n');
  chmodSync(join(bin, 'apiclient'), 0o755);
  api = createServer();
  await new Promise<void>((resolve) => api.listen(socket, resolve));
}, MACHINE_LOCK_WAIT_MS);
afterAll(async () => {
  await new Promise<void>((resolve) => api.close(() => resolve()));
  rmSync(scratch, { recursive: true, force: true });
  await releaseKubeletName();
});

const collect = (path: string, rootfs = join(scratch, 'absent')) =>
  collectEvidence({
    platform: 'eks',
    runner: new LocalCommandRunner({
      env: {
        PATH: path,
        PM_BOTTLEROCKET_API_SOCKET: socket,
        PM_BOTTLEROCKET_ROOTFS: rootfs,
        PARAMEDIC_IO_SAMPLE_SECONDS: '1',
      },
    }),
    parameters: { sinceMinutes: '15' },
  });

/** Runs `act` while a process named kubelet runs (sleep under that name), and stops it after. */
async function withKubeletProcess<T>(act: () => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(scratch, 'kubelet-'));
  symlinkSync(findOnPath('sleep')!, join(dir, 'kubelet'));
  const kubelet = spawn(join(dir, 'kubelet'), ['120'], { stdio: 'ignore' });
  await once(kubelet, 'spawn');
  try {
    return await act();
  } finally {
    const exited = once(kubelet, 'exit');
    kubelet.kill('SIGKILL');
    await exited;
  }
}

describe('EKS-node collector on Bottlerocket', () => {
  it('collects nothing in the control container and says where the node can be read, instead of a node whose kubelet seems gone', async () => {
    await expect(collect(`${bin}:${process.env.PATH}`)).rejects.toThrow(
      /ended Failed \(exit 3\): paramedic collector: this node runs Bottlerocket and SSM ran the collector in its control container.*admin container/,
    );
  }, 60_000);

  it('the API socket alone (no apiclient) is no Bottlerocket control container', async () => {
    const { bundle } = await collect(process.env.PATH!);
    expect(Object.keys(bundle.sections)).toContain('kubelet.config');
  }, 60_000);

  it('on the host (after sheltie), where the kubelet process is in sight, the node is collected', async () => {
    const { bundle } = await withKubeletProcess(() => collect(`${bin}:${process.env.PATH}`));
    expect(Object.keys(bundle.sections)).toContain('kubelet.config');
  }, 60_000);

  it("in the admin container, which mounts the host's root at /.bottlerocket/rootfs, the node is collected", async () => {
    const rootfs = mkdtempSync(join(scratch, 'rootfs-'));
    const { bundle } = await collect(`${bin}:${process.env.PATH}`, rootfs);
    expect(Object.keys(bundle.sections)).toContain('kubelet.config');
  }, 60_000);
});
