import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectEvidence } from '../../../lambdas/adapters/local/collect-evidence.js';
import { LocalCommandRunner } from '../../../lambdas/adapters/local/local-command-runner.js';

// On Bottlerocket, SSM runs the EKS-node document in the control container: no kubelet, no
// containerd, none of the node's files. The container is known by the Bottlerocket API's socket
// (PM_BOTTLEROCKET_API_SOCKET stands for /run/api.sock) and its client, apiclient.
const scratch = mkdtempSync(join(tmpdir(), 'pm-bottlerocket-'));
const socket = join(scratch, 'api.sock');
const bin = join(scratch, 'bin');
let api: Server;

beforeAll(async () => {
  mkdirSync(bin);
  writeFileSync(join(bin, 'apiclient'), '#!/bin/sh\nexit 0\n');
  chmodSync(join(bin, 'apiclient'), 0o755);
  api = createServer();
  await new Promise<void>((resolve) => api.listen(socket, resolve));
});
afterAll(async () => {
  await new Promise<void>((resolve) => api.close(() => resolve()));
  rmSync(scratch, { recursive: true, force: true });
});

const collect = (path: string) =>
  collectEvidence({
    platform: 'eks',
    runner: new LocalCommandRunner({
      env: { PATH: path, PM_BOTTLEROCKET_API_SOCKET: socket, PARAMEDIC_IO_SAMPLE_SECONDS: '1' },
    }),
    parameters: { sinceMinutes: '15' },
  });

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
});
