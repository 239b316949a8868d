import type { LabelSelector, StringMap } from './types.js';

/** A selector that cannot be evaluated (unknown operator, In without values); the API would reject it. */
export class LabelSelectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabelSelectorError';
  }
}

/**
 * True when `labels` satisfy a metav1.LabelSelector: every matchLabels pair and every
 * matchExpression (In, NotIn, Exists, DoesNotExist). An empty selector `{}` selects
 * everything; callers decide what a missing (null) selector means.
 * @example matchesLabelSelector({ matchLabels: { app: 'web' } }, { app: 'web', tier: 'fe' }) // true
 */
export function matchesLabelSelector(
  selector: LabelSelector,
  labels: StringMap | undefined,
): boolean {
  const have = labels ?? {};
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (have[key] !== value) return false;
  }
  for (const req of selector.matchExpressions ?? []) {
    const present = Object.hasOwn(have, req.key);
    const values = req.values ?? [];
    switch (req.operator) {
      case 'In':
        if (values.length === 0)
          throw new LabelSelectorError(
            `selector key ${req.key}: operator In needs at least one value`,
          );
        if (!present || !values.includes(have[req.key]!)) return false;
        break;
      case 'NotIn':
        if (values.length === 0)
          throw new LabelSelectorError(
            `selector key ${req.key}: operator NotIn needs at least one value`,
          );
        // NotIn also matches objects without the key (apimachinery labels.Requirement.Matches).
        if (present && values.includes(have[req.key]!)) return false;
        break;
      case 'Exists':
        if (!present) return false;
        break;
      case 'DoesNotExist':
        if (present) return false;
        break;
      default:
        throw new LabelSelectorError(
          `selector key ${req.key}: unknown operator ${JSON.stringify(req.operator)}; use In, NotIn, Exists or DoesNotExist`,
        );
    }
  }
  return true;
}

/**
 * Labels the selector selects: its matchLabels, the first value of each `In` requirement and an
 * empty value for each `Exists` one (NotIn and DoesNotExist hold for a missing key).
 * @example labelsSelectedBy({ matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] }) // { app: 'web' }
 */
export function labelsSelectedBy(selector: LabelSelector): Record<string, string> {
  const labels: Record<string, string> = { ...selector.matchLabels };
  for (const r of selector.matchExpressions ?? []) {
    if (r.operator === 'In') labels[r.key] = r.values?.[0] ?? '';
    if (r.operator === 'Exists') labels[r.key] ??= '';
  }
  return labels;
}

/** True for `{}` (or undefined fields): selects every object. */
export function isEmptySelector(selector: LabelSelector | undefined): boolean {
  return (
    !selector ||
    (Object.keys(selector.matchLabels ?? {}).length === 0 &&
      (selector.matchExpressions ?? []).length === 0)
  );
}

/**
 * Formats a selector the way apimachinery's `FormatLabelSelector` does (what kubectl prints):
 * requirements sorted by key, `k=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`; `<none>` when empty.
 * @example formatLabelSelector({ matchLabels: { app: 'web' } }) // 'app=web'
 */
export function formatLabelSelector(selector: LabelSelector | undefined): string {
  if (!selector) return '<none>';
  const reqs: { key: string; text: string }[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {}))
    reqs.push({ key, text: `${key}=${value}` });
  for (const r of selector.matchExpressions ?? []) {
    const values = [...(r.values ?? [])].sort().join(',');
    const text =
      r.operator === 'In'
        ? `${r.key} in (${values})`
        : r.operator === 'NotIn'
          ? `${r.key} notin (${values})`
          : r.operator === 'Exists'
            ? r.key
            : r.operator === 'DoesNotExist'
              ? `!${r.key}`
              : '<error>';
    if (text === '<error>') return '<error>';
    reqs.push({ key: r.key, text });
  }
  // labels.Requirements sort by key only; a stable sort keeps matchLabels before expressions for equal keys.
  reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const out = reqs.map((r) => r.text).join(',');
  return out === '' ? '<none>' : out;
}

/** Formats a plain map selector (a Service's `spec.selector`) as `k=v,k2=v2`, sorted; `<none>` when empty. */
export function formatLabelMap(map: StringMap | undefined): string {
  const keys = Object.keys(map ?? {}).sort();
  return keys.length === 0 ? '<none>' : keys.map((k) => `${k}=${map![k]}`).join(',');
}
