/**
 * The LRU cache stand-in of the Lambda bundles (endpoint-lru-cache.ts) against the cache it
 * replaces: on the same sequences of operations it answers as mnemonist's LRUCache does, and the
 * SDK's EndpointCache, bundled as CDK bundles it (the alias), answers as the one built over
 * mnemonist does. Both compare against the real package, the copy @aws-sdk/endpoint-cache resolves.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EndpointCache } from '@aws-sdk/endpoint-cache';
import EndpointLruCache, {
  EndpointCacheCapacityError,
} from '../../../lambdas/handlers/bundling/endpoint-lru-cache.js';
import {
  ENDPOINT_LRU_CACHE_MODULE,
  LRU_CACHE_MODULE,
  lambdaBuildOptions,
  lambdaEsbuildOptions,
} from '../../../cdk/constructs/lambda-bundling.js';
import { REPO_ROOT } from '../../../lambdas/adapters/local/runbook-directory.js';

/** The calls EndpointCache makes on its cache (and `size`, to compare what is held). */
interface LruCache {
  readonly size: number;
  has(key: string): boolean;
  get(key: string): unknown;
  peek(key: string): unknown;
  set(key: string, value: unknown): unknown;
  clear(): void;
}

/** mnemonist's LRUCache, as @aws-sdk/endpoint-cache resolves it (CommonJS: `module.exports = LRUCache`). */
const MnemonistLruCache = createRequire(
  createRequire(import.meta.url).resolve('@aws-sdk/endpoint-cache'),
)(LRU_CACHE_MODULE) as new (
  capacity: number,
) => LruCache;

/** One seed, so a failure replays exactly; as many runs as a unit test affords. */
const PROPERTY = { seed: 14, numRuns: 300 } as const;

// A few keys, so sequences hit, miss, refresh and evict. JSON like EndpointCache's (getCacheKey),
// which never names a property of Object.prototype (mnemonist keys a plain object by them).
const KEYS = ['a', 'b', 'c', 'd', 'e', 'f'].map((k) => `{"accessKeyId":"${k}"}`);
const key = fc.constantFrom(...KEYS);

type Operation =
  | { readonly op: 'has' | 'get' | 'peek'; readonly key: string }
  | { readonly op: 'set'; readonly key: string; readonly value: number }
  | { readonly op: 'clear' };

// Clear rarely, so a sequence fills the cache and evicts after reading; long sequences, for the same.
const operation: fc.Arbitrary<Operation> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constantFrom('has', 'get', 'peek'), key }), weight: 6 },
  { arbitrary: fc.record({ op: fc.constant('set'), key, value: fc.nat(9) }), weight: 6 },
  { arbitrary: fc.record({ op: fc.constant('clear') }), weight: 1 },
);
const SEQUENCE = { minLength: 20, maxLength: 80 } as const;

/** What one operation answers, with the size after it. */
function apply(cache: LruCache, operation: Operation): [unknown, number] {
  const answer =
    operation.op === 'clear'
      ? cache.clear()
      : operation.op === 'set'
        ? cache.set(operation.key, operation.value)
        : cache[operation.op](operation.key);
  return [answer ?? null, cache.size];
}

describe('the LRU cache stand-in of the Lambda bundles', () => {
  it('answers every sequence of has, get, peek, set and clear as mnemonist LRUCache does', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.array(operation, SEQUENCE),
        (capacity, operations) => {
          const standIn = new EndpointLruCache<unknown>(capacity);
          const mnemonist = new MnemonistLruCache(capacity);
          for (const op of operations)
            expect(apply(standIn, op), JSON.stringify(op)).toEqual(apply(mnemonist, op));
          // What each holds at the end (peek changes no recency).
          const held = (cache: LruCache) => KEYS.map((k) => [cache.has(k), cache.peek(k)]);
          expect(held(standIn)).toEqual(held(mnemonist));
        },
      ),
      PROPERTY,
    );
  });

  it('evicts the least recently used key: get refreshes a key, peek and has do not', () => {
    const cache = new EndpointLruCache<number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.get('a');
    cache.set('c', 3);
    expect([cache.has('a'), cache.has('b'), cache.has('c')]).toEqual([true, false, true]);

    cache.peek('a');
    cache.has('a');
    cache.set('d', 4);
    expect([cache.has('a'), cache.has('c'), cache.has('d')]).toEqual([false, true, true]);

    cache.set('c', 30);
    cache.set('e', 5);
    expect([cache.peek('c'), cache.has('d'), cache.peek('e')]).toEqual([30, false, 5]);
  });

  it.each([0, -1, 1.5, Number.NaN])(
    'refuses a capacity of %s, saying which setting to fix',
    (capacity) => {
      expect(() => new EndpointLruCache(capacity)).toThrow(EndpointCacheCapacityError);
      expect(() => new EndpointLruCache(capacity)).toThrow(/set the client's endpointCacheSize/);
    },
  );

  it('is the alias of the module EndpointCache imports, in the one Lambda build', () => {
    const { alias } = lambdaBuildOptions(REPO_ROOT, 'lambdas/handlers/acquire-lock.ts', '/unused');
    expect(alias![LRU_CACHE_MODULE]).toBe(`${REPO_ROOT}/${ENDPOINT_LRU_CACHE_MODULE}`);
  });
});

/** EndpointCache's methods (the module's types are those of the unbundled package). */
type EndpointCacheClass = typeof EndpointCache;

type EndpointOperation =
  | { readonly op: 'set'; readonly key: string; readonly endpoints: readonly Endpoint[] }
  | { readonly op: 'get' | 'getEndpoint' | 'has' | 'delete'; readonly key: string }
  | { readonly op: 'clear' };
interface Endpoint {
  readonly Address: string;
  readonly CachePeriodInMinutes: number;
}

// A period of 0 has expired when it is read (EndpointCache keeps an endpoint while now < Expires).
const endpoint = fc.record({
  Address: fc.constantFrom('x.example', 'y.example'),
  CachePeriodInMinutes: fc.constantFrom(0, 1, 10),
});
const endpointOperation: fc.Arbitrary<EndpointOperation> = fc.oneof(
  {
    arbitrary: fc.record({
      op: fc.constant('set'),
      key,
      endpoints: fc.array(endpoint, { maxLength: 2 }),
    }),
    weight: 6,
  },
  {
    arbitrary: fc.record({ op: fc.constantFrom('get', 'getEndpoint', 'has', 'delete'), key }),
    weight: 6,
  },
  { arbitrary: fc.record({ op: fc.constant('clear') }), weight: 1 },
);

/** What one operation answers: addresses, not expiry times (each cache reads its own clock). */
function applyEndpoint(cache: EndpointCache, operation: EndpointOperation): unknown {
  switch (operation.op) {
    case 'set':
      return cache.set(operation.key, [...operation.endpoints]);
    case 'get':
      return cache.get(operation.key)?.map((e) => e.Address) ?? null;
    case 'getEndpoint': {
      // A random one of the live endpoints: compare whether there is one, and that it is live.
      const answer = cache.getEndpoint(operation.key);
      const live = cache.get(operation.key)?.map((e) => e.Address) ?? [];
      return answer === undefined ? null : live.includes(answer);
    }
    case 'has':
    case 'delete':
      return cache[operation.op](operation.key) ?? null;
    case 'clear':
      return cache.clear() ?? null;
  }
}

describe('the SDK EndpointCache bundled with the stand-in', () => {
  const out = mkdtempSync(join(tmpdir(), 'paramedic-endpoint-cache-'));
  let BundledEndpointCache: EndpointCacheClass;
  let metafile: Metafile;

  beforeAll(async () => {
    const outfile = join(out, 'endpoint-cache.mjs');
    ({ metafile } = await build({
      ...lambdaEsbuildOptions(REPO_ROOT),
      stdin: {
        contents: "export { EndpointCache } from '@aws-sdk/endpoint-cache';",
        resolveDir: REPO_ROOT,
        loader: 'ts',
      },
      outfile,
      metafile: true,
      logLevel: 'error',
    }));
    ({ EndpointCache: BundledEndpointCache } = (await import(
      /* @vite-ignore */ pathToFileURL(outfile).href
    )) as { EndpointCache: EndpointCacheClass });
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('carries the stand-in, not mnemonist or obliterator', () => {
    const inputs = Object.values(metafile.outputs).flatMap((o) => Object.keys(o.inputs));
    expect(inputs.filter((i) => /node_modules\/(mnemonist|obliterator)\//.test(i))).toEqual([]);
    expect(inputs).toContain(ENDPOINT_LRU_CACHE_MODULE);
  });

  it('answers every sequence of set, get, getEndpoint, has, delete and clear as the one over mnemonist does', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.array(endpointOperation, SEQUENCE),
        (capacity, operations) => {
          const bundled = new BundledEndpointCache(capacity);
          const real = new EndpointCache(capacity);
          for (const op of operations)
            expect(applyEndpoint(bundled, op), JSON.stringify(op)).toEqual(applyEndpoint(real, op));
        },
      ),
      PROPERTY,
    );
  });
});
