import type { Clock } from '../../core/ports.js';
import { withTimeout } from './request-timeout.js';
import type { KubeAccess } from './kube-access.js';
import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { EKSClient } from '@aws-sdk/client-eks';

/** How an action ended. `blocked`: a guard refused before anything changed. */
export type ExecutionStatus = 'changed' | 'unchanged' | 'failed' | 'blocked';

/** What an executor did (or, in a dry run, would do). */
export interface ExecutionResult {
  readonly status: ExecutionStatus;
  /** One line per change made (dry run: per change it would make). */
  readonly changes: readonly string[];
  /** Changes made and then undone because a later step failed. */
  readonly undone: readonly string[];
  /** A paragraph a person reads: what was found, done, refused, and what to do next. */
  readonly report: string;
  readonly dryRun: boolean;
}

/** Everything an executor needs besides its parameters. */
export interface ExecutionContext {
  readonly dryRun: boolean;
  readonly clock: Clock;
  /** Waits between retries; tests pass one that advances a fake clock. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly kube: KubeAccess;
  /** For node-replace. */
  readonly autoScaling?: Pick<AutoScalingClient, 'send'>;
  /** For nodegroup-scale-up. */
  readonly eks?: Pick<EKSClient, 'send'>;
  /** EKS cluster name (nodegroup-scale-up). */
  readonly clusterName?: string;
  /** The incident target (fills parameters a runbook leaves to the target). */
  readonly target?: { readonly node?: string; readonly namespace?: string; readonly pod?: string };
  /** Most milliseconds one Kubernetes API request may take; default {@link ACTION_REQUEST_TIMEOUT_MS}. */
  readonly requestTimeoutMs?: number;
}

/**
 * Time one Kubernetes API request of an action may take. client-node sets no timeout: without one a
 * connection that never answers holds the Remediate function until Lambda kills it, and a node the
 * drain cordoned is never uncordoned.
 */
export const ACTION_REQUEST_TIMEOUT_MS = 30_000;

/**
 * Least time left before a deadline in which a request is still sent: a request given less would
 * reach the API server and have its answer dropped, an eviction done and reported as failed.
 */
export const MIN_REQUEST_MS = 2_000;

/** A request never sent: the action's deadline came first. Nothing was changed by it. */
export class RequestNotSentError extends Error {
  constructor(what: string) {
    super(`${what}: not sent, the action's deadline had passed`);
    this.name = 'RequestNotSentError';
  }
}

/**
 * One API request of an action under the context's request timeout, and never past `deadline`
 * (epoch ms on the context's clock) when one is given. A request that runs out is aborted (pass
 * the signal to the client with `abortOn`) and rejects with a ReadTimeoutError
 * (`<what> timed out after <ms> ms`), which the action reports like any failure: a write the
 * server received before the abort may still have been applied, so the action says so.
 * Within {@link MIN_REQUEST_MS} of the deadline the request is not sent at all
 * (RequestNotSentError): a write whose answer would be dropped leaves its outcome unknown.
 * @example await apiRequest(ctx, `read node ${name}`, (signal) => c.core.readNode({ name }, abortOn(signal)), deadline)
 */
export function apiRequest<T>(
  ctx: ExecutionContext,
  what: string,
  work: (signal: AbortSignal) => Promise<T>,
  deadline?: number,
): Promise<T> {
  const perRequest = ctx.requestTimeoutMs ?? ACTION_REQUEST_TIMEOUT_MS;
  const left =
    deadline === undefined ? Number.POSITIVE_INFINITY : deadline - ctx.clock.now().getTime();
  if (left < Math.min(MIN_REQUEST_MS, perRequest))
    return Promise.reject(new RequestNotSentError(what));
  return withTimeout(what, Math.min(perRequest, left), work);
}

/** Parameters as the planner passes them (already validated against the catalogue's patterns). */
export type ActionParams = Readonly<Record<string, string | number | undefined>>;

/** One catalogue action, executable. */
export interface ActionExecutor {
  readonly actionId: string;
  execute(params: ActionParams, ctx: ExecutionContext): Promise<ExecutionResult>;
}

/** A parameter is missing or malformed; the planner should have caught it. */
export class ActionParameterError extends Error {
  constructor(actionId: string, param: string, detail: string) {
    super(`action ${actionId}: parameter ${param} ${detail}`);
    this.name = 'ActionParameterError';
  }
}

/** Reads a string parameter, falling back to the incident target. */
export function stringParam(
  actionId: string,
  params: ActionParams,
  name: string,
  fallback?: string,
): string {
  const v = params[name] ?? fallback;
  if (typeof v !== 'string' || v === '')
    throw new ActionParameterError(
      actionId,
      name,
      'is required (a name, e.g. from the incident target)',
    );
  return v;
}

/** Builds a result. */
export function result(
  status: ExecutionStatus,
  report: string,
  dryRun: boolean,
  changes: readonly string[] = [],
  undone: readonly string[] = [],
): ExecutionResult {
  return { status, changes, undone, report, dryRun };
}

/** The default sleep. */
export const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
