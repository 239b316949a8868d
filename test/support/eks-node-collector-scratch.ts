import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
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
