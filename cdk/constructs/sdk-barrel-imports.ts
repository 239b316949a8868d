/**
 * An esbuild plugin that points the AWS SDK's imports from its barrel modules (`@smithy/core`,
 * `@smithy/core/<sub>`, `@aws-sdk/core`, `@aws-sdk/core/<sub>`) at the files that define each
 * imported name.
 *
 * Why: esbuild assigns a file to chunks by *file* reachability. A barrel lists every protocol of
 * the SDK (AwsQuery, XML, RestJson, SigV4A, checksums...), so once the entry imports one name
 * from it, every file it lists is reachable from the entry, and the code that only a lazily loaded
 * client uses lands in the eager shared chunk: 17–37 KiB per function that a cold start loads and
 * never runs. Pointing each import at its defining file leaves the barrel out of the graph.
 *
 * When it is allowed: the same rule as webpack's `sideEffects` optimisation. A module is skipped
 * only when its package.json declares it free of side effects; a file the package declares
 * side-effectful that the skipped barrel re-exports from keeps a bare `import` in its place, so it
 * still runs. Anything it cannot follow (a namespace or default import, an ambiguous `export *`, a
 * specifier esbuild cannot resolve, a cycle) is left as written: the bundle is then bigger, never
 * different in behaviour.
 *
 * A barrel that also defines names itself (`@smithy/core/serde` binds `v4` and
 * `Uint8ArrayBlobAdapter`, `@smithy/core/retry` binds `retryMiddleware`, `@aws-sdk/core/httpAuthSchemes`
 * binds `resolveAwsSdkSigV4Config`) is served as two modules ({@link splitBarrel}): its re-exports,
 * and its own part (its imports and definitions, without the re-exports), which the re-export part
 * re-exports in turn. An import of a name it defines points at the own part, so what the barrel
 * lists besides stays out of the entry's graph; every importer still sees one instance of each
 * definition, since the barrel re-exports the own part rather than copying it.
 *
 * Cost: es-module-lexer reads each file once (linear in its size); the export table of every
 * module it follows, each resolution and each package.json are cached for the build.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { init, parse } from 'es-module-lexer';
import type { Plugin, PluginBuild } from 'esbuild';
import type { SourceTransform } from './sdk-operation-errors.js';

/** The barrel modules whose imports the plugin rewrites. */
export const SDK_BARREL_SPECIFIER = /^@(?:smithy|aws-sdk)\/core(?:\/[\w-]+)?$/;

/** The SDK files whose imports it reads (their ESM builds). */
const SDK_ESM_FILE = /[\\/]node_modules[\\/]@(?:smithy|aws-sdk)[\\/].*[\\/]dist-es[\\/].*\.js$/;

/** Where a name is defined: the module and the name it exports it under. */
interface Binding {
  readonly file: string;
  readonly name: string;
}

/** What a module exports, each name followed through re-exports as far as allowed. */
interface ExportTable {
  /** `null`: exported by two `export *` with different bindings (ESM hides it), or by a star we could not read. */
  readonly names: ReadonlyMap<string, Binding | null>;
  /** Side-effectful files among those the table's bindings skip over: they keep a bare import. */
  readonly keep: readonly string[];
}

/** The names of `import { a, b as c } from ` or `export { a, b as c } from `, or undefined for any other form. */
interface NamedClause {
  readonly kind: 'import' | 'export';
  /** `[name in the source module, name in this module]`. */
  readonly names: readonly (readonly [string, string])[];
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * Reads the clause of one static import or export statement, given the text from the statement's
 * start to its specifier (es-module-lexer has found both, so comments and strings are already
 * behind us). Any form other than plain named bindings is undefined.
 */
export function namedClause(head: string): NamedClause | undefined {
  const match = /^(import|export)\s*\{([^{}]*)\}\s*from\s*$/.exec(head);
  if (!match) return undefined;
  const names: [string, string][] = [];
  for (const part of match[2]!.split(',')) {
    const words = part.trim().split(/\s+/);
    if (words.length === 1 && words[0] === '') continue; // trailing comma
    const [source, as, target] = words;
    if (words.length === 1 && IDENTIFIER.test(source!)) names.push([source!, source!]);
    else if (
      words.length === 3 &&
      as === 'as' &&
      IDENTIFIER.test(source!) &&
      IDENTIFIER.test(target!)
    )
      names.push([source!, target!]);
    else return undefined;
  }
  return { kind: match[1] as 'import' | 'export', names };
}

/** A package.json's `sideEffects`: false (none), its list of files or globs (compiled), or true (every file). */
type SideEffects = boolean | readonly RegExp[];

function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/^\.\//, '')
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*\*\/?|\*|\?/g, (m) => (m === '?' ? '[^/]' : m === '*' ? '[^/]*' : '(?:.*/)?'));
  // An entry without a slash matches a file name in any folder (webpack's rule).
  return new RegExp(glob.includes('/') ? `^${body}$` : `(?:^|/)${body}$`);
}

/** The prefix of a barrel's own part ({@link splitBarrel}) as a specifier; the rest is the barrel's path. */
export const OWN_PART_PREFIX = 'sdk-barrel-own:';

/**
 * How esbuild tells an own part from its barrel: the same file, with this path suffix. A suffix
 * rather than a namespace of its own, because esbuild names a module of another namespace in the
 * source map by its absolute path (`sdk-barrel-own:/home/…`), which would make each bundle, and so
 * its asset hash, depend on where the repository is checked out.
 */
export const OWN_PART_SUFFIX = '?sdk-barrel-own';

/** A barrel that defines names itself, as two modules. */
export interface BarrelParts {
  /** Its `export … from` statements, then a re-export of the own part's names. */
  readonly reexports: string;
  /** Everything else: its imports and definitions, the `export … from` statements left out. */
  readonly own: string;
}

/**
 * Splits a module that both re-exports (`export … from`) and defines or exports names of its own
 * into {@link BarrelParts}, or undefined for any other module (nothing to split, or an export name
 * that is not an identifier). `file` names the own part in the re-export part's last statement.
 * Both parts keep the module's line count, so source maps still point at the right line.
 */
export function splitBarrel(file: string, source: string): BarrelParts | undefined {
  const [imports, exports] = parse(source, file);
  const reexports = imports.filter(
    (statement) =>
      statement.t === 1 &&
      statement.n !== undefined &&
      /^export\b/.test(source.slice(statement.ss, statement.s - 1)),
  );
  if (reexports.length === 0) return undefined;
  const isReexported = (at: number): boolean =>
    reexports.some((statement) => at >= statement.ss && at < statement.se);
  const ownNames = exports.filter((e) => !isReexported(e.s)).map((e) => e.n);
  if (ownNames.length === 0) return undefined;
  if (ownNames.some((name) => !IDENTIFIER.test(name))) return undefined;
  const newlines = (text: string): string => text.replace(/[^\n]/g, '');
  let reexportPart = '';
  let ownPart = '';
  let at = 0;
  for (const statement of reexports) {
    const between = source.slice(at, statement.ss);
    const text = source.slice(statement.ss, statement.se);
    reexportPart += `${newlines(between)}${text};`;
    ownPart += between + newlines(text);
    at = statement.se;
  }
  reexportPart += `${newlines(source.slice(at))}\nexport { ${ownNames.join(', ')} } from ${JSON.stringify(OWN_PART_PREFIX + file)};\n`;
  ownPart += source.slice(at);
  return { reexports: reexportPart, own: ownPart };
}

/**
 * The esbuild plugin; one instance per build (its caches live as long as the build).
 * `transform` rewrites an SDK file before the barrel imports are read (sdk-operation-errors.ts):
 * esbuild gives each file to one `onLoad` only, so SDK rewrites share this one.
 */
export function sdkBarrelImports(transform?: SourceTransform): Plugin {
  return {
    name: 'sdk-barrel-imports',
    setup(build: PluginBuild) {
      const packages = new Map<string, { root: string; sideEffects: SideEffects } | null>();
      const resolved = new Map<string, Promise<string | undefined>>();
      const tables = new Map<string, ExportTable>();
      const sources = new Map<string, string>();
      const splits = new Map<string, BarrelParts | undefined>();

      /** The file a module id names: a path, or a barrel's own part (OWN_PART_PREFIX + its path). */
      const fileOf = (id: string): string =>
        id.startsWith(OWN_PART_PREFIX) ? id.slice(OWN_PART_PREFIX.length) : id;

      /** An SDK file's text after `transform`, read once per build. */
      function transformed(file: string): string {
        let text = sources.get(file);
        if (text === undefined) {
          const raw = readFileSync(file, 'utf8');
          text = transform?.(file, raw) ?? raw;
          sources.set(file, text);
        }
        return text;
      }

      /** The parts of an SDK file that is a side-effect-free barrel defining names itself, or undefined. */
      function partsOf(file: string): BarrelParts | undefined {
        if (!splits.has(file))
          splits.set(
            file,
            SDK_ESM_FILE.test(file) && !hasSideEffects(file)
              ? splitBarrel(file, transformed(file))
              : undefined,
          );
        return splits.get(file);
      }

      /** The text esbuild is given for a module id (before its barrel imports are pointed). */
      function textOf(id: string): string {
        const file = fileOf(id);
        if (!SDK_ESM_FILE.test(file)) return readFileSync(file, 'utf8');
        const parts = partsOf(file);
        if (id !== file) return parts!.own;
        return parts?.reexports ?? transformed(file);
      }

      /** The nearest package.json with a name (nested ones that only set `type` don't count). */
      function packageOf(dir: string): { root: string; sideEffects: SideEffects } | null {
        const cached = packages.get(dir);
        if (cached !== undefined) return cached;
        let found: { root: string; sideEffects: SideEffects } | null = null;
        try {
          const json = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
          if (typeof json.name === 'string') {
            const value = json.sideEffects;
            found = {
              root: dir,
              sideEffects: Array.isArray(value)
                ? value.map(String).map(globToRegExp)
                : value !== false,
            };
          }
        } catch {
          // no package.json here
        }
        if (!found && dirname(dir) !== dir) found = packageOf(dirname(dir));
        packages.set(dir, found);
        return found;
      }

      function hasSideEffects(file: string): boolean {
        const pkg = packageOf(dirname(file));
        if (!pkg) return true;
        const declared = pkg.sideEffects;
        if (typeof declared === 'boolean') return declared;
        const path = relative(pkg.root, file).split('\\').join('/');
        return declared.some((glob) => glob.test(path));
      }

      /** The file esbuild would load for `specifier` imported from `importer`, or undefined. */
      function resolveFrom(importerId: string, specifier: string): Promise<string | undefined> {
        if (specifier.startsWith(OWN_PART_PREFIX)) return Promise.resolve(specifier);
        const importer = fileOf(importerId);
        const key = `${dirname(importer)}\0${specifier}`;
        let hit = resolved.get(key);
        if (!hit) {
          hit = build
            .resolve(specifier, {
              kind: 'import-statement',
              importer,
              resolveDir: dirname(importer),
            })
            .then((r) =>
              r.errors.length === 0 && !r.external && r.namespace === 'file' ? r.path : undefined,
            );
          resolved.set(key, hit);
        }
        return hit;
      }

      /**
       * The export table of `file`. `visiting` guards against re-export cycles (a name caught in
       * one stays bound to the module that exports it, which is always right).
       */
      async function tableOf(id: string, visiting: ReadonlySet<string>): Promise<ExportTable> {
        const cached = tables.get(id);
        if (cached) return cached;
        const file = fileOf(id);
        const own = (names: readonly string[]): ExportTable => ({
          names: new Map(names.map((name) => [name, { file: id, name }])),
          keep: [],
        });
        const source = textOf(id);
        const [imports, exports] = parse(source, file);
        const exportedNames = exports.map((e) => e.n);
        if (visiting.has(id) || hasSideEffects(file)) {
          // Importers must load this module itself: bind every name here.
          const table = own(exportedNames);
          if (!visiting.has(id)) tables.set(id, table);
          return table;
        }
        const inside = new Set(visiting).add(id);
        const names = new Map<string, Binding | null>();
        const keep = new Set<string>();
        const follow = async (
          specifier: string,
          name: string,
        ): Promise<Binding | null | undefined> => {
          const target = await resolveFrom(id, specifier);
          if (!target) return undefined;
          const table = await tableOf(target, inside);
          if (hasSideEffects(fileOf(target))) keep.add(target);
          for (const k of table.keep) keep.add(k);
          return table.names.get(name);
        };
        // Local bindings that came from an import: `import { x } from './y'; export { x };`.
        const importedAs = new Map<string, readonly [string, string]>();
        const stars: string[] = [];
        for (const statement of imports) {
          if (statement.t !== 1 || statement.n === undefined) continue;
          const head = source.slice(statement.ss, statement.s - 1);
          if (/^export\s*\*\s*from\s*$/.test(head)) {
            stars.push(statement.n);
            continue;
          }
          const clause = namedClause(head);
          if (!clause) continue;
          for (const [from, as] of clause.names) {
            if (clause.kind === 'import') importedAs.set(as, [statement.n, from]);
            else names.set(as, (await follow(statement.n, from)) ?? { file: id, name: as });
          }
        }
        for (const e of exports) {
          if (names.has(e.n)) continue;
          const via = e.ln === undefined ? undefined : importedAs.get(e.ln);
          names.set(e.n, (via && (await follow(via[0], via[1]))) || { file: id, name: e.n });
        }
        // `export *` adds the names not exported explicitly; two different bindings hide a name.
        const fromStars = new Map<string, Binding | null>();
        for (const specifier of stars) {
          const target = await resolveFrom(id, specifier);
          if (!target) {
            // A star we cannot read: its names are unknown, so none of them is pointed past this file.
            const table = own(exportedNames);
            tables.set(id, table);
            return table;
          }
          const table = await tableOf(target, inside);
          if (hasSideEffects(fileOf(target))) keep.add(target);
          for (const k of table.keep) keep.add(k);
          for (const [name, binding] of table.names) {
            if (name === 'default' || names.has(name)) continue;
            const seen = fromStars.get(name);
            const same =
              seen && binding && seen.file === binding.file && seen.name === binding.name;
            fromStars.set(name, seen === undefined ? binding : same ? seen : null);
          }
        }
        for (const [name, binding] of fromStars) names.set(name, binding);
        const table = { names, keep: [...keep] };
        tables.set(id, table);
        return table;
      }

      build.onStart(() => init);

      /**
       * `source` (the text of module `id`) with each named import or re-export from a barrel (an
       * SDK barrel specifier, or a relative one whose module re-exports) pointed at the defining
       * modules, or undefined when nothing changes.
       */
      async function pointImports(id: string, source: string): Promise<string | undefined> {
        const [imports] = parse(source, fileOf(id));
        const edits: { start: number; end: number; text: string }[] = [];
        for (const statement of imports) {
          if (statement.t !== 1 || !statement.n) continue;
          const relative = /^\.\.?\//.test(statement.n);
          if (!relative && !SDK_BARREL_SPECIFIER.test(statement.n)) continue;
          const clause = namedClause(source.slice(statement.ss, statement.s - 1));
          if (!clause) continue;
          const barrel = await resolveFrom(id, statement.n);
          if (!barrel) continue;
          const table = await tableOf(barrel, new Set());
          const bindings = clause.names.map(([from]) => table.names.get(from));
          if (bindings.some((b) => !b)) continue;
          // A relative import of a module that defines what it is asked for stays as written.
          if (relative && bindings.every((b) => b!.file === barrel)) continue;
          const byFile = new Map<string, string[]>();
          clause.names.forEach(([, as], i) => {
            const { file, name } = bindings[i]!;
            byFile.set(file, [...(byFile.get(file) ?? []), `${name} as ${as}`]);
          });
          const kept = table.keep.filter((file) => !byFile.has(file));
          const original = source.slice(statement.ss, statement.se);
          const text = [
            ...kept.map((file) => `import ${JSON.stringify(file)}`),
            ...[...byFile].map(
              ([file, list]) =>
                `${clause.kind} { ${list.join(', ')} } from ${JSON.stringify(file)}`,
            ),
          ].join('; ');
          // Same number of lines, so source maps and stack traces still point at the right line.
          const newlines = original.split('\n').length - 1;
          edits.push({
            start: statement.ss,
            end: statement.se,
            text: text + '\n'.repeat(newlines),
          });
        }
        if (edits.length === 0) return undefined;
        let contents = '';
        let at = 0;
        for (const edit of edits) {
          contents += source.slice(at, edit.start) + edit.text;
          at = edit.end;
        }
        return contents + source.slice(at);
      }

      build.onResolve({ filter: new RegExp(`^${OWN_PART_PREFIX}`) }, (args) => ({
        path: fileOf(args.path),
        suffix: OWN_PART_SUFFIX,
      }));

      build.onLoad({ filter: SDK_ESM_FILE }, async (args) => {
        const ownPart = args.suffix === OWN_PART_SUFFIX;
        const id = ownPart ? OWN_PART_PREFIX + args.path : args.path;
        const source = textOf(id);
        const contents = (await pointImports(id, source)) ?? source;
        // Unchanged: esbuild reads the file itself, as without the plugin.
        if (!ownPart && contents === readFileSync(args.path, 'utf8')) return undefined;
        return { contents, loader: 'js', resolveDir: dirname(args.path) };
      });
    },
  };
}
