/**
 * A composite alarm's rule (`ALARM("disk-high") AND NOT OK(arn:aws:cloudwatch:…:alarm:cpu-high)`)
 * read into the alarms it names. The grammar is CloudWatch's: the functions ALARM, OK and
 * INSUFFICIENT_DATA of one alarm name or alarm ARN (optionally in double quotes), AT_LEAST of a
 * count or percentage, a state (or NOT and a state) and a parenthesised list of alarms (what CDK's
 * AlarmRule.atLeast writes), TRUE, FALSE, AND, OR, NOT and parentheses. A child named by ARN lives in the ARN's account and region; a child
 * named by name lives where the composite does. The rule is alarm text, i.e. untrusted: it is read
 * in one pass with no regular expression, and anything outside that grammar is rejected with where
 * it is, rather than read in part (a child skipped silently is a target missed). CloudWatch keeps a
 * composite's children in its own account and region, so an ARN's location is the composite's: read
 * where the ARN says, a spoke's forwarded composite has its children read in the spoke.
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
const AT_LEAST = 'AT_LEAST';
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
 * The state a child is recorded with: ALARM when the rule is truer with the child in ALARM (it is
 * the incident), else the state it is tested for. Under NOT the test flips: NOT OK and
 * NOT INSUFFICIENT_DATA can be ALARM; NOT ALARM (recorded as OK) cannot.
 */
function countedState(state: AlarmRuleState, negated: boolean): AlarmRuleState {
  const canBeAlarm = negated ? state !== 'ALARM' : state === 'ALARM';
  return canBeAlarm ? 'ALARM' : negated ? 'OK' : state;
}

/** A reason the rule cannot be read, with where (1-based). */
const failAt = (what: string, at: number): { error: string } => ({
  error: `${what} at character ${at + 1}`,
});

/**
 * An alarm argument: a name, or `arn:<partition>:cloudwatch:<region>:<account>:alarm:<name>`
 * (split on `:`, linear; an alarm name may itself hold `:`).
 */
function ruleAlarm(state: AlarmRuleState, argument: string): RuleAlarm | { error: string } {
  if (!argument.startsWith('arn:')) return { state, name: argument };
  const alarm = parseAlarmArn(argument);
  if (!alarm)
    return {
      error: `${shown(argument)} is not a CloudWatch alarm ARN (arn:<partition>:cloudwatch:<region>:<account>:alarm:<name>)`,
    };
  return { state, ...alarm };
}

/**
 * The name and location of `arn:<partition>:cloudwatch:<region>:<account>:alarm:<name>`, or
 * undefined for anything else (split on `:`, linear; an alarm name may itself hold `:`).
 * @example parseAlarmArn('arn:aws:cloudwatch:us-east-2:222222222222:alarm:cpu-high') // { name: 'cpu-high', location: { account: '222222222222', region: 'us-east-2' } }
 */
export function parseAlarmArn(
  arn: string,
): { readonly name: string; readonly location: TargetLocation } | undefined {
  const [prefix, partition, service, region, account, ...resource] = arn.split(':');
  const qualified = resource.join(':');
  const location = locationOf(account, region);
  const name = qualified.startsWith(ALARM_ARN_RESOURCE)
    ? qualified.slice(ALARM_ARN_RESOURCE.length)
    : '';
  return prefix === 'arn' && partition && service === 'cloudwatch' && location && name
    ? { name, location }
    : undefined;
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
  // Whether each open group sits under an odd number of NOTs, and a NOT waiting for its operand:
  // `ALARM(a) AND NOT ALARM(b)` waits on a, and b is what suppresses it.
  const groupNegated: boolean[] = [];
  let pendingNot = false;
  const negatedHere = (): boolean =>
    (groupNegated[groupNegated.length - 1] ?? false) !== pendingNot;
  let i = 0;
  const fail = failAt;
  while (i < rule.length) {
    const c = rule[i]!;
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === '(') {
      groupNegated.push(negatedHere());
      pendingNot = false;
      i++;
      continue;
    }
    if (c === ')') {
      if (groupNegated.length === 0) return fail("')' without its '('", i);
      groupNegated.pop();
      i++;
      continue;
    }
    if (!isWordChar(c)) return fail(`unexpected ${shown(c)}`, i);
    const start = i;
    while (isWordChar(rule[i])) i++;
    const word = rule.slice(start, i);
    if (word === 'NOT') {
      pendingNot = !pendingNot;
      continue;
    }
    if (KEYWORDS.has(word)) {
      if (word === 'TRUE' || word === 'FALSE') pendingNot = false;
      continue;
    }
    const negated = negatedHere();
    pendingNot = false;
    if (word === AT_LEAST) {
      const read = atLeast(rule, i, start, alarms, negated);
      if ('error' in read) return read;
      i = read.next;
      continue;
    }
    if (!STATE_FUNCTIONS.has(word))
      return fail(
        `unknown word ${shown(word)} (a rule has ALARM(…), OK(…), INSUFFICIENT_DATA(…), AT_LEAST(…), TRUE, FALSE, AND, OR, NOT and parentheses)`,
        start,
      );
    while (isSpace(rule[i])) i++;
    if (rule[i] !== '(') return fail(`${word} without '('`, start);
    i++;
    while (isSpace(rule[i])) i++;
    const argument = alarmArgument(rule, i, ')', `${word}(`, start);
    if ('error' in argument) return argument;
    i = argument.next;
    while (isSpace(rule[i])) i++;
    if (rule[i] !== ')') return fail(`${word}( without ')'`, start);
    i++;
    const alarm = ruleAlarm(countedState(word as AlarmRuleState, negated), argument.text);
    if ('error' in alarm) return fail(alarm.error, start);
    alarms.push(alarm);
  }
  if (groupNegated.length > 0) return { error: `${groupNegated.length} '(' without ')'` };
  return { alarms };
}

/**
 * One alarm argument at `i`: a quoted name, or an unquoted one up to `stop` (`)` in a state
 * function; `,` or `)` in AT_LEAST's list). `next` is just past it.
 */
function alarmArgument(
  rule: string,
  i: number,
  stop: ')' | ',)',
  where: string,
  start: number,
): { readonly text: string; readonly next: number } | { readonly error: string } {
  if (rule[i] === '"') {
    const end = rule.indexOf('"', i + 1);
    if (end < 0) return failAt('unterminated quoted alarm name', i);
    const text = rule.slice(i + 1, end);
    if (!text) return failAt(`${where}) names no alarm`, start);
    return { text, next: end + 1 };
  }
  let end = i;
  while (end < rule.length && !stop.includes(rule[end]!)) end++;
  if (end >= rule.length) return failAt(`${where} without ')'`, start);
  const text = rule.slice(i, end).trimEnd();
  // An unquoted name stops at the delimiter: one holding '(', ',' or '"' had to be quoted.
  for (const ch of text)
    if (ch === '(' || ch === '"')
      return failAt(`${where}${shown(text)}): an alarm name with ( or " must be quoted`, start);
  if (!text) return failAt(`${where}) names no alarm`, start);
  return { text, next: end };
}

/**
 * `AT_LEAST(<count or N%>, [NOT] <state>, (<alarm>, …))`, read from just after the word. Its
 * alarms are the incident when the state it counts can be ALARM (ALARM, NOT OK,
 * NOT INSUFFICIENT_DATA); with OK, INSUFFICIENT_DATA or NOT ALARM they are not.
 */
function atLeast(
  rule: string,
  from: number,
  start: number,
  alarms: RuleAlarm[],
  outerNegated: boolean,
): { readonly next: number } | { readonly error: string } {
  let i = from;
  const skip = () => {
    while (isSpace(rule[i])) i++;
  };
  const expect = (c: string, what: string): { error: string } | undefined => {
    skip();
    if (rule[i] !== c) return failAt(`AT_LEAST(…): ${what}`, i < rule.length ? i : start);
    i++;
    return undefined;
  };
  const word = (): string => {
    skip();
    const w = i;
    while (isWordChar(rule[i])) i++;
    return rule.slice(w, i);
  };
  const opened = expect('(', "'(' expected after AT_LEAST");
  if (opened) return opened;
  const threshold = word();
  if (!/^\d+$/.test(threshold) || Number(threshold) < 1)
    return failAt(`AT_LEAST(…): a count or percentage of at least 1 expected`, i);
  if (rule[i] === '%') i++;
  const comma = expect(',', "',' expected after the count");
  if (comma) return comma;
  let state = word();
  const negated = state === 'NOT';
  if (negated) state = word();
  if (!STATE_FUNCTIONS.has(state))
    return failAt(`AT_LEAST(…): ALARM, OK or INSUFFICIENT_DATA expected, not ${shown(state)}`, i);
  const counted = countedState(state as AlarmRuleState, negated !== outerNegated);
  const listComma = expect(',', "',' expected after the state");
  if (listComma) return listComma;
  const listOpen = expect('(', "'(' expected before the list of alarms");
  if (listOpen) return listOpen;
  for (;;) {
    skip();
    const argument = alarmArgument(rule, i, ',)', 'AT_LEAST(…, (', start);
    if ('error' in argument) return argument;
    i = argument.next;
    const alarm = ruleAlarm(counted, argument.text);
    if ('error' in alarm) return failAt(alarm.error, start);
    alarms.push(alarm);
    skip();
    if (rule[i] === ',') {
      i++;
      continue;
    }
    const listClose = expect(')', "',' or ')' expected in the list of alarms");
    if (listClose) return listClose;
    break;
  }
  const closed = expect(')', "')' expected after the list of alarms");
  if (closed) return closed;
  return { next: i };
}
