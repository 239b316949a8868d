/**
 * Finds literal strings a regular expression cannot match without: for each top-level
 * alternative, the longest run of plain characters (lower-cased). Any line the regex matches
 * contains at least one of them, so a literal scan can skip every other line.
 * Returns null when some alternative has no literal of at least MIN_LITERAL characters;
 * such a pattern is checked against every line (correct, but slow on big evidence).
 */
export const MIN_LITERAL = 3;

/**
 * A literal at least this long (without its edge spaces) is scanned without them. A hard-wrapped
 * message is cut at a space (`failed to resolve reference` ends one line, the reference starts the
 * next), so a literal's edge space would keep the cut line from being a candidate. A shorter word
 * keeps its spaces: `invalid ` is far more selective than `invalid` (`InvalidImageName`, `invalidate`).
 */
export const EDGE_TRIM_MIN = 10;

function withoutEdgeSpaces(literal: string): string {
  const trimmed = literal.replace(/^ +| +$/g, '');
  return trimmed.length >= EDGE_TRIM_MIN ? trimmed : literal;
}

const CLASS_ESCAPES = new Set([
  'd',
  'D',
  'w',
  'W',
  's',
  'S',
  'b',
  'B',
  'k',
  'p',
  'P',
  'u',
  'x',
  'c',
  'n',
  'r',
  't',
  'f',
  'v',
  '0',
]);

function splitTopLevel(source: string): string[] {
  const branches: string[] = [];
  let depth = 0;
  let inClass = false;
  let start = 0;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      continue;
    }
    if (ch === '[') inClass = true;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === '|' && depth === 0) {
      branches.push(source.slice(start, i));
      start = i + 1;
    }
  }
  branches.push(source.slice(start));
  return branches;
}

/** Index just past the group that opens at `open`. */
function groupEnd(source: string, open: number): number {
  let depth = 0;
  let inClass = false;
  for (let i = open; i < source.length; i++) {
    const ch = source[i];
    if (ch === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      continue;
    }
    if (ch === '[') inClass = true;
    else if (ch === '(') depth++;
    else if (ch === ')') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return source.length;
}

function quantifierAt(source: string, i: number): 'optional' | 'required' | 'none' {
  const q = source[i];
  if (q === '?' || q === '*') return 'optional';
  if (q === '+') return 'required';
  if (q === '{') return /^\{0[,}]/.test(source.slice(i)) ? 'optional' : 'required';
  return 'none';
}

function skipQuantifier(source: string, i: number): number {
  if (source[i] === '{') {
    const close = source.indexOf('}', i);
    i = close < 0 ? source.length : close + 1;
  } else if ('?*+'.includes(source[i] ?? '')) i++;
  if (source[i] === '?') i++; // lazy
  return i;
}

function branchLiterals(branch: string): string[] | null {
  const runs: string[] = [];
  const requiredGroups: string[][] = [];
  let run = '';
  const flush = () => {
    if (run.length > 0) runs.push(run);
    run = '';
  };
  let i = 0;
  while (i < branch.length) {
    const ch = branch[i]!;
    if (ch === '\\') {
      const next = branch[i + 1] ?? '';
      if (CLASS_ESCAPES.has(next) || /[1-9]/.test(next)) {
        flush();
        i = skipQuantifier(branch, i + 2);
        continue;
      }
      const q = quantifierAt(branch, i + 2);
      if (q === 'optional') {
        flush();
        i = skipQuantifier(branch, i + 2);
        continue;
      }
      run += next.toLowerCase();
      if (q === 'required') {
        flush();
        i = skipQuantifier(branch, i + 2);
        continue;
      }
      i += 2;
      continue;
    }
    if (ch === '[') {
      flush();
      let j = i + 1;
      if (branch[j] === '^') j++;
      if (branch[j] === ']') j++;
      while (j < branch.length && branch[j] !== ']') {
        if (branch[j] === '\\') j++;
        j++;
      }
      i = skipQuantifier(branch, j + 1);
      continue;
    }
    if (ch === '(') {
      flush();
      const end = groupEnd(branch, i);
      const q = quantifierAt(branch, end);
      let inner = branch.slice(i + 1, end - 1);
      const lookaround = /^\?(<?[=!])/.test(inner);
      if (!lookaround && q !== 'optional') {
        inner = inner.replace(/^\?(:|<[A-Za-z_][A-Za-z0-9_]*>)/, '');
        const lits = requiredLiterals(inner);
        if (lits) requiredGroups.push(lits);
      }
      i = skipQuantifier(branch, end);
      continue;
    }
    if ('.^$'.includes(ch)) {
      flush();
      i = skipQuantifier(branch, i + 1);
      continue;
    }
    const q = quantifierAt(branch, i + 1);
    if (q === 'optional') {
      flush();
      i = skipQuantifier(branch, i + 1);
      continue;
    }
    run += ch.toLowerCase();
    if (q === 'required') {
      flush();
      i = skipQuantifier(branch, i + 1);
      continue;
    }
    i++;
  }
  flush();
  // Candidates: the longest plain run, or the literal set of any one required group. Each alone
  // is necessary; take the most selective (longest shortest literal, then fewest literals).
  const candidates: string[][] = requiredGroups.slice();
  const longest = runs.reduce((best, r) => (r.length > best.length ? r : best), '');
  if (longest.length >= MIN_LITERAL) candidates.push([longest]);
  const usable = candidates.filter((c) => c.length > 0 && c.every((l) => l.length >= MIN_LITERAL));
  if (usable.length === 0) return null;
  const score = (c: string[]) => Math.min(...c.map((l) => l.length)) * 100 - c.length;
  return usable.reduce((best, c) => (score(c) > score(best) ? c : best)).map(withoutEdgeSpaces);
}

/** The literal alternatives a match needs, lower-cased, or null when there is no usable literal. */
export function requiredLiterals(source: string): string[] | null {
  const out = new Set<string>();
  for (const branch of splitTopLevel(source)) {
    const lits = branchLiterals(branch);
    if (!lits || lits.length === 0) return null;
    for (const l of lits) out.add(l);
  }
  return [...out];
}
