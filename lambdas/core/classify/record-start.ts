/**
 * Does a line begin a new record, or may it continue a message hard-wrapped onto the line before?
 * The classifier retries a candidate line joined to its neighbours only across continuation lines
 * (wrapped-retries.ts): joining two records would let a pattern match words that no single message
 * says. Each test is an anchored regex with bounded repetition over a line of at most
 * WRAP_JOIN_MAX characters, so it costs time linear in the line.
 */

const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';

/** A line that starts with a log prefix: every log line is its own record. */
const LOG_PREFIX = new RegExp(
  [
    // ISO 8601 and Go's log package: 2026-03-24T01:48:11Z, 2026-03-24 01:48:11, 2026/03/24 01:48:11
    String.raw`\[?\d{4}[-/]\d\d[-/]\d\d[T ]\d\d:\d\d`,
    // syslog / journald short: Mar 24 01:48:11 host unit[pid]:
    String.raw`${MONTH} +\d{1,2} \d\d:\d\d:\d\d`,
    // klog: E0324 01:48:11.204118
    String.raw`[IWEF]\d{4} \d\d:\d\d:\d\d`,
    // dmesg uptime, and any bracketed clock: [  123.456789], [24/Mar/2026:01:48:11 +0000]
    String.raw`\[ *\d+\.\d+\]`,
    String.raw`\[[^\]]{0,40}\d\d:\d\d:\d\d`,
    // a bare clock: 01:48:11 ...
    String.raw`\d\d:\d\d:\d\d\b`,
    // logfmt and logrus text: time="..." level=error, ERRO[0001]
    '(?:time|ts|level|lvl)=',
    String.raw`(?:INFO|WARN|ERRO|DEBU|FATA|PANI|TRAC)\[`,
  ].join('|'),
  'y',
);

/** kubectl's tables and describe layout: rows, headers, separators. */
const KUBECTL_LAYOUT = new RegExp(
  [
    // describe's event row (also when column spacing was collapsed): Warning Failed 44s ...
    String.raw`(?:Normal|Warning) +[A-Z]\w* `,
    // `kubectl get events` row: 2m12s Warning Failed pod/x ...
    String.raw`(?:\d+[smhd]\w*|<unknown>|<invalid>) +(?:Normal|Warning) `,
    // describe's event header, and an all-capitals header: NAME READY STATUS, LAST SEEN TYPE REASON
    String.raw`Type +Reason\b`,
    String.raw`[A-Z][A-Z_]+(?: +[A-Z][A-Z_()%]*)+\s*$`,
    // separators: ---- ------ ----, and YAML's document marker
    String.raw`-{2,}(?: +-{2,})*\s*$`,
    // `kubectl get pods` / `get nodes` rows with collapsed spacing
    String.raw`\S+ +\d+/\d+ +\S+ +\d+`,
    String.raw`\S+ +(?:Ready|NotReady|Unknown)(?:,SchedulingDisabled)? `,
  ].join('|'),
  'y',
);

/** Columns padded by a tabwriter (kubectl pads with three spaces): a table row, not prose. */
const PADDED_COLUMNS = /\S(?: {3,}|\t+)\S+(?: {3,}|\t+)\S/;

/** A shell prompt or a JSON value's start: what follows is a new command or document. */
const PROMPT_OR_JSON =
  /(?:[$#](?: |$)|[\w.-]+@[\w.-]+(?::\S*)?[$#] |\[[^\]]{1,80}\][$#] |\{|\[\s*\{|\[$)/y;

/** A YAML mapping key or sequence item (`message: ...`, `- name: x`, `"reason": ...`, `- x`). */
const YAML_ENTRY = /(?:-(?: |$)|(?:- +)?(?:[A-Za-z_][\w./-]*|"[A-Za-z_][\w.-]*"):(?: |$))/y;

/** Leading spaces and tabs of a line. */
export function indentOf(line: string): number {
  let i = 0;
  while (i < line.length && (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9)) i++;
  return i;
}

function startsWith(regex: RegExp, line: string, at: number): boolean {
  regex.lastIndex = at;
  return regex.test(line);
}

/**
 * Whether `line` begins a new record instead of continuing the message on the line before it.
 * `valueIndent` is the indent of the wrapped message's candidate line: a YAML key at that indent or
 * less ends a folded value (folded lines sit deeper than their key), a deeper one is text.
 * A blank line is a paragraph break, which no wrap produces.
 * @example startsRecord('E0324 01:48:11.204118 2231 pod.go:1] x', 4) // true
 * @example startsRecord('    to pull and unpack image', 4) // false
 */
export function startsRecord(line: string, valueIndent: number): boolean {
  const at = indentOf(line);
  if (at === line.length) return true;
  return (
    startsWith(LOG_PREFIX, line, at) ||
    startsWith(KUBECTL_LAYOUT, line, at) ||
    startsWith(PROMPT_OR_JSON, line, at) ||
    PADDED_COLUMNS.test(line.slice(at)) ||
    (at <= valueIndent && startsWith(YAML_ENTRY, line, at))
  );
}
