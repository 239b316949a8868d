import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { runIntake } from '../../../lambdas/core/workflow/steps/intake.js';
import { LocalStateStore } from '../../../lambdas/adapters/local/local-state-store.js';
import { resolveWorkflowConfig } from '../../../lambdas/core/workflow/config.js';
import { alarmDedupeKey } from '../../../lambdas/core/workflow/dedupe.js';
import { normalizeAlarmEvent } from '../../../lambdas/core/workflow/alarm-event.js';
import { REPO_ROOT } from '../../../lambdas/adapters/local/runbook-directory.js';
import { awsErrorWording } from '../../../lambdas/adapters/aws-sdk/aws-error-message.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const alarm = JSON.parse(
  readFileSync(
    join(
      REPO_ROOT,
      'test',
      'integration',
      'workflow',
      'fixtures',
      'alarm-state-change-instance.json',
    ),
    'utf8',
  ),
);

describe('Intake that fails after claiming the alarm', () => {
  it('releases the claim, so the redelivered alarm is handled instead of being taken for a duplicate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paramedic-intake-'));
    dirs.push(dir);
    const clock = { now: () => new Date() };
    const state = new LocalStateStore(dir, clock);
    const failingAudit = {
      append: async () => {
        throw Object.assign(new Error('Throughput exceeds the current capacity'), {
          name: 'ProvisionedThroughputExceededException',
        });
      },
    } as never;
    const ports = {
      audit: failingAudit,
      state,
      rulebook: { runbooks: [] } as never,
      config: resolveWorkflowConfig(),
      errorWording: awsErrorWording,
    };

    await expect(
      runIntake({ executionId: 'exec-1', state: alarm } as never, ports, clock),
    ).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException' });

    expect(await state.get(alarmDedupeKey(normalizeAlarmEvent(alarm)))).toBeUndefined();
  });
});
