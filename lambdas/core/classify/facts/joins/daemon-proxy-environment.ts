import { LINE_CAP } from '../../scan-limits.js';
import { clip, type Fact, type FactLine } from '../fact.js';
import type { JoinSection } from './fact-join.js';
import { forEachUnderHeading, type SettingsHeading } from './settings-heading.js';

/**
 * The Go daemons whose proxy settings the collectors show and whose logs they read, by their
 * process names (settings-heading's names: docker.service's daemon is `dockerd`).
 */
export type Daemon = 'kubelet' | 'containerd' | 'dockerd';

/** The proxy values a daemon's Go client reads (httpproxy.FromEnvironment) and the lines showing them. */
export interface DaemonProxyEnvironment {
  readonly http: string;
  readonly https: string;
  readonly no: string;
  readonly lines: readonly FactLine[];
}

/** Where a settings line says its values come from. */
type Source = 'running' | 'configured';

/**
 * The layer a heading's lines go to. `systemctl show <unit> --property=Environment` (`loaded`)
 * ranks with the unit's own lines, not with the running environment: it lists the unit's
 * Environment= as systemd parsed it, but not DefaultEnvironment nor EnvironmentFile=, which the
 * process gets too, so it cannot stand for the whole environment as /proc/<pid>/environ does; read
 * in order with the unit's lines (the last assignment wins), DefaultEnvironment stays under it.
 * proxy.dropped reads the same line as what systemd kept of the unit, which is all it asks.
 */
function sourceOf(heading: SettingsHeading | null): Source {
  return heading?.shows === 'running' ? 'running' : 'configured';
}

/** One `NAME=value` read from a settings line, in the order the line gives them. */
interface Assignment {
  /** `https:U` / `https:l`: the variable Go reads (HTTPS_PROXY, https_proxy), by its case. */
  readonly slot: string;
  readonly value: string;
}

/** The assignments of one daemon (or of every daemon) from one source, in order, with their lines. */
interface Layer {
  readonly assignments: Assignment[];
  readonly lines: FactLine[];
}

const UNIT_ENVIRONMENT = /^\s*(Default)?Environment=/;
// A variable and its separator: `NO_PROXY=`, `"no-proxy": ` (daemon.json), `No Proxy: ` (docker info).
const ASSIGNMENT = /\b((?:https?|all|no)[_ -]?proxy)"?\s*[:=][ \t]*/gi;
// Another variable right where a value would start: the value is empty (`HTTPProxy= HTTPSProxy=`).
const ASSIGNMENT_HERE = /(?:https?|all|no)[_ -]?proxy"?\s*[:=]/iy;
// Where an unquoted value ends: before whitespace that opens the next variable.
const NEXT_ASSIGNMENT = /\s(?=(?:https?|all|no)[_ -]?proxy"?\s*[:=])/gi;
const SYSTEMD_WORD = /^((?:https?|all|no)_proxy)=([\s\S]*)$/i;

/**
 * The slot Go reads a variable name into, or null when Go never reads it. Environment variables are
 * case-sensitive and Go reads only HTTPS_PROXY and https_proxy (not Https_Proxy, nor ALL_PROXY);
 * docker's own spellings (`HTTPS Proxy`, `https-proxy`) are the daemon's effective value.
 */
function slotOf(name: string): string | null {
  const lower = name.toLowerCase();
  const key = /^(https?|no)[_ -]?proxy$/.exec(lower)?.[1];
  if (!key) return null;
  if (!name.includes('_')) return `${key}:U`;
  if (name === name.toUpperCase()) return `${key}:U`;
  return name === lower ? `${key}:l` : null;
}

/**
 * systemd's words of an `Environment=` value (extract_first_word with quotes): whitespace outside
 * quotes separates words, quotes group and are removed. An unquoted `NO_PROXY=a, b` is two words,
 * as systemd reads it: `NO_PROXY=a,` and `b`.
 */
function systemdWords(value: string): string[] {
  const words: string[] = [];
  let word = '';
  let quote = '';
  let inWord = false;
  for (const c of value) {
    if (quote) {
      if (c === quote) quote = '';
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === ' ' || c === '\t') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/**
 * The proxy assignments a settings line makes, each value read whole: a quoted value to its closing
 * quote, an unquoted one to the end of the line (or the next variable), so a NO_PROXY list keeps
 * every entry (`localhost, 10.0.0.0/8`, `,10.0.0.0/8`); Go splits it on commas and trims (config.init).
 */
export function assignmentsOf(whole: string): Assignment[] {
  const line = whole.length > LINE_CAP ? whole.slice(0, LINE_CAP) : whole;
  const out: Assignment[] = [];
  const push = (name: string, value: string) => {
    const slot = slotOf(name);
    if (slot) out.push({ slot, value: value.trim() });
  };
  const unit = UNIT_ENVIRONMENT.exec(line);
  if (unit) {
    for (const word of systemdWords(line.slice(unit[0].length))) {
      const m = SYSTEMD_WORD.exec(word);
      if (m) push(m[1]!, m[2]!);
    }
    return out;
  }
  ASSIGNMENT.lastIndex = 0;
  for (let m = ASSIGNMENT.exec(line); m; m = ASSIGNMENT.exec(line)) {
    const start = m.index + m[0].length;
    let end = start;
    let value = '';
    const quote = line[start];
    ASSIGNMENT_HERE.lastIndex = start;
    if (quote === '"' || quote === "'") {
      const close = line.indexOf(quote, start + 1);
      end = close < 0 ? line.length : close + 1;
      value = line.slice(start + 1, close < 0 ? line.length : close);
    } else if (!ASSIGNMENT_HERE.test(line)) {
      NEXT_ASSIGNMENT.lastIndex = start;
      end = NEXT_ASSIGNMENT.exec(line)?.index ?? line.length;
      value = line.slice(start, end).replace(/[\s,}]+$/, '');
    }
    push(m[1]!, value);
    ASSIGNMENT.lastIndex = Math.max(end, start);
  }
  return out;
}

/** What Go reads for one key from an environment: the upper-case variable when non-empty, else the lower. */
function goValues(assignments: readonly Assignment[]): { http: string; https: string; no: string } {
  const env = new Map<string, string>();
  for (const a of assignments) env.set(a.slot, a.value); // a later assignment replaces an earlier one
  const read = (key: string) => env.get(`${key}:U`) || env.get(`${key}:l`) || '';
  // A proxy URL has no spaces or commas: the first token, as proxy.setting reads it.
  const url = (key: string) => /^[^\s"',}]*/.exec(read(key))![0];
  return { http: url('http'), https: url('https'), no: read('no') };
}

/**
 * Each daemon's proxy environment, by explicit precedence: its running environment when shown
 * (the truth, `(pid N: none)` included), else its unit's lines over systemd's DefaultEnvironment (the
 * last assignment of a variable wins, as systemd applies them in order), else DefaultEnvironment or
 * settings no daemon's heading claims. Go's upper-before-lower rule applies within the chosen
 * environment only. `settings` are proxy.setting facts; only the daemon-scope ones count.
 */
export function daemonProxyEnvironments(
  settings: readonly Fact[],
  sections: readonly JoinSection[],
): (daemon: Daemon) => DaemonProxyEnvironment | null {
  const wanted = new Map<string, Set<number>>();
  for (const f of settings) {
    if (f.fields.scope !== 'daemon') continue;
    const lines = wanted.get(f.section);
    if (lines) lines.add(f.line);
    else wanted.set(f.section, new Set([f.line]));
  }
  const layers = new Map<string, Layer>(); // `${daemon ?? '*'}:${source}`
  const layer = (daemon: string | null, source: Source) => {
    const key = `${daemon ?? '*'}:${daemon ? source : 'configured'}`;
    let l = layers.get(key);
    if (!l) {
      l = { assignments: [], lines: [] };
      layers.set(key, l);
    }
    return l;
  };
  for (const section of sections) {
    const lines = wanted.get(section.name);
    if (!lines) continue;
    forEachUnderHeading(section, (line, lineNo, heading) => {
      if (!lines.has(lineNo)) return;
      // systemd's manager-wide DefaultEnvironment is every unit's, under whatever heading.
      const l = /^\s*DefaultEnvironment=/.test(line)
        ? layer(null, 'configured')
        : layer(heading?.daemon ?? null, sourceOf(heading));
      l.assignments.push(...assignmentsOf(line));
      if (l.lines.length < 8)
        l.lines.push({ section: section.name, line: lineNo, text: clip(line.trim()) });
    });
  }
  const cache = new Map<Daemon, DaemonProxyEnvironment | null>();
  return (daemon) => {
    if (!cache.has(daemon)) {
      const running = layers.get(`${daemon}:running`);
      const own = layers.get(`${daemon}:configured`);
      const every = layers.get('*:configured');
      // DefaultEnvironment first: the unit's own assignments are applied after it.
      const chosen = running ? [running] : [every, own].filter((l): l is Layer => l !== undefined);
      cache.set(
        daemon,
        chosen.length === 0
          ? null
          : {
              ...goValues(chosen.flatMap((l) => l.assignments)),
              lines: [...chosen]
                .reverse()
                .flatMap((l) => l.lines)
                .slice(0, 8),
            },
      );
    }
    return cache.get(daemon) ?? null;
  };
}
