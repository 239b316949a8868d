/**
 * Promise.withResolvers for Node 20: aws-local-stepfunctions 3 calls it and Node 20 lacks it
 * (Node 22 has it). Imported for its side effect by local-pipeline.ts, so the CLI works outside vitest.
 */
type Resolvers<T> = { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void };
const promiseCtor = Promise as unknown as { withResolvers?: <T>() => Resolvers<T> };
if (!promiseCtor.withResolvers) {
  promiseCtor.withResolvers = function withResolvers<T>(): Resolvers<T> {
    let resolve!: (v: T) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<T>((a, b) => {
      resolve = a;
      reject = b;
    });
    return { promise, resolve, reject };
  };
}

/** True once the polyfill (or a native implementation) is in place. */
export const promiseWithResolversReady = typeof promiseCtor.withResolvers === 'function';
