/**
 * A section built from a list the reader cut at its bound (a namespace's events, its pods) is
 * incomplete: what it does not show may be in the part never read. Its `error` says so with this
 * mark, and an absence read from it proves nothing (the classifier's `absent`).
 */
import type { EvidenceSection } from './bundle.js';

/** The mark that opens an incomplete section's error (several errors are joined with "; "). */
export const INCOMPLETE_MARK = 'incomplete: ';

/** Whether a section says it is incomplete. @example isIncompleteSection({ ..., error: 'incomplete: events: more than 2000 items' }) // true */
export function isIncompleteSection(section: Pick<EvidenceSection, 'error'> | undefined): boolean {
  return (section?.error ?? '').split('; ').some((e) => e.startsWith(INCOMPLETE_MARK));
}
