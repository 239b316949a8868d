import {
  Observable,
  type ConfigurationOptions,
  type ObservableMiddleware,
} from '@kubernetes/client-node';
import { ReadTimeoutError } from './api-errors.js';

/**
 * Runs `work` for at most `ms`, then aborts the signal it was given and rejects with a
 * ReadTimeoutError (`<what> timed out after <ms> ms`). Aborting, not just no longer waiting, is
 * the point: an abandoned request keeps its connection, still downloads and parses its answer,
 * counts against the API server's per-client fairness budget in a Lambda sandbox that lives on,
 * and a write can still land long after it was reported as timed out.
 * With `within` (an enclosing timeout's signal, e.g. a whole list's) the work is aborted when that
 * one is too, with that one's reason; `within` already aborted sends nothing.
 * @example await withTimeout(`read node ${name}`, 10_000, (signal) => c.core.readNode({ name }, abortOn(signal)))
 */
export async function withTimeout<T>(
  what: string,
  ms: number,
  work: (signal: AbortSignal) => Promise<T>,
  within?: AbortSignal,
): Promise<T> {
  within?.throwIfAborted();
  const controller = new AbortController();
  const abortWithEnclosing = () => controller.abort(within?.reason);
  within?.addEventListener('abort', abortWithEnclosing, { once: true });
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work(controller.signal),
      new Promise<never>((_, reject) => {
        // Rejected in the abort itself, so the caller gets the reason (the timeout naming `what`),
        // not the AbortError the client throws a few ticks later.
        controller.signal.addEventListener('abort', () => reject(controller.signal.reason), {
          once: true,
        });
        timer = setTimeout(() => controller.abort(new ReadTimeoutError(what, ms)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    within?.removeEventListener('abort', abortWithEnclosing);
  }
}

/**
 * Per-call client-node options that cancel the request when `signal` aborts (fetch is given the
 * signal), added to `options` (e.g. a patch's Content-Type). The client's own configuration
 * stays: its server URL and credentials (authMethods) are taken when a call's options leave them
 * out, and the middleware is appended, since client-node's default merge strategy for a call's
 * middleware is to replace the client's.
 * @example c.core.patchNode({ name, body }, abortOn(signal, setHeaderOptions('Content-Type', PatchStrategy.MergePatch)))
 */
export function abortOn(
  signal: AbortSignal,
  options?: ConfigurationOptions<ObservableMiddleware>,
): ConfigurationOptions<ObservableMiddleware> {
  const setSignal: ObservableMiddleware = {
    pre: (request) => {
      request.setSignal(signal);
      return new Observable(Promise.resolve(request));
    },
    post: (response) => new Observable(Promise.resolve(response)),
  };
  return {
    ...options,
    middleware: [...(options?.middleware ?? []), setSignal],
    middlewareMergeStrategy: 'append',
  };
}
