/**
 * Just enough of resource.Quantity for kubectl's resource summaries: parse "250m", "1", "128Mi",
 * "1G", "1e3"; sum; print the way Quantity.String() prints a canonical value.
 */

/** A parsed quantity: value in base units as a (possibly fractional) number, plus its format. */
export interface Quantity {
  readonly value: number;
  readonly format: 'DecimalSI' | 'BinarySI' | 'DecimalExponent';
}

const BINARY: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const DECIMAL: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

/** Parses a quantity string; undefined when it is not one. */
export function parseQuantity(text: string | undefined): Quantity | undefined {
  if (text === undefined) return undefined;
  const m = /^([+-]?\d+(?:\.\d+)?|[+-]?\.\d+)([eE][+-]?\d+|Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?$/.exec(
    text.trim(),
  );
  if (!m) return undefined;
  const n = Number(m[1]);
  const suffix = m[2] ?? '';
  if (suffix in BINARY) return { value: n * BINARY[suffix]!, format: 'BinarySI' };
  if (/^[eE]/.test(suffix))
    return { value: n * 10 ** Number(suffix.slice(1)), format: 'DecimalExponent' };
  return { value: n * DECIMAL[suffix]!, format: 'DecimalSI' };
}

const near = (a: number, b: number) => Math.abs(a - b) < 1e-9 * Math.max(1, Math.abs(a));

/** Quantity.String() of a canonical value: the largest suffix that divides it exactly. */
export function formatQuantity(q: Quantity): string {
  const v = q.value;
  if (v === 0) return '0';
  if (q.format === 'BinarySI' && v >= 1024 && Number.isInteger(v)) {
    for (const s of ['Ei', 'Pi', 'Ti', 'Gi', 'Mi', 'Ki']) {
      const r = v / BINARY[s]!;
      if (Number.isInteger(r)) return `${r}${s}`;
    }
    return String(v);
  }
  for (const s of ['E', 'P', 'T', 'G', 'M', 'k', '', 'm', 'u', 'n']) {
    const r = v / DECIMAL[s]!;
    if (Math.abs(r) >= 1 && near(r, Math.round(r))) return `${Math.round(r)}${s}`;
  }
  return String(v);
}

/** Sums quantity strings keeping the first one's format (Go's Quantity.Add keeps the receiver's format). */
export function sumQuantities(texts: readonly (string | undefined)[]): Quantity {
  let value = 0;
  let format: Quantity['format'] | undefined;
  for (const t of texts) {
    const q = parseQuantity(t);
    if (!q) continue;
    value += q.value;
    format ??= q.format;
  }
  return { value, format: format ?? 'DecimalSI' };
}
