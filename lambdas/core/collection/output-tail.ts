/**
 * The end of a command's output, where a failure says what went wrong. A module of its own: the
 * evidence collection and the document executor both shorten outputs with it, and the executor
 * brings the action catalogue, which the functions that only collect never read.
 */

/** The last `max` characters of a text, marked when cut. */
export function tail(text: string, max: number): string {
  return text.length > max ? `…${text.slice(-max)}` : text;
}
