/**
 * A source transform (run by the SDK barrel plugin, sdk-barrel-imports.ts) that registers each
 * AWS SDK client's modelled errors with the commands that can throw them, instead of all at once
 * when the client's schemas load, and writes the schemas' trait keys as plain strings.
 *
 * Why: a schema-serde client (`@aws-sdk/client-*` 3.9xx+) ends its `schemas/schemas_0.js` with one
 * `n0_registry.registerError(X$, X)` per error of the whole service: 141 for SSM, 36 for DynamoDB.
 * Those calls are side effects, so every error class (`models/errors.js`) and every error schema
 * stays in the bundle of a function that sends four commands: ~60 KiB of SSM's 78. The registry
 * is only read when a response is an error (ProtocolLib.compose copies the namespace's registry
 * at that moment), so a registration made when the command's module loads is in time.
 *
 * What moves where: each `registerError` whose class comes from `../models/errors` leaves the
 * schemas file (the service's base exception stays) and is appended to every command module whose
 * generated declaration (`dist-types/commands/<X>Command.d.ts`) lists that error with
 * `@throws {@link Name}`, the SDK's rendering of the operation's `errors` in the service model. A
 * command whose declaration cannot be read registers every error of its client, as before.
 *
 * What changes at run time: nothing for an error the operation models. An error the model does not
 * list for any bundled command (a service can always answer with one) is built as the client's
 * base exception, named by the wire's error code, with its `message`, `$fault`, `$metadata` and
 * the body's fields (ProtocolLib.getErrorSchemaOrThrowBaseException): `instanceof` its specific
 * class is false, and in AwsQuery services whose codes differ from the class names the `name` is
 * the code (`IDPCommunicationError`, not `IDPCommunicationErrorException`). Paramedic tests SDK
 * errors by the names its operations model, or by `instanceof` on an error the operation models
 * (ConditionalCheckFailedException on PutItem/UpdateItem/DeleteItem, Powertools too).
 *
 * Cost: each schemas file and declaration is read once per build (linear); lines are preserved
 * in the schemas file and only appended in command files, so source maps still point right.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** A client's schemas file (dist-es). */
const SCHEMAS_FILE =
  /[\\/]node_modules[\\/]@aws-sdk[\\/]client-[\w-]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/;

/** A client's command module (dist-es). */
const COMMAND_FILE =
  /[\\/]node_modules[\\/]@aws-sdk[\\/]client-[\w-]+[\\/]dist-es[\\/]commands[\\/](\w+Command)\.js$/;

/** One registration statement: `registry.registerError(Schema$, Class);` on a line of its own. */
const REGISTRATION = /^(\w+)\.registerError\((\w+\$), (\w+)\);$/gm;

/** The classes a schemas file imports from `../models/errors` (the modelled errors). */
const ERRORS_IMPORT = /^import \{([^}]*)\} from "\.\.\/models\/errors";$/m;

/** One modelled error's registration, moved out of its schemas file. */
export interface ErrorRegistration {
  /** The schemas file that declares the registry and the error schema. */
  readonly schemasFile: string;
  /** The registry's variable in that file (`n0_registry`). */
  readonly registry: string;
  /** The error schema's export (`InvalidInstanceId$`). */
  readonly schema: string;
  /** The error class, exported by `../models/errors` (`InvalidInstanceId`). */
  readonly errorClass: string;
}

/** A schemas file without its modelled errors' registrations, and those registrations. */
export interface SplitSchemas {
  readonly contents: string;
  readonly moved: readonly ErrorRegistration[];
}

/** A generated string constant: `const _aQE = "awsQueryError";` on a line of its own. */
const STRING_CONSTANT = /^const (_\w+) = ("[\w.#-]*");$/gm;

/** A trait key written as a computed key, after `{` or `,`: `{ [_aQE]: ...`. */
const COMPUTED_KEY = /([{,]\s*)\[(_\w+)\]:/g;

/**
 * Writes each computed key that names one of the file's string constants as that string
 * (`{ [_e]: _c }` becomes `{ "error": _c }`): the same object, but esbuild treats a computed key
 * as a possible side effect (an object's `toString`) and so kept every schema of the service, used
 * or not. `__proto__` would mean something else as a plain key, so it stays computed.
 */
export function inlineTraitKeys(source: string): string {
  const constants = new Map<string, string>();
  for (const [, name, literal] of source.matchAll(STRING_CONSTANT))
    if (literal !== '"__proto__"') constants.set(name!, literal!);
  return source.replace(COMPUTED_KEY, (key, before, name) => {
    const literal = constants.get(name);
    return literal === undefined ? key : `${before}${literal}:`;
  });
}

/**
 * Takes the modelled errors' `registerError` lines out of one schemas file (each replaced by an
 * empty line), exports the registries they used, so command modules can register them, and
 * inlines the trait keys ({@link inlineTraitKeys}).
 */
export function splitSchemas(schemasFile: string, raw: string): SplitSchemas {
  const source = inlineTraitKeys(raw);
  const modelled = new Set(
    (ERRORS_IMPORT.exec(source)?.[1] ?? '')
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== ''),
  );
  const moved: ErrorRegistration[] = [];
  const contents = source.replace(REGISTRATION, (line, registry, schema, errorClass) => {
    if (!modelled.has(errorClass)) return line;
    moved.push({ schemasFile, registry, schema, errorClass });
    return '';
  });
  if (moved.length === 0) return { contents, moved };
  const registries = [...new Set(moved.map((m) => m.registry))];
  return { contents: `${contents}\nexport { ${registries.join(', ')} };\n`, moved };
}

/**
 * The errors a command's generated declaration says it throws (`@throws {@link Name}`), or
 * undefined when there is no declaration to read.
 */
export function declaredErrors(declaration: string | undefined): ReadonlySet<string> | undefined {
  if (declaration === undefined) return undefined;
  return new Set([...declaration.matchAll(/@throws \{@link (\w+)\}/g)].map((m) => m[1]!));
}

/** The statements a command module gains: import and register each of its errors. */
export function registrationCode(
  registrations: readonly ErrorRegistration[],
  errorsFile: string,
): string {
  const lines: string[] = [];
  registrations.forEach((r, i) => {
    lines.push(
      `import { ${r.registry} as __reg${i}, ${r.schema} as __schema${i} } from ${JSON.stringify(r.schemasFile)};`,
      `import { ${r.errorClass} as __error${i} } from ${JSON.stringify(errorsFile)};`,
      `__reg${i}.registerError(__schema${i}, __error${i});`,
    );
  });
  return lines.join('\n');
}

/** Rewrites one SDK source file: (path, its text) to the new text, or undefined to leave it as written. */
export type SourceTransform = (path: string, source: string) => string | undefined;

/** The transforms applied in turn, each to the previous one's text. */
export function chainTransforms(...transforms: readonly SourceTransform[]): SourceTransform {
  return (path, source) => {
    let changed: string | undefined;
    for (const transform of transforms) changed = transform(path, changed ?? source) ?? changed;
    return changed;
  };
}

/**
 * The transform, applied by the SDK barrel plugin to each SDK file it loads (one esbuild `onLoad`
 * per file: two plugins could not both rewrite a schemas file). One instance per build: it caches
 * each client's split schemas for as long as the build.
 */
export function sdkOperationErrors(): SourceTransform {
  /** Per client `dist-es` folder: its schemas files, split. */
  const clients = new Map<string, ReadonlyMap<string, SplitSchemas>>();

  function schemasOf(distEs: string): ReadonlyMap<string, SplitSchemas> {
    let split = clients.get(distEs);
    if (!split) {
      const files = new Map<string, SplitSchemas>();
      for (let n = 0; ; n++) {
        const file = join(distEs, 'schemas', `schemas_${n}.js`);
        let source: string;
        try {
          source = readFileSync(file, 'utf8');
        } catch {
          break;
        }
        files.set(file, splitSchemas(file, source));
      }
      split = files;
      clients.set(distEs, split);
    }
    return split;
  }

  return (path, source) => {
    if (SCHEMAS_FILE.test(path)) {
      const split = schemasOf(dirname(dirname(path))).get(path);
      return split?.contents;
    }
    const command = COMMAND_FILE.exec(path)?.[1];
    if (!command) return undefined;
    const distEs = dirname(dirname(path));
    const moved = [...schemasOf(distEs).values()].flatMap((s) => s.moved);
    let declaration: string | undefined;
    try {
      declaration = readFileSync(
        join(dirname(distEs), 'dist-types', 'commands', `${command}.d.ts`),
        'utf8',
      );
    } catch {
      declaration = undefined;
    }
    const throws = declaredErrors(declaration);
    const mine = throws ? moved.filter((r) => throws.has(r.errorClass)) : moved;
    if (mine.length === 0) return undefined;
    return `${source}\n${registrationCode(mine, join(distEs, 'models', 'errors.js'))}\n`;
  };
}
