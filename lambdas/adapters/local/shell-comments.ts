/**
 * Removes the comments of a bash library with a real shell parser (mvdan/sh, the parser of shfmt,
 * built to WebAssembly by sh-syntax): a `#` inside quotes, a here-document or an awk program is
 * text, not a comment, and only a parser knows which is which. The printer also lays the code out
 * its own way (indentation, one command per line); test/unit/collectors/document-scripts.test.ts
 * checks with bash's own parser that the result is the same program.
 *
 * sh-syntax (~860 KB with its WebAssembly) is imported on first use, so nothing that imports this
 * file loads it until a document script is rendered.
 */

/** A library that the shell parser rejects, so its comments cannot be removed safely. */
export class ShellSyntaxError extends Error {
  constructor(
    readonly path: string,
    readonly line: number,
    readonly column: number,
    problem: string,
    options?: ErrorOptions,
  ) {
    super(
      `${path}:${line}:${column}: ${problem}; fix the shell syntax there (bash -n ${path} shows it too), then render the documents again`,
      options,
    );
    this.name = 'ShellSyntaxError';
  }
}

// Keyed by the library text: the same text always gives the same result, and an edited file is
// a new key, so a long-running local process never runs a stale library.
const stripped = new Map<string, Promise<string>>();

/**
 * The bash text `text` without its comments, laid out by the printer (redirections kept unspaced,
 * `>/dev/null`, as the repository writes them). `path` only names the file in errors.
 * @throws ShellSyntaxError when the text does not parse as bash.
 * @example await withoutShellComments(readFileSync('runbooks/collectors/lib.sh', 'utf8'), 'runbooks/collectors/lib.sh')
 */
export function withoutShellComments(text: string, path: string): Promise<string> {
  let result = stripped.get(text);
  if (!result) {
    result = print(text, path);
    stripped.set(text, result);
  }
  return result;
}

async function print(text: string, path: string): Promise<string> {
  const sh = await import('sh-syntax');
  try {
    return await sh.print(text, {
      filepath: path,
      keepComments: false,
      variant: sh.LangVariant.LangBash,
      spaceRedirects: false,
    });
  } catch (error) {
    if (error instanceof sh.ParseError)
      throw new ShellSyntaxError(path, error.Pos?.Line ?? 0, error.Pos?.Col ?? 0, error.Text, {
        cause: error,
      });
    throw error;
  }
}
