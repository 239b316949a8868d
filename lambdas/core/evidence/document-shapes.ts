/**
 * The few shapes an evidence document is checked against (bundle.ts), written out instead of
 * zod's: zod/mini's core weighed ~18 KiB in every function that reads evidence (Collect, Classify,
 * Verify), built its schemas at every cold start, and bundled without a locale said only
 * "Invalid input". These read JSON values as zod 4 does, key for key (the first problem in
 * document order, the same words as zod's English messages, unknown keys left out of the result,
 * in the shape's order); test/unit/evidence/document-shapes.test.ts holds them against zod.
 */

/** The first thing wrong with a document: zod's English message, and where. */
export class ShapeError extends Error {
  constructor(
    message: string,
    readonly path: readonly string[],
  ) {
    super(message);
    this.name = 'ShapeError';
  }
}

/** A shape: reads `input` (at `path`) into its value, or throws {@link ShapeError}. */
export interface Shape<T> {
  readonly read: (input: unknown, path: readonly string[]) => T;
  /** May be absent from its object. */
  readonly optional?: true;
}

/** The type a shape reads. */
export type ShapeOf<S> = S extends Shape<infer T> ? T : never;

/** zod's name of what it found: `number`, `null`, `array`, `NaN`, `Infinity`, … */
function received(input: unknown): string {
  if (typeof input === 'number')
    return Number.isNaN(input) ? 'NaN' : Number.isFinite(input) ? 'number' : String(input);
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'array';
  if (typeof input === 'object') {
    const made = input as { constructor?: { name?: string } };
    if (
      Object.getPrototypeOf(input) !== Object.prototype &&
      'constructor' in made &&
      made.constructor
    )
      return String(made.constructor.name);
  }
  return typeof input;
}

function wrongType(expected: string, input: unknown, path: readonly string[]): never {
  throw new ShapeError(`Invalid input: expected ${expected}, received ${received(input)}`, path);
}

const isObject = (input: unknown): input is Record<string, unknown> =>
  typeof input === 'object' && input !== null && !Array.isArray(input);

/** zod's test for a record: an object not made by a class (every JSON object is one). */
function isPlainObject(input: unknown): input is Record<string, unknown> {
  if (!isObject(input)) return false;
  const made = input.constructor;
  if (typeof made !== 'function') return true;
  const prototype: unknown = made.prototype;
  return isObject(prototype) && Object.prototype.hasOwnProperty.call(prototype, 'isPrototypeOf');
}

/** A string; with `pattern`, one it matches, else `message`. */
export function string(pattern?: RegExp, message?: string): Shape<string> {
  return {
    read: (input, path) => {
      if (typeof input !== 'string') wrongType('string', input, path);
      if (pattern && !pattern.test(input))
        throw new ShapeError(message ?? `Invalid string: must match pattern ${pattern}`, path);
      return input;
    },
  };
}

/** A finite number; with `min`, at least that. */
export function number(min?: number): Shape<number> {
  return {
    read: (input, path) => {
      if (typeof input !== 'number' || !Number.isFinite(input)) wrongType('number', input, path);
      if (min !== undefined && input < min)
        throw new ShapeError(`Too small: expected number to be >=${min}`, path);
      return input;
    },
  };
}

/** true or false. */
export function boolean(): Shape<boolean> {
  return {
    read: (input, path) => (typeof input === 'boolean' ? input : wrongType('boolean', input, path)),
  };
}

/** One of `values` (a single value reads as zod's literal). */
export function oneOf<const V extends string>(values: readonly V[]): Shape<V> {
  const quoted = values.map((v) => `"${v}"`);
  return {
    read: (input, path) => {
      if ((values as readonly unknown[]).includes(input)) return input as V;
      throw new ShapeError(
        values.length === 1
          ? `Invalid input: expected ${quoted[0]}`
          : `Invalid option: expected one of ${quoted.join('|')}`,
        path,
      );
    },
  };
}

/** `shape`'s value or null. */
export function nullable<T>(shape: Shape<T>): Shape<T | null> {
  return { read: (input, path) => (input === null ? null : shape.read(input, path)) };
}

/** `shape`'s value, or absent (undefined). */
export function optional<T>(shape: Shape<T>): Shape<T | undefined> {
  return {
    read: (input, path) => (input === undefined ? undefined : shape.read(input, path)),
    optional: true,
  };
}

type Fields = Readonly<Record<string, Shape<unknown>>>;
type OptionalKeys<F extends Fields> = {
  [K in keyof F]: F[K] extends { optional: true } ? K : never;
}[keyof F];

/** What an object shape reads: its fields, the optional ones possibly absent. */
export type ObjectOf<F extends Fields> = {
  readonly [K in Exclude<keyof F, OptionalKeys<F>>]: ShapeOf<F[K]>;
} & { readonly [K in OptionalKeys<F>]?: ShapeOf<F[K]> };

/** An object with `fields` (each read in order); other keys are left out of its value. */
export function object<const F extends Fields>(fields: F): Shape<ObjectOf<F>> {
  const keys = Object.keys(fields);
  return {
    read: (input, path) => {
      if (!isObject(input)) wrongType('object', input, path);
      const out: Record<string, unknown> = {};
      for (const key of keys) {
        const present = key in input;
        const field = fields[key]!;
        // An absent optional field stays absent; a present one is kept, even as undefined.
        if (!present && field.optional) continue;
        out[key] = field.read(input[key], [...path, key]);
      }
      return out as ObjectOf<F>;
    },
  };
}

/** An object of any keys `key` accepts (else "Invalid key in record"), each value read by `value`. */
export function record<T>(key: Shape<string>, value: Shape<T>): Shape<Record<string, T>> {
  return {
    read: (input, path) => {
      if (!isPlainObject(input)) wrongType('record', input, path);
      const out: Record<string, T> = {};
      for (const name of Reflect.ownKeys(input)) {
        // As zod: __proto__ (JSON.parse makes it an own key) is neither read nor kept.
        if (name === '__proto__' || !Object.prototype.propertyIsEnumerable.call(input, name))
          continue;
        const at = [...path, String(name)];
        if (typeof name !== 'string') throw new ShapeError('Invalid key in record', at);
        try {
          key.read(name, at);
        } catch (error) {
          if (error instanceof ShapeError) throw new ShapeError('Invalid key in record', at);
          throw error;
        }
        out[name] = value.read(input[name], at);
      }
      return out;
    },
  };
}
