/**
 * Stands in for `mnemonist/lru-cache` in the Lambda bundles (an esbuild alias set in
 * cdk/constructs/lambda-bundling.ts). Every DynamoDB client builds an `EndpointCache`
 * (`@aws-sdk/endpoint-cache`, one LRU cache of 1000) in its constructor, for endpoint discovery,
 * which Paramedic never enables. The client-dynamodb release pinned today (3.1164) adds the
 * discovery middleware to no command, so the bundles only construct the cache; but a release or
 * a client that does add it reads the cache on every request (has, peek, get) and writes it once
 * discovery is on (AWS_ENDPOINT_DISCOVERY_ENABLED, `endpoint_discovery_enabled`), so this is a
 * working LRU cache, not a stub. mnemonist's typed-array cache and the obliterator iterators it
 * requires weighed ~6.9 KiB in every function's cold start; a `Map` keeps insertion order, which is
 * all an LRU cache needs. It is never used outside the Lambda bundles: the CLI and the tests
 * resolve the real package.
 */

/** The capacity is not a positive integer: the SDK's `endpointCacheSize` (default 1000) is wrong. */
export class EndpointCacheCapacityError extends Error {
  constructor(capacity: unknown) {
    super(
      `endpoint cache capacity must be a positive integer, got ${String(capacity)}: set the ` +
        "client's endpointCacheSize to one, or leave it unset for the SDK's default of 1000",
    );
    this.name = 'EndpointCacheCapacityError';
  }
}

/**
 * A least-recently-used cache with the behaviour of mnemonist's `LRUCache` for the calls
 * EndpointCache makes: `get` and `set` make a key the most recent, `peek` and `has` do not, and a
 * `set` of a new key over capacity evicts the least recent one. The `Map`'s order is the recency
 * order, oldest first. Keys are strings (EndpointCache's are JSON); mnemonist keys an object by
 * them, a `Map` compares them by value, which for strings is the same.
 */
export default class EndpointLruCache<V> {
  /** The most entries held at once. */
  readonly capacity: number;
  readonly #entries = new Map<string, V>();

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity <= 0)
      throw new EndpointCacheCapacityError(capacity);
    this.capacity = capacity;
  }

  /** How many entries it holds. */
  get size(): number {
    return this.#entries.size;
  }

  /** Whether `key` is held; does not change its recency. */
  has(key: string): boolean {
    return this.#entries.has(key);
  }

  /** The value of `key`, which becomes the most recent; undefined if it is not held. */
  get(key: string): V | undefined {
    if (!this.#entries.has(key)) return undefined;
    const value = this.#entries.get(key) as V;
    this.#entries.delete(key);
    this.#entries.set(key, value);
    return value;
  }

  /** The value of `key` without changing its recency; undefined if it is not held. */
  peek(key: string): V | undefined {
    return this.#entries.get(key);
  }

  /** Holds `value` under `key` as the most recent, evicting the least recent key when full. */
  set(key: string, value: V): void {
    if (this.#entries.has(key)) this.#entries.delete(key);
    else if (this.#entries.size >= this.capacity) {
      // The first key of a Map is the one set or read longest ago.
      this.#entries.delete(this.#entries.keys().next().value as string);
    }
    this.#entries.set(key, value);
  }

  /** Drops every entry. */
  clear(): void {
    this.#entries.clear();
  }
}
