/**
 * Metrics Insights alarms watch a SQL-like query instead of one metric
 * (`SELECT AVG(CPUUtilization) FROM SCHEMA("AWS/EC2", InstanceId) WHERE InstanceId = 'i-0abc…'`).
 * The targets such an alarm names are the dimensions its WHERE clause pins by equality; a query
 * that only groups (`GROUP BY InstanceId`) watches many series and names no single target.
 * One pass over the query, no backtracking: a query is alarm text, i.e. untrusted.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-metrics-insights-querylanguage.html
 */

/**
 * What a query pins: the dimension equalities of its WHERE clause and the namespace its FROM names
 * (when it names one: `FROM SCHEMA("AWS/ECS", ClusterName)` or `FROM "AWS/ECS"`), or why it pins nothing.
 */
export type QueryDimensions =
  | { readonly dimensions: Readonly<Record<string, string>>; readonly namespace?: string }
  | { readonly reason: string };

/** Longest query read (CloudWatch allows 2,048 characters in an alarm's expression). */
export const MAX_QUERY_CHARS = 2048;

/** True for a Metrics Insights query (not metric math over metric ids, such as `m1 + m2`). */
export function isMetricsInsightsQuery(expression: unknown): expression is string {
  return typeof expression === 'string' && /^\s{0,100}SELECT\s/i.test(expression);
}

type Token = { readonly kind: 'word' | 'string' | 'op'; readonly text: string };

/** Splits a query into words (identifiers, keywords, `"quoted"` names), `'strings'` and operators, in one pass. */
function tokenize(query: string): Token[] | undefined {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const c = query[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === "'" || c === '"') {
      // '' inside a string is a quote (SQL); the closing quote is the first single one.
      let text = '';
      let j = i + 1;
      for (;;) {
        if (j >= query.length) return undefined;
        if (query[j] === c && query[j + 1] === c) {
          text += c;
          j += 2;
          continue;
        }
        if (query[j] === c) break;
        text += query[j];
        j++;
      }
      tokens.push({ kind: c === "'" ? 'string' : 'word', text });
      i = j + 1;
      continue;
    }
    if (/[A-Za-z0-9_.*]/.test(c)) {
      let j = i + 1;
      while (j < query.length && /[A-Za-z0-9_.*-]/.test(query[j]!)) j++;
      tokens.push({ kind: 'word', text: query.slice(i, j) });
      i = j;
      continue;
    }
    const two = query.slice(i, i + 2);
    if (two === '!=' || two === '<>' || two === '<=' || two === '>=') {
      tokens.push({ kind: 'op', text: two });
      i += 2;
      continue;
    }
    tokens.push({ kind: 'op', text: c });
    i++;
  }
  return tokens;
}

const CLAUSE_END = new Set(['GROUP', 'ORDER', 'LIMIT']);

/** The namespace after FROM: `SCHEMA("ns", …)`'s first argument or a bare `"ns"`; undefined when FROM names none. */
function fromNamespace(tokens: readonly Token[]): string | undefined {
  const from = tokens.findIndex((t) => t.kind === 'word' && t.text.toUpperCase() === 'FROM');
  const [first, open, inner] = [tokens[from + 1], tokens[from + 2], tokens[from + 3]];
  if (from < 0 || first?.kind !== 'word') return undefined;
  if (first.text.toUpperCase() !== 'SCHEMA') return first.text;
  return open?.text === '(' && inner?.kind === 'word' ? inner.text : undefined;
}

/**
 * The dimensions a Metrics Insights query pins: `Dim = 'value'` terms joined by AND in its WHERE
 * clause. Anything else there (OR, !=, IN, LIKE, parentheses) pins nothing we can act on alone.
 * @example queryDimensions("SELECT MAX(CPUUtilization) FROM SCHEMA(\"AWS/EC2\", InstanceId) WHERE InstanceId = 'i-0123456789abcdef0'") // { dimensions: { InstanceId: 'i-0123456789abcdef0' }, namespace: 'AWS/EC2' }
 */
export function queryDimensions(query: string): QueryDimensions {
  if (query.length > MAX_QUERY_CHARS)
    return {
      reason: `a Metrics Insights query longer than ${MAX_QUERY_CHARS} characters is not read`,
    };
  const tokens = tokenize(query);
  if (!tokens) return { reason: 'a Metrics Insights query with an unterminated quote' };
  const where = tokens.findIndex((t) => t.kind === 'word' && t.text.toUpperCase() === 'WHERE');
  const grouped = tokens.some((t) => t.kind === 'word' && t.text.toUpperCase() === 'GROUP');
  const noTarget = `a Metrics Insights query ${grouped ? 'grouping many series (GROUP BY) ' : ''}with no WHERE Dimension = 'value' names no single target; alarm on a query WHERE InstanceId = 'i-…' (or another target dimension), or start a manual run`;
  if (where < 0) return { reason: noTarget };
  const dimensions: Record<string, string> = {};
  let i = where + 1;
  for (;;) {
    const [name, op, value, next] = [tokens[i], tokens[i + 1], tokens[i + 2], tokens[i + 3]];
    if (name?.kind !== 'word' || op?.kind !== 'op' || op.text !== '=' || value?.kind !== 'string') {
      return {
        reason:
          "a Metrics Insights query whose WHERE clause is not Dimension = 'value' terms joined by AND names no single target",
      };
    }
    dimensions[name.text] = value.text;
    if (!next || (next.kind === 'word' && CLAUSE_END.has(next.text.toUpperCase()))) break;
    if (next.kind !== 'word' || next.text.toUpperCase() !== 'AND') {
      return {
        reason:
          "a Metrics Insights query whose WHERE clause is not Dimension = 'value' terms joined by AND names no single target",
      };
    }
    i += 4;
  }
  const namespace = fromNamespace(tokens);
  return namespace === undefined ? { dimensions } : { dimensions, namespace };
}
