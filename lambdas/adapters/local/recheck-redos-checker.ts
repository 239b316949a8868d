import { checkSync } from 'recheck';
import type { RedosChecker } from '../../core/runbook/regex-safety.js';

/** Seconds recheck may spend on one regex before it answers "unknown". */
const CHECK_TIMEOUT_MS = 20_000;

/**
 * The static ReDoS checker behind `runbooks lint`: recheck (automaton analysis, else fuzzing), run
 * by its bundled native binary when the platform has one, else its pure JavaScript build. A fixed
 * random seed makes the fuzzing, and so the lint verdict, the same on every run.
 */
export const recheckRedosChecker: RedosChecker = (source, caseInsensitive) => {
  const diagnostics = checkSync(source, caseInsensitive ? 'i' : '', {
    timeout: CHECK_TIMEOUT_MS,
    randomSeed: 13,
  });
  if (diagnostics.status === 'safe') return { status: 'safe' };
  if (diagnostics.status === 'vulnerable') {
    return {
      status: 'vulnerable',
      complexity: diagnostics.complexity.summary,
      attack: diagnostics.attack.pattern,
    };
  }
  return { status: 'unknown', reason: diagnostics.error.kind };
};
