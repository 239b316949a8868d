import {
  HttpMethod,
  PatchStrategy,
  RequestContext,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { ReadTimeoutError } from '../../../lambdas/adapters/kubernetes/api-errors.js';
import { abortOn, withTimeout } from '../../../lambdas/adapters/kubernetes/request-timeout.js';

/** Work that never ends on its own, and reports the signal it was given. */
const hanging = (seen: AbortSignal[]) => (signal: AbortSignal) => {
  seen.push(signal);
  return new Promise<never>(() => {});
};

describe('withTimeout', () => {
  it('aborts the work at the timeout and rejects naming what and the limit', async () => {
    const seen: AbortSignal[] = [];
    await expect(withTimeout('read node n1', 5, hanging(seen))).rejects.toThrow(
      new ReadTimeoutError('read node n1', 5),
    );
    expect(seen[0]!.aborted).toBe(true);
    expect(seen[0]!.reason).toBeInstanceOf(ReadTimeoutError);
  });

  it("leaves the work's signal alone when the work ends in time", async () => {
    let signal: AbortSignal | undefined;
    const value = await withTimeout('read node n1', 60_000, async (s) => {
      signal = s;
      return 'n1';
    });
    expect(value).toBe('n1');
    expect(signal!.aborted).toBe(false);
  });

  it("aborts the work with the enclosing timeout's reason (a whole list's time ran out)", async () => {
    const seen: AbortSignal[] = [];
    const error = withTimeout('list pods (every page)', 5, (whole) =>
      withTimeout('list pods', 60_000, hanging(seen), whole),
    );
    await expect(error).rejects.toThrow('list pods (every page) timed out after 5 ms');
    expect(seen[0]!.reason).toEqual(new ReadTimeoutError('list pods (every page)', 5));
  });

  it('sends nothing once the enclosing signal is aborted', async () => {
    const seen: AbortSignal[] = [];
    const enclosing = AbortSignal.abort(new ReadTimeoutError('list pods', 5));
    await expect(withTimeout('list pods', 60_000, hanging(seen), enclosing)).rejects.toThrow(
      'list pods timed out after 5 ms',
    );
    expect(seen).toHaveLength(0);
  });
});

describe('abortOn', () => {
  it("puts the signal on the request and keeps the call's other middleware, appended to the client's", async () => {
    const signal = new AbortController().signal;
    const options = abortOn(signal, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    // client-node replaces the client's middleware with a call's unless told to append.
    expect(options.middlewareMergeStrategy).toBe('append');
    const request = new RequestContext('https://127.0.0.1/api/v1/nodes/n1', HttpMethod.PATCH);
    for (const m of options.middleware ?? []) await m.pre(request).toPromise();
    expect(request.getSignal()).toBe(signal);
    expect(request.getHeaders()['Content-Type']).toBe(PatchStrategy.MergePatch);
    // Server and credentials are not set per call, so the client's own are used.
    expect(options.baseServer).toBeUndefined();
    expect(options.authMethods).toBeUndefined();
  });
});
