/**
 * A copy of a string that shares no memory with the string it was cut from. V8 keeps the whole
 * parent of a slice (or of a `split` piece) alive for as long as the piece lives, so a 400-character
 * evidence line kept in a result would hold its 1 MiB section: Classify keeps a result per target of
 * the fleet, Plan a precondition outcome per target. Evidence lines are copied where they are made.
 * @example detachedText(section.output.split('\n')[3]!) // the line, on its own
 */
export function detachedText(text: string): string {
  return Array.from(text).join('');
}
