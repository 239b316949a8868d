import { clip, forEachLine, type FactLine } from '../fact.js';
import type { JoinSection } from './fact-join.js';

/** A kubelet eviction signal about a filesystem (memory and PID signals are no disk's). */
export type FsSignal =
  | 'nodefs.available'
  | 'imagefs.available'
  | 'nodefs.inodesFree'
  | 'imagefs.inodesFree';

/** One filesystem eviction threshold the kubelet runs with. */
export interface FsThreshold {
  readonly signal: FsSignal;
  /** `hard`/`soft` as configured; `default` when the config names no evictionHard at all. */
  readonly eviction: 'hard' | 'soft' | 'default';
  /** As written: `15%`, `10Gi`, `100k`. */
  readonly value: string;
  /** The percentage of capacity, or null for a quantity. */
  readonly percent: number | null;
  /** Bytes (or inodes) for a quantity, or null for a percentage. */
  readonly quantity: number | null;
  /** The line that sets it, or the config's `kind: KubeletConfiguration` for a default. */
  readonly at: FactLine;
}

/**
 * The kubelet's documented hard eviction defaults for filesystems, applied only when a kubelet
 * configuration is shown and names no evictionHard (kubelet replaces the whole default map with any
 * evictionHard it is given). imagefs.inodesFree joined the defaults only in recent releases: left
 * out, so an older kubelet is never credited with a threshold it does not have.
 */
const DEFAULT_HARD: readonly [FsSignal, string][] = [
  ['nodefs.available', '10%'],
  ['imagefs.available', '15%'],
  ['nodefs.inodesFree', '5%'],
];

// JSON or YAML key of the two threshold maps; evictionSoftGracePeriod and the like do not match.
const MAP_KEY = /\beviction(Hard|Soft)["']?\s*:/g;
// The command-line form, as a process listing or the kubelet's own FLAG log shows it.
const FLAG = /--eviction-(hard|soft)[=\s]\s*["']?([^"'\s]{1,2048})/g;
// One filesystem threshold: `"nodefs.available": "10%"`, `imagefs.available: 15%`, `nodefs.available<10Gi`.
const PAIR =
  /\b(nodefs|imagefs)\.(available|inodesFree)["']?\s*[:<]\s*["']?(\d{1,15}(?:\.\d{1,6})?)(%|[KMGTPE]i|[kKMGTPE])?(?![\w.])/g;
// A line of a YAML/JSON threshold map: any `<resource>.<signal>:` key (memory.available too).
const MAP_ENTRY = /^\s*["']?[a-z]{1,16}\.[A-Za-z]{1,16}["']?\s*:/;
const CONFIG_KIND = /\bKubeletConfiguration\b/;

const QUANTITY_UNITS: Record<string, number> = {
  '': 1,
  k: 1e3,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  Pi: 1024 ** 5,
  Ei: 1024 ** 6,
};

function threshold(
  signal: FsSignal,
  eviction: FsThreshold['eviction'],
  amount: string,
  unit: string,
  at: FactLine,
): FsThreshold {
  const n = Number(amount);
  return unit === '%'
    ? { signal, eviction, value: `${amount}%`, percent: n, quantity: null, at }
    : {
        signal,
        eviction,
        value: `${amount}${unit}`,
        percent: null,
        quantity: n * QUANTITY_UNITS[unit]!,
        at,
      };
}

/** What the kubelet configuration shown in some sections says about filesystem eviction. */
export interface EvictionConfig {
  /** Thresholds in force: the configured ones, or the defaults (see DEFAULT_HARD). */
  readonly thresholds: readonly FsThreshold[];
  /** Whether any kubelet configuration (a KubeletConfiguration, an eviction map or flag) was shown. */
  readonly shown: boolean;
}

/**
 * Reads filesystem eviction thresholds from kubelet configurations: the JSON (EKS
 * kubelet-config.json, minified or not) and YAML (kubeadm config.yaml) forms, and the
 * `--eviction-hard=` flag. A map continues while its lines are `<resource>.<signal>:` entries; a
 * threshold named twice keeps its first setting, the `kubelet.config` section's before any other.
 * Linear in the text.
 */
export function evictionConfig(sections: readonly JoinSection[]): EvictionConfig {
  const found = new Map<string, FsThreshold>();
  let kindLine: FactLine | null = null;
  let hardNamed = false;
  let softNamed = false;
  const add = (eviction: 'hard' | 'soft', text: string, at: FactLine) => {
    for (const m of text.matchAll(PAIR)) {
      const signal = `${m[1]}.${m[2]}` as FsSignal;
      const key = `${eviction} ${signal}`;
      if (!found.has(key)) found.set(key, threshold(signal, eviction, m[3]!, m[4] ?? '', at));
    }
  };
  // The config file the collector reads speaks first: a kubelet's FLAG log shows flag defaults
  // that its config file may override.
  const ordered = [
    ...sections.filter((s) => s.name === 'kubelet.config'),
    ...sections.filter((s) => s.name !== 'kubelet.config'),
  ];
  for (const { name, output } of ordered) {
    let open: 'hard' | 'soft' | null = null;
    forEachLine(output, (line, lineNo) => {
      const at = (): FactLine => ({ section: name, line: lineNo, text: clip(line) });
      if (kindLine === null && CONFIG_KIND.test(line)) kindLine = at();
      const keys = [...line.matchAll(MAP_KEY)];
      if (keys.length > 0) {
        // Each map reads up to its closing brace or the next map's key, whichever comes first
        // (minified JSON holds both maps on one line): the pieces never overlap, so this is linear.
        let close = -1; // the next '}' at or after the current key; Infinity once none is left
        keys.forEach((key, i) => {
          const kind = key[1] === 'Hard' ? 'hard' : 'soft';
          if (kind === 'hard') hardNamed = true;
          else softNamed = true;
          const from = key.index + key[0].length;
          if (close < from) {
            const brace = line.indexOf('}', from);
            close = brace < 0 ? Number.POSITIVE_INFINITY : brace;
          }
          const next = keys[i + 1]?.index ?? line.length;
          add(kind, line.slice(from, Math.min(close, next)), at());
          // A map whose brace has not closed on this line goes on below it.
          open = close < next ? null : kind;
        });
      } else if (open !== null) {
        if (MAP_ENTRY.test(line)) add(open, line, at());
        else if (line.trim() !== '') open = null;
      }
      for (const flag of line.matchAll(FLAG)) {
        const eviction = flag[1] === 'hard' ? 'hard' : 'soft';
        if (eviction === 'hard') hardNamed = true;
        else softNamed = true;
        add(eviction, flag[2]!, at());
      }
    });
  }
  const thresholds = [...found.values()];
  const shown = kindLine !== null || hardNamed || softNamed;
  if (!hardNamed && kindLine !== null)
    for (const [signal, value] of DEFAULT_HARD)
      thresholds.push(threshold(signal, 'default', value.slice(0, -1), '%', kindLine));
  return { thresholds, shown };
}
