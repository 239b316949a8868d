import type { Platform } from '../evidence/bundle.js';
import type { Runbook } from '../runbook/model.js';

/**
 * How much a runbook written for the other platform keeps of its confidence. Small on purpose: a
 * prior only breaks near-ties (a docker host should not get an eks-only diagnosis over a docker
 * one on equal evidence); strong evidence for the other platform's runbook still wins.
 */
export const OTHER_PLATFORM_FACTOR = 0.9;

/**
 * The prior of a runbook given the bundle's platform: 1 for `any` and for the same platform.
 * @example platformPrior({ platform: 'eks' }, 'docker') // 0.9
 */
export function platformPrior(runbook: Pick<Runbook, 'platform'>, platform: Platform): number {
  return runbook.platform === 'any' || runbook.platform === platform ? 1 : OTHER_PLATFORM_FACTOR;
}
