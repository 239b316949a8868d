import type { CompiledRulebook } from '../lambdas/core/classify/compile.js';
import { EVIDENCE_SCHEMA, type EvidenceBundle } from '../lambdas/core/evidence/bundle.js';

/** Length of one adversarial line, the size the red team used. */
export const ADVERSARIAL_LINE = 16 * 1024;

/**
 * A string that walks the regex's skeleton once: literals as written, each class or escape as one
 * character it accepts, optional parts taken once, the first branch of every alternation.
 * Not exact (lookaround, backreferences are dropped); it only has to come close to a match.
 */
export function skeletonOf(source: string): string {
  let out = '';
  let i = 0;
  const sample: Record<string, string> = {
    d: '7',
    D: 'x',
    w: 'a',
    W: ' ',
    s: ' ',
    S: 'x',
    b: '',
    B: '',
    n: '',
    r: '',
    t: '\t',
  };
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === '\\') {
      const next = source[i + 1] ?? '';
      out += next in sample ? sample[next]! : /[1-9]/.test(next) ? '' : next;
      i += 2;
    } else if (ch === '[') {
      let j = i + 1;
      const negated = source[j] === '^';
      if (negated) j++;
      let first =
        source[j] === '\\'
          ? (sample[source[j + 1] ?? ''] ?? source[j + 1] ?? 'x')
          : (source[j] ?? 'x');
      while (j < source.length && source[j] !== ']') {
        if (source[j] === '\\') j++;
        j++;
      }
      if (negated) first = first === 'x' ? 'y' : 'x';
      out += first;
      i = j + 1;
    } else if (ch === '(') {
      // Keep the first branch of the group: skip from the first top-level '|' to the closing ')'.
      if (source.startsWith('(?', i)) {
        const m = /^\(\?(:|<[A-Za-z_]\w*>|[=!]|<[=!])/.exec(source.slice(i));
        i += m ? m[0].length : 2;
      } else i++;
      let depth = 0;
      for (let j = i; j < source.length; j++) {
        const c = source[j];
        if (c === '\\') {
          j++;
          continue;
        }
        if (c === '[') {
          while (j < source.length && source[j] !== ']') {
            if (source[j] === '\\') j++;
            j++;
          }
          continue;
        }
        if (c === '(') depth++;
        else if (c === ')') {
          if (depth === 0) break;
          depth--;
        } else if (c === '|' && depth === 0) {
          let k = j;
          let d = 0;
          for (; k < source.length; k++) {
            const e = source[k];
            if (e === '\\') {
              k++;
              continue;
            }
            if (e === '(') d++;
            else if (e === ')') {
              if (d === 0) break;
              d--;
            }
          }
          source = source.slice(0, j) + source.slice(k);
          break;
        }
      }
    } else if (ch === ')' || ch === '^' || ch === '$' || ch === '?' || ch === '*' || ch === '+')
      i++;
    else if (ch === '|') break;
    else if (ch === '{') {
      const close = source.indexOf('}', i);
      i = close < 0 ? i + 1 : close + 1;
    } else if (ch === '.') {
      out += 'x';
      i++;
    } else {
      out += ch;
      i++;
    }
  }
  return out;
}

/**
 * The classic polynomial attack on a backtracking engine, for any pattern: repeat the skeleton
 * without its last character (so every repetition almost matches) to `length`, end with a tab.
 */
export function adversarialLineFor(source: string, length = ADVERSARIAL_LINE): string {
  const skeleton = skeletonOf(source);
  const unit = skeleton.length > 1 ? skeleton.slice(0, -1) : `${skeleton}x`;
  return `${unit.repeat(Math.ceil(length / unit.length)).slice(0, length - 1)}\t`;
}

/**
 * One line that carries every literal of the rulebook, pumped to `length`: the most regex work a
 * single line can ask for (every pattern becomes a candidate on it).
 */
export function allLiteralsLine(rulebook: CompiledRulebook, length = ADVERSARIAL_LINE): string {
  const unit = `${rulebook.scanner.literals.join(' ')} `;
  return `${unit.repeat(Math.ceil(length / unit.length)).slice(0, length - 1)}\t`;
}

/**
 * The red team's line against `apiserver-url-unreachable`: recheck's cubic attack, with the
 * pattern's required literal at the end so the literal prefilter lets it through. On the
 * backtracking engine 4 KB of it take about 0.1 s and 16 KB several seconds.
 */
export function apiserverUrlAttack(length = ADVERSARIAL_LINE): string {
  const tail = ': dial tcp ';
  return 'HTTPS://R/API/V1'.repeat(Math.ceil(length / 16)).slice(0, length - tail.length) + tail;
}

/** A bundle whose `docker.logs` holds the given lines, one after another (so line-joining sees them too). */
export function bundleOfLines(lines: readonly string[], base?: EvidenceBundle): EvidenceBundle {
  const sections = { ...(base?.sections ?? {}) };
  const before = sections['docker.logs']?.output;
  sections['docker.logs'] = { output: [...(before ? [before] : []), ...lines].join('\n') };
  return {
    schema: EVIDENCE_SCHEMA,
    target: base?.target ?? { platform: 'docker', instanceId: 'i-0adversary' },
    collectedAt: base?.collectedAt ?? '2026-11-23T09:00:00Z',
    sections,
  };
}
