/** Terminal helpers shared by the commands: colour only on a TTY, and one way to fail. */
const useColour = process.stdout.isTTY && !process.env.NO_COLOR;
const wrap = (code: number) => (s: string) => (useColour ? `\u001b[${code}m${s}\u001b[0m` : s);

export const bold = wrap(1);
export const dim = wrap(2);
export const red = wrap(31);
export const green = wrap(32);
export const yellow = wrap(33);
export const cyan = wrap(36);

/** Prints `paramedic: <message>` on stderr; the caller decides the exit code. */
export function complain(message: string): void {
  process.stderr.write(`paramedic: ${message}\n`);
}
