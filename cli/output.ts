/** Terminal helpers shared by the commands: colour only on a TTY, progress only on a TTY, one way to fail. */
const useColour = process.stdout.isTTY && !process.env.NO_COLOR;
const wrap = (code: number) => (s: string) => (useColour ? `\u001b[${code}m${s}\u001b[0m` : s);

export const bold = wrap(1);
export const dim = wrap(2);
export const red = wrap(31);
export const green = wrap(32);
export const yellow = wrap(33);
export const cyan = wrap(36);

/** Exit codes of every command (README "Exit codes"). */
export const EXIT = {
  /** Done, nothing wrong found. */
  ok: 0,
  /** A failure or a finding: a run did not succeed, a check failed, an input could not be read. */
  failure: 1,
  /** Usage: a bad flag, a missing argument, contradictory options. */
  usage: 2,
} as const;

/** Prints `paramedic: <message>` on stderr; the caller decides the exit code. */
export function complain(message: string): void {
  process.stderr.write(`paramedic: ${message}\n`);
}

/** Prints `paramedic: <message>` and sets exit code 2 (a usage error). */
export function usageError(message: string): void {
  complain(message);
  process.exitCode = EXIT.usage;
}

/**
 * A line of progress for long work (collect, triage, runbook tests), on stderr and only when
 * stderr is a terminal: redirected or piped runs stay quiet and their stdout stays clean.
 */
export function progress(text: string): void {
  if (process.stderr.isTTY) process.stderr.write(`${dim(text)}\n`);
}

/**
 * `paramedic classify --json | head` closes the pipe early; the next write fails with EPIPE.
 * That is the reader saying "enough", not an error: stop quietly with exit code 0.
 */
export function exitQuietlyOnClosedPipe(): void {
  const onError = (error: NodeJS.ErrnoException): void => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') process.exit(EXIT.ok);
    throw error;
  };
  process.stdout.on('error', onError);
  process.stderr.on('error', onError);
}

/**
 * Prints an error's message and sets the exit code: 2 for a usage error (an error carrying
 * `usage: true`, or the core's ManualInputError), 1 for anything else.
 */
export function failWith(error: unknown): void {
  const e = error as Error & { usage?: boolean };
  complain(e.message ?? String(error));
  process.exitCode = e.usage === true || e.name === 'ManualInputError' ? EXIT.usage : EXIT.failure;
}
