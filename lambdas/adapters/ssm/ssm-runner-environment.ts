/**
 * The SSM runner's per-deployment settings, carried in environment variables that CDK sets
 * (cdk/constructs/port-bindings.ts) and the Lambda reads back: the deployment's document prefix,
 * the SendCommand rate controls and the managed tag its roles may command. One module owns the names so the two sides cannot drift apart.
 */
import { DOCUMENT_PREFIX } from '../../core/collection/document-names.js';
import type { ManagedInstanceTag } from './send-command-rejection.js';
import type { SsmCommandRunnerOptions, SsmRateLimit } from './ssm-command-runner.js';

/** Environment variable names of the runner settings. */
export const SSM_RUNNER_ENV = {
  /** `Paramedic-` or `Paramedic-<deployment>-`. */
  documentPrefix: 'PARAMEDIC_DOCUMENT_PREFIX',
  /** JSON `{ "collect": { "maxConcurrency", "maxErrors" }, "remediate": { … } }`. */
  rateControl: 'PARAMEDIC_SSM_RATE_CONTROL',
  /** `1` when the stack delivers SSM's command status-change events (the CommandCompleted rule): wait for them instead of polling. */
  completionByEvent: 'PARAMEDIC_SSM_COMPLETION_BY_EVENT',
  /** JSON `{ "key", "value" }`: the tag SendCommand's grant requires, named when an instance is denied. */
  managedInstanceTag: 'PARAMEDIC_MANAGED_INSTANCE_TAG',
} as const;

/** A runner setting in the environment is unusable. */
export class SsmRunnerEnvironmentError extends Error {
  constructor(variable: string, problem: string) {
    super(
      `environment variable ${variable} ${problem}; redeploy the pipeline stack (cdk deploy) so the function gets a valid value`,
    );
    this.name = 'SsmRunnerEnvironmentError';
  }
}

const COUNT_OR_PERCENT = /^(\d{1,9}|\d{1,2}%|100%)$/;

/** The managed tag the functions' SendCommand grant requires, when the stack set one. */
export function managedInstanceTagFrom(env: NodeJS.ProcessEnv): ManagedInstanceTag | undefined {
  return managedInstanceTagOf(env[SSM_RUNNER_ENV.managedInstanceTag]);
}

function managedInstanceTagOf(text: string | undefined): ManagedInstanceTag | undefined {
  if (!text) return undefined;
  let v: Record<string, unknown> | null;
  try {
    v = JSON.parse(text) as Record<string, unknown> | null;
  } catch {
    v = null;
  }
  if (
    typeof v !== 'object' ||
    v === null ||
    typeof v.key !== 'string' ||
    typeof v.value !== 'string'
  )
    throw new SsmRunnerEnvironmentError(
      SSM_RUNNER_ENV.managedInstanceTag,
      'is not JSON {"key": "...", "value": "..."}',
    );
  return { key: v.key, value: v.value };
}

function rateLimitOf(value: unknown, where: string): SsmRateLimit | undefined {
  if (value === undefined) return undefined;
  const v = value as Record<string, unknown>;
  if (
    typeof v !== 'object' ||
    v === null ||
    typeof v.maxConcurrency !== 'string' ||
    typeof v.maxErrors !== 'string' ||
    !COUNT_OR_PERCENT.test(v.maxConcurrency) ||
    !COUNT_OR_PERCENT.test(v.maxErrors)
  ) {
    throw new SsmRunnerEnvironmentError(
      SSM_RUNNER_ENV.rateControl,
      `has an invalid ${where} entry (want maxConcurrency and maxErrors as a count or a percentage)`,
    );
  }
  return { maxConcurrency: v.maxConcurrency, maxErrors: v.maxErrors };
}

/**
 * The runner options the environment sets (absent variables leave the runner's defaults).
 * @example new SsmCommandRunner(ssm, { ...ssmRunnerSettingsFrom(process.env), outputBucket, s3 })
 */
export function ssmRunnerSettingsFrom(
  env: NodeJS.ProcessEnv,
): Pick<SsmCommandRunnerOptions, 'documentPrefix' | 'rateControl' | 'managedInstanceTag'> {
  const prefix = env[SSM_RUNNER_ENV.documentPrefix];
  if (prefix !== undefined && !/^Paramedic-([a-z][a-z0-9]{0,15}-)?$/.test(prefix)) {
    throw new SsmRunnerEnvironmentError(
      SSM_RUNNER_ENV.documentPrefix,
      `is ${JSON.stringify(prefix)}, not ${DOCUMENT_PREFIX} or ${DOCUMENT_PREFIX}<deployment>-`,
    );
  }
  const text = env[SSM_RUNNER_ENV.rateControl];
  let rateControl: SsmCommandRunnerOptions['rateControl'];
  if (text) {
    let raw: Record<string, unknown>;
    try {
      raw = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new SsmRunnerEnvironmentError(SSM_RUNNER_ENV.rateControl, 'is not JSON');
    }
    const collect = rateLimitOf(raw.collect, 'collect');
    const remediate = rateLimitOf(raw.remediate, 'remediate');
    rateControl = { ...(collect ? { collect } : {}), ...(remediate ? { remediate } : {}) };
  }
  const managedInstanceTag = managedInstanceTagFrom(env);
  return {
    ...(prefix ? { documentPrefix: prefix } : {}),
    ...(rateControl ? { rateControl } : {}),
    ...(managedInstanceTag ? { managedInstanceTag } : {}),
  };
}
