/**
 * Manual runs: the console (or `aws stepfunctions start-execution`) starts the same workflow with
 * `{ "runbookId", "target", "mode": "dry-run" | "execute" }`. Validated here with errors that say
 * which field is wrong and what would be right.
 */
import type { Platform } from '../evidence/bundle.js';
import { CLUSTER_NAME_PATTERN, INSTANCE_ID_PATTERN, NODE_NAME_PATTERN, ASG_NAME_PATTERN, type TargetSpec } from './alarm-event.js';

/** A validated manual request. */
export interface ManualInput {
  readonly runbookId: string;
  readonly target: string;
  readonly mode: 'dry-run' | 'execute';
  readonly invokedBy: string;
  readonly platform?: Platform;
}

/** The manual input is unusable; the message names the field and the accepted forms. */
export class ManualInputError extends Error {
  constructor(readonly field: string, message: string) {
    super(`manual run input, field "${field}": ${message}`);
    this.name = 'ManualInputError';
  }
}

const RUNBOOK_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const INVOKER = /^[A-Za-z0-9@._:+=\/-]{1,128}$/;
const TARGET_FORMS = '"i-0123456789abcdef0" (an EC2 instance), "eks:<cluster>/<node>", "asg:<group name>" or "local"';

/** True when the input has the manual shape (has runbookId or target, and no alarm detail). */
export function isManualInput(input: unknown): boolean {
  return typeof input === 'object' && input !== null && !Array.isArray(input) && ('runbookId' in input || 'target' in input || 'mode' in input);
}

/**
 * Validates a manual start input.
 * @example parseManualInput({ runbookId: 'disk-full', target: 'i-0abc1234def567890', mode: 'dry-run' })
 * @throws ManualInputError naming the first wrong field.
 */
export function parseManualInput(input: unknown, knownRunbooks?: readonly string[]): ManualInput {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ManualInputError('(input)', 'expected a JSON object like {"runbookId":"disk-full","target":"i-0123456789abcdef0","mode":"dry-run"}');
  }
  const o = input as Record<string, unknown>;
  const allowed = new Set(['runbookId', 'target', 'mode', 'invokedBy', 'platform']);
  const unknown = Object.keys(o).filter((k) => !allowed.has(k));
  if (unknown.length > 0) throw new ManualInputError(unknown[0]!, `unknown field; allowed fields are ${[...allowed].join(', ')}`);
  if (typeof o.runbookId !== 'string' || !RUNBOOK_ID.test(o.runbookId)) {
    throw new ManualInputError('runbookId', 'required: a runbook id in kebab-case, e.g. "disk-full" (see `npx paramedic runbooks list`)');
  }
  if (knownRunbooks && !knownRunbooks.includes(o.runbookId)) {
    throw new ManualInputError('runbookId', `no runbook "${o.runbookId}"; known: ${knownRunbooks.slice(0, 30).join(', ')}`);
  }
  if (typeof o.target !== 'string' || o.target.length === 0) throw new ManualInputError('target', `required: one of ${TARGET_FORMS}`);
  parseTargetString(o.target);
  const mode = o.mode ?? 'dry-run';
  if (mode !== 'dry-run' && mode !== 'execute') throw new ManualInputError('mode', `must be "dry-run" (the default, changes nothing) or "execute"; got ${JSON.stringify(mode).slice(0, 40)}`);
  if (o.invokedBy !== undefined && (typeof o.invokedBy !== 'string' || !INVOKER.test(o.invokedBy))) {
    throw new ManualInputError('invokedBy', 'optional: who started the run, 1-128 characters of letters, digits and @._:+=/-');
  }
  if (o.platform !== undefined && o.platform !== 'docker' && o.platform !== 'eks') throw new ManualInputError('platform', 'optional: "docker" or "eks"');
  return {
    runbookId: o.runbookId,
    target: o.target,
    mode,
    invokedBy: (o.invokedBy as string | undefined) ?? 'console',
    ...(o.platform ? { platform: o.platform as Platform } : {}),
  };
}

/** The local machine as a target (the local command runner). */
export const LOCAL_TARGET = 'local';

/**
 * Parses a manual target string into a target spec (`local` becomes an instance-like spec).
 * @throws ManualInputError for anything outside the accepted forms.
 */
export function parseTargetString(target: string, platform: Platform = 'docker'): TargetSpec | { readonly kind: 'local'; readonly platform: Platform } {
  if (target === LOCAL_TARGET) return { kind: 'local', platform };
  if (INSTANCE_ID_PATTERN.test(target)) return { kind: 'instance', instanceId: target, platform };
  if (target.startsWith('eks:')) {
    const [cluster, node, ...rest] = target.slice(4).split('/');
    if (rest.length === 0 && cluster && node && CLUSTER_NAME_PATTERN.test(cluster) && NODE_NAME_PATTERN.test(node)) return { kind: 'eks-node', cluster, node };
    throw new ManualInputError('target', `${JSON.stringify(target.slice(0, 80))} is not eks:<cluster>/<node> with a valid cluster and node name`);
  }
  if (target.startsWith('asg:')) {
    const name = target.slice(4);
    if (ASG_NAME_PATTERN.test(name)) return { kind: 'auto-scaling-group', name, platform };
    throw new ManualInputError('target', `${JSON.stringify(target.slice(0, 80))} is not a valid Auto Scaling group name`);
  }
  throw new ManualInputError('target', `${JSON.stringify(target.slice(0, 80))} is not one of ${TARGET_FORMS}`);
}
