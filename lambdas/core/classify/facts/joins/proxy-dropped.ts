import { clip, type Fact, type FactLine } from '../fact.js';
import { MAX_JOINED_FACTS, type FactJoin } from './fact-join.js';
import { forEachUnderHeading } from './settings-heading.js';

// systemd reads `%` followed by anything but `%` in a unit's Environment= value as a specifier; one
// it cannot resolve (`%4` of a percent-encoded `@`) drops the whole assignment (systemd >= 236,
// systemd/systemd#9842). So a proxy the unit sets is only the daemon's when its running environment
// shows it: the unit's line is joined with what the SAME daemon got, its /proc/<pid>/environ or
// `systemctl show <unit> --property=Environment`, never with another daemon's. Whose lines follow
// which heading is settings-heading's answer, shared with the daemons' proxy environments.

const UNIT_LINE = /^\s*Environment=/;
const EMPTY_ENVIRONMENT = /^\s*Environment=\s*$/;
const PROXY_WORD = /\b((?:https?|all|no)_proxy)=("?)([^\s"']*)/gi;
const ENVIRON_LINE = /^((?:https?|all|no)_proxy)=\S/i;
const PID_NONE = /^\(pid \d+: none\)/;

/** Whether a unit value holds a `%` systemd reads as a specifier (`%%` is the escaped form). */
function hasSpecifier(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    if (value[i] !== '%') continue;
    if (value[i + 1] === '%') i++;
    else return true;
  }
  return false;
}

interface DroppedValue {
  readonly daemon: string;
  readonly variable: string;
  readonly line: FactLine;
}

/** What the daemon's running environment showed: its proxy variables, or nothing at all. */
interface RunningEnvironment {
  readonly variables: Set<string>;
  /** The line that shows the environment without the variable (`(pid N: none)`, `Environment=`). */
  empty?: FactLine;
  shown?: FactLine;
}

/**
 * A proxy value in a daemon's unit (a drop-in's `Environment=`) holding an unescaped `%`, joined
 * with the same daemon's running environment lacking that variable: systemd dropped the
 * assignment and the daemon runs without the proxy. Fields: daemon (its process name, `dockerd`
 * for docker.service), variable.
 */
export const proxyDropped: FactJoin = {
  kind: 'proxy.dropped',
  inputs: [],
  markers: ['environment='],
  join(input) {
    // Only a proxy value holding a `%` can have been dropped: without one anywhere, no line is read
    // (the marker alone lets in every bundle that shows a unit's Environment=).
    const mayHoldDropped = (text: string) => text.includes('%') && /_proxy=/i.test(text);
    if (!input.allSections.some(({ output }) => mayHoldDropped(output))) return [];
    const dropped: DroppedValue[] = [];
    const running = new Map<string, RunningEnvironment>();
    const runningOf = (daemon: string) => {
      let r = running.get(daemon);
      if (!r) {
        r = { variables: new Set() };
        running.set(daemon, r);
      }
      return r;
    };
    for (const section of input.allSections) {
      const { name } = section;
      forEachUnderHeading(section, (line, lineNo, heading, opens) => {
        if (opens || !heading?.daemon) return;
        const daemon = heading.daemon;
        const at = (): FactLine => ({ section: name, line: lineNo, text: clip(line.trim()) });
        if (heading.shows === 'running') {
          const variable = ENVIRON_LINE.exec(line);
          if (variable) {
            const r = runningOf(daemon);
            r.variables.add(variable[1]!.toLowerCase());
            r.shown ??= at();
          } else if (PID_NONE.test(line)) runningOf(daemon).empty ??= at();
          return;
        }
        if (!UNIT_LINE.test(line)) return;
        // `systemctl show`'s Environment= is the unit as systemd parsed it: what it kept, or an
        // empty line when it kept nothing. Either is what the daemon got from its unit, never a
        // value systemd has yet to read (a `%` there is a literal one, already resolved).
        if (heading.shows === 'loaded') {
          const r = runningOf(daemon);
          if (EMPTY_ENVIRONMENT.test(line)) r.empty ??= at();
          else {
            for (const m of line.matchAll(PROXY_WORD)) r.variables.add(m[1]!.toLowerCase());
            r.shown ??= at();
          }
          return;
        }
        if (heading.shows !== 'configured' || dropped.length >= MAX_JOINED_FACTS) return;
        for (const m of line.matchAll(PROXY_WORD)) {
          if (hasSpecifier(m[3]!)) {
            dropped.push({ daemon, variable: m[1]!.toLowerCase(), line: at() });
          }
        }
      });
    }
    const facts: Fact[] = [];
    for (const d of dropped) {
      const r = running.get(d.daemon);
      // Not running, or its environment not shown: nothing says the value was dropped.
      if (!r || r.variables.has(d.variable)) continue;
      const evidence = r.empty ?? r.shown;
      if (!evidence) continue;
      facts.push({
        kind: 'proxy.dropped',
        section: d.line.section,
        line: d.line.line,
        text: d.line.text,
        fields: { daemon: d.daemon, variable: d.variable },
        joined: [evidence],
      });
    }
    return facts;
  },
};
