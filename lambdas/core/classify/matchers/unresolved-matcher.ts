import type { UnresolvedMatch } from '../../runbook/model.js';
import {
  NO_MATCH,
  type EvaluationContext,
  type EvidenceLine,
  type Matcher,
} from '../evaluation.js';
import { isCollectionTimeSection } from '../collection-time.js';

/**
 * Whether `later` happened after `earlier`: by time when both show one; a stamp-less line the
 * collector's own command printed (a `docker ps` table, `docker info`) is "now", after every
 * logged line and before none; else by line within one section. Two lines of one log stamped in the same instant
 * (syslog's whole seconds) are in the order the log wrote them: systemd prints "Started" for a
 * simple unit as it forks the daemon, and a daemon that dies that second logs its failure after it.
 */
function follows(later: EvidenceLine, earlier: EvidenceLine, context: EvaluationContext): boolean {
  const a = context.timeOf(later);
  const b = context.timeOf(earlier);
  if (a !== null && b !== null)
    return a === b && later.section === earlier.section ? later.line > earlier.line : a >= b;
  if (a === null && isNow(later) && (b !== null || !isNow(earlier))) return true;
  // Nor can a logged line follow the present: `systemctl status` prints the unit's state (its last
  // run's Process line) above a journal tail whose "Started" is from before that run failed.
  if (a !== null && b === null && isNow(earlier)) return false;
  return later.section === earlier.section && later.line > earlier.line;
}

/** A line printed at collection time: stamp-less (checked by the caller) in a collection-time section. */
function isNow(line: EvidenceLine): boolean {
  return isCollectionTimeSection(line.section);
}

/**
 * Holds by the failure lines that no success line follows: an error the system recovered from
 * (the pull completed, the daemon started) is a healthy signature and proves nothing. A failure's
 * `minCount` counts those open lines, not all of them: lines from an earlier start that came up
 * must not lift one line after the last start over the count.
 */
export const unresolvedMatcher: Matcher<UnresolvedMatch> = (expression, context) => {
  const failure = context.evaluate(expression.unresolved);
  if (!failure.matched) return NO_MATCH;
  const success = context.evaluate(expression.resolvedBy);
  if (!success.matched) return failure;
  const open = failure.evidence.filter(
    (f) => !success.evidence.some((s) => follows(s, f, context)),
  );
  const needed = 'minCount' in expression.unresolved ? (expression.unresolved.minCount ?? 1) : 1;
  return open.length >= needed ? { matched: true, evidence: open } : NO_MATCH;
};
