import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { collectEvidence } from '../../lambdas/adapters/local/collect-evidence.js';
import { LocalCommandRunner } from '../../lambdas/adapters/local/local-command-runner.js';
import { holdMachineLock, MACHINE_LOCK_WAIT_MS } from './machine-lock.js';

/**
 * A scratch folder for a file of tests that run the EKS-node collector on this machine, removed
 * after the file; the file holds the `kubelet-process` machine lock meanwhile, because the collector
 * reads the process table (`pgrep -x kubelet`) and must not run beside a suite that starts one.
 * @example const scratch = eksNodeCollectorScratch('pm-eks-ipamd-');
 */
export function eksNodeCollectorScratch(prefix: string): string {
  const scratch = mkdtempSync(join(tmpdir(), prefix));
  let release: () => Promise<void> = async () => {};
  beforeAll(async () => {
    release = await holdMachineLock('kubelet-process');
  }, MACHINE_LOCK_WAIT_MS);
  afterAll(async () => {
    rmSync(scratch, { recursive: true, force: true });
    await release();
  });
  return scratch;
}

/** A case folder of `scratch`, with a `bin` folder put first on the collector's PATH. */
export function eksNodeCase(scratch: string): { dir: string; bin: string } {
  const dir = mkdtempSync(join(scratch, 'case-'));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  // The machine's own kernel log is not the test's: a dmesg that prints nothing stands for it.
  writeFileSync(join(bin, 'dmesg'), '#!/bin/sh\nexit 0\n');
  chmodSync(join(bin, 'dmesg'), 0o755);
  return { dir, bin };
}

/**
 * The EKS-node document as SSM would run it (library inlined) in a case folder of
 * {@link eksNodeCase}: its `bin` first on PATH, no systemd, a 1 s io sample; `env` adds the test
 * seams (PM_*), `parameters` the document's.
 */
export async function collectOnQuietNode(
  { dir, bin }: { dir: string; bin: string },
  env: Readonly<Record<string, string>> = {},
  parameters: Readonly<Record<string, string>> = { sinceMinutes: '15' },
) {
  const { bundle } = await collectEvidence({
    platform: 'eks',
    runner: new LocalCommandRunner({
      env: {
        PARAMEDIC_IO_SAMPLE_SECONDS: '1',
        PATH: `${bin}:${process.env.PATH}`,
        PM_SYSTEMD_RUN_DIR: join(dir, 'absent'),
        ...env,
      },
    }),
    parameters,
  });
  return bundle;
}
