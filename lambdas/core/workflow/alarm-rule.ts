/**
 * A composite alarm's rule (`ALARM("disk-high") AND NOT OK(arn:aws:cloudwatch:…:alarm:cpu-high)`)
 * read into the alarms it names. The grammar is CloudWatch's: the functions ALARM, OK and
 * INSUFFICIENT_DATA of one alarm name or alarm ARN (optionally in double quotes), TRUE, FALSE, AND,
 * OR, NOT and parentheses. A child named by ARN lives in the ARN's account and region; a child
 * named by name lives where the composite does. The rule is alarm text, i.e. untrusted: it is read
 * in one pass with no regular expression, and anything outside that grammar is rejected with where
 * it is, rather than read in part (a child skipped silently is a target missed).
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutCompositeAlarm.html
 */
import type { TargetLocation } from './ports.js';
import { locationOf } from './target-location.js';

/** Longest rule read (CloudWatch's limit on AlarmRule). */
export const MAX_ALARM_RULE_CHARS = 10_240;

/** The state an alarm function tests. */
export type AlarmRuleState = 'ALARM' | 'OK' | 'INSUFFICIENT_DATA';

/** One alarm a rule names: its name, and its account and region when named by ARN. */
export interface RuleAlarm {
  readonly state: AlarmRuleState;
  readonly name: string;
  /** From the ARN; absent for a plain name (the composite's own account and region). */
  readonly location?: TargetLocation;
}

/** The alarms a rule names, in order, or why the rule cannot be read (one line). */
export type ParsedAlarmRule =
  | { readonly alarms: readonly RuleAlarm[] }
  | { readonly error: string };

const STATE_FUNCTIONS = new Set<string>(['ALARM', 'OK', 'INSUFFICIENT_DATA']);
const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'TRUE', 'FALSE']);
const ALARM_ARN_RESOURCE = 'alarm:';

const isSpace = (c: string | undefined): boolean =>
  c === ' ' || c === '\t' || c === '\n' || c === '\r';
const isWordChar = (c: string | undefined): boolean =>
  c !== undefined &&
  ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c === '_');
/** A fragment of the rule for a message: short, quoted, on one line. */
const shown = (text: string): string =>
  JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);

/**
 * An alarm argument: a name, or `arn:<partition>:cloudwatch:<region>:<account>:alarm:<name>`
 * (split on `:`, linear; an alarm name may itself hold `:`).
 */
function ruleAlarm(state: AlarmRuleState, argument: string): RuleAlarm | { error: string } {
  if (!argument.startsWith('arn:')) return { state, name: argument };
  const [, partition, service, region, account, ...resource] = argument.split(':');
  const qualified = resource.join(':');
  const location = locationOf(account, region);
  const name = qualified.startsWith(ALARM_ARN_RESOURCE)
    ? qualified.slice(ALARM_ARN_RESOURCE.length)
    : '';
  if (!partition || service !== 'cloudwatch' || !location || !name)
    return {
      error: `${shown(argument)} is not a CloudWatch alarm ARN (arn:<partition>:cloudwatch:<region>:<account>:alarm:<name>)`,
    };
  return { state, name, location };
}

/**
 * Reads a composite alarm's rule in one pass.
 * @example parseAlarmRule('ALARM("disk-high") OR ALARM(arn:aws:cloudwatch:us-east-2:222222222222:alarm:cpu-high)') // { alarms: [{ state: 'ALARM', name: 'disk-high' }, { state: 'ALARM', name: 'cpu-high', location: { account: '222222222222', region: 'us-east-2' } }] }
 * @example parseAlarmRule('ALARM("disk-high') // { error: 'unterminated quoted alarm name at character 7' }
 */
export function parseAlarmRule(rule: string): ParsedAlarmRule {
  if (rule.length > MAX_ALARM_RULE_CHARS)
    return {
      error: `the rule is ${rule.length} characters, longer than CloudWatch allows (${MAX_ALARM_RULE_CHARS})`,
    };
  const alarms: RuleAlarm[] = [];
  let open = 0;
  let i = 0;
  const fail = (what: string, at: number): ParsedAlarmRule => ({
    error: `${what} at character ${at + 1}`,
  });
  while (i < rule.length) {
    const c = rule[i]!;
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === '(') {
      open++;
      i++;
      continue;
    }
    if (c === ')') {
      if (open === 0) return fail("')' without its '('", i);
      open--;
      i++;
      continue;
    }
    if (!isWordChar(c)) return fail(`unexpected ${shown(c)}`, i);
    const start = i;
    while (isWordChar(rule[i])) i++;
    const word = rule.slice(start, i);
    if (KEYWORDS.has(word)) continue;
    if (!STATE_FUNCTIONS.has(word))
      return fail(
        `unknown word ${shown(word)} (a rule has ALARM(…), OK(…), INSUFFICIENT_DATA(…), TRUE, FALSE, AND, OR, NOT and parentheses)`,
        start,
      );
    while (isSpace(rule[i])) i++;
    if (rule[i] !== '(') return fail(`${word} without '('`, start);
    i++;
    while (isSpace(rule[i])) i++;
    let argument: string;
    if (rule[i] === '"') {
      const end = rule.indexOf('"', i + 1);
      if (end < 0) return fail('unterminated quoted alarm name', i);
      argument = rule.slice(i + 1, end);
      i = end + 1;
    } else {
      const end = rule.indexOf(')', i);
      if (end < 0) return fail(`${word}( without ')'`, start);
      argument = rule.slice(i, end).trimEnd();
      // An unquoted name stops at ')': one holding '(' or '"' had to be quoted.
      for (const ch of argument)
        if (ch === '(' || ch === '"')
          return fail(
            `${word}(${shown(argument)}): an alarm name with ( or " must be quoted`,
            start,
          );
      i = end;
    }
    while (isSpace(rule[i])) i++;
    if (rule[i] !== ')') return fail(`${word}( without ')'`, start);
    i++;
    if (!argument) return fail(`${word}() names no alarm`, start);
    const alarm = ruleAlarm(word as AlarmRuleState, argument);
    if ('error' in alarm) return fail(alarm.error, start);
    alarms.push(alarm);
  }
  if (open > 0) return { error: `${open} '(' without ')'` };
  return { alarms };
}
