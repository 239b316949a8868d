/**
 * A port whose adapter (and SDK or Kubernetes client) is loaded with `import()` the first time a
 * method is called. The Lambda bundles are split (cdk/constructs/lambda-bundling.ts), so what a
 * port loads this way sits in its own chunk: a cold start does not load it, and only the
 * invocations that use the port (an EKS target, a private DNS name, a spoke target, a command in
 * a step that runs one on some paths only) pay for it, once per container.
 *
 * What `load` imports is a module of our own that imports the client's classes by name, not
 * `import('@aws-sdk/client-…')`: a namespace import keeps every command of the client.
 */

/** Methods of `T` that return promises (optional ones too): the only kind a lazy port can stand in for. */
type AsyncMethods<T> = {
  [K in keyof T]: NonNullable<T[K]> extends (...args: never[]) => Promise<unknown> ? T[K] : never;
};

/**
 * Stands in for a port every method of which is async: the first call runs `load` (once, even
 * when calls overlap; a failed load is retried by the next call) and every call is forwarded.
 * @example cluster: lazyPort<ClusterPort>(() => import('./eks-cluster.js').then((m) => m.clusterPort(env)))
 */
export function lazyPort<T extends AsyncMethods<T>>(load: () => Promise<T>): T {
  let loading: Promise<T> | undefined;
  const port = (): Promise<T> => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
  // `then` stays undefined so that awaiting the port itself does not call a method.
  return new Proxy({} as T, {
    get: (_target, key) =>
      key === 'then'
        ? undefined
        : async (...args: unknown[]) => {
            const loaded = await port();
            const method = loaded[key as keyof T] as unknown;
            if (typeof method !== 'function')
              throw new TypeError(`the lazily loaded port has no method ${String(key)}`);
            return (method as (...a: unknown[]) => Promise<unknown>).apply(loaded, args);
          },
  });
}
