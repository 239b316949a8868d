import { ApiException } from '@kubernetes/client-node';
import type { ApiFailure } from '../../core/kubernetes/render/cluster-status.js';

/** Parses a metav1.Status body (string or object) the API server returns with an error. */
export function statusOf(
  body: unknown,
): { reason?: string; message?: string; code?: number } | undefined {
  let b: unknown = body;
  if (typeof body === 'string') {
    try {
      b = JSON.parse(body);
    } catch {
      return body.trim() ? { message: body.trim() } : undefined;
    }
  }
  if (b && typeof b === 'object') {
    const s = b as Record<string, unknown>;
    if (s.kind === 'Status')
      return {
        reason: typeof s.reason === 'string' ? s.reason : '',
        message: typeof s.message === 'string' ? s.message : undefined,
        code: typeof s.code === 'number' ? s.code : undefined,
      };
    return {
      reason: typeof s.reason === 'string' ? s.reason : undefined,
      message: typeof s.message === 'string' ? s.message : undefined,
      code: typeof s.code === 'number' ? s.code : undefined,
    };
  }
  return undefined;
}

/**
 * A 429's Retry-After, seconds (API Priority and Fairness and PodDisruptionBudget refusals send
 * one); undefined for anything else, or a 429 without a usable header.
 */
export function retryAfterSeconds(error: unknown): number | undefined {
  if (!(error instanceof ApiException) || error.code !== 429) return undefined;
  const headers = (error as ApiException<unknown>).headers as Record<string, string> | undefined;
  const seconds = Number(headers?.['retry-after']);
  return Number.isFinite(seconds) && seconds > 0 ? seconds : undefined;
}

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|EPROTO/;

/** Classifies anything a client-node call threw as an ApiFailure (what kubectl would have printed). */
export function toApiFailure(error: unknown, server: string): ApiFailure {
  const host = (() => {
    try {
      return new URL(server).host;
    } catch {
      return server;
    }
  })();
  if (error instanceof ApiException) {
    const status = statusOf(error.body);
    return {
      kind: 'http',
      server: host,
      status: error.code,
      reason: status?.reason,
      message: status?.message ?? `the server responded with HTTP ${error.code}`,
    };
  }
  const e = error as {
    code?: string;
    errno?: string;
    message?: string;
    cause?: { code?: string; message?: string };
    name?: string;
  };
  // Paramedic's own limit, not the network's: the connection may be fine and the answer slow.
  if (error instanceof ReadTimeoutError)
    return { kind: 'deadline', server: host, message: error.message };
  const code = e?.code ?? e?.errno ?? e?.cause?.code ?? '';
  const message = e?.message ?? String(error);
  if (code === 'ECONNREFUSED' || /ECONNREFUSED/.test(message))
    return { kind: 'connection', server: host, message };
  if (
    code === 'ETIMEDOUT' ||
    code === 'ESOCKETTIMEDOUT' ||
    e?.name === 'TimeoutError' ||
    /timed out|ETIMEDOUT/.test(message)
  )
    return { kind: 'timeout', server: host, message };
  if (TLS_CODES.test(code) || /certificate/i.test(message))
    return { kind: 'tls', server: host, message };
  if (
    code === 'ECONNRESET' ||
    code === 'EHOSTUNREACH' ||
    code === 'ENOTFOUND' ||
    code === 'EAI_AGAIN'
  )
    return { kind: 'tls', server: host, message };
  return { kind: 'other', server: host, message };
}

/** HTTP status of a client-node failure, if the server answered. */
export function httpStatusOf(error: unknown): number | undefined {
  return error instanceof ApiException ? error.code : undefined;
}

/** A request that ran past its time (withTimeout in request-timeout.ts); it was aborted. */
export class ReadTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
  constructor(what: string, ms: number) {
    super(`${what} timed out after ${ms} ms`);
    this.name = 'TimeoutError';
  }
}
