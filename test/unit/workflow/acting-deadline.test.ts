import { describe, expect, it } from 'vitest';
import { taskFunctionTimeout } from '../../../cdk/workflow/workflow-definition.js';
import { ACTION_CATALOG, ACTION_CHECK_SECONDS } from '../../../lambdas/core/remediation/catalog.js';
import {
  actingDeadline,
  REMEDIATE_STEP_FUNCTION_SECONDS,
} from '../../../lambdas/core/workflow/acting-deadline.js';
import type { PlannedStep } from '../../../lambdas/core/workflow/model.js';

const startedAt = new Date('2026-12-05T06:00:00Z');
const step = (over: Partial<PlannedStep>): PlannedStep => ({
  index: 0,
  action: 'report',
  title: 'Report',
  actionTarget: 'none',
  risk: 'safe',
  mutates: false,
  invocations: [{ target: 'i-0123456789abcdef0', parameters: {} }],
  ...over,
});
const secondsAfterStart = (d: Date) => (d.getTime() - startedAt.getTime()) / 1000;

describe('the deadline of an action RemediateStep starts', () => {
  it("counts RemediateStep's own function timeout, as the workflow definition sets it", () => {
    expect(REMEDIATE_STEP_FUNCTION_SECONDS).toBe(taskFunctionTimeout('RemediateStep').toSeconds());
  });

  it('is the function timeout for an action that runs inside it (report, Kubernetes, AWS)', () => {
    expect(secondsAfterStart(actingDeadline(step({}), startedAt))).toBe(825);
  });

  it("adds a host action's SSM delivery window and its document's timeout (maxSeconds and the checks)", () => {
    const restart = ACTION_CATALOG['docker-restart-service'];
    const documentTimeout = restart.maxSeconds + ACTION_CHECK_SECONDS;
    const deadline = actingDeadline(
      step({
        action: restart.id,
        actionTarget: 'docker-host',
        mutates: true,
        document: `Paramedic-${restart.document}`,
      }),
      startedAt,
    );
    expect(secondsAfterStart(deadline)).toBe(825 + 2 * documentTimeout);
  });
});
