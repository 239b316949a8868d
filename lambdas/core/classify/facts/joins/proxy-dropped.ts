import { clip, type Fact, type FactLine, forEachLine } from '../fact.js';
import { MAX_JOINED_FACTS, type FactJoin } from './fact-join.js';

// systemd reads `%` followed by anything but `%` in a unit's Environment= value as a specifier; one
// it cannot resolve (`%4` of a percent-encoded `@`) drops the whole assignment (systemd >= 236,
// systemd/systemd#9842). So a proxy the unit sets is only the daemon's when its running environment
// shows it: the unit's line is joined with what the SAME daemon got, its /proc/<pid>/environ or
// `systemctl show <unit> --property=Environment`, never with another daemon's.

/** How many characters of a heading are read for the daemon it names. */
const HEADING_CHARS = 512;
const HEADING = /^\s*(#|\$)/;
const UNIT_LINE = /^\s*Environment=/;
const EMPTY_ENVIRONMENT = /^\s*Environment=\s*$/;
const PROXY_WORD = /\b((?:https?|all|no)_proxy)=("?)([^\s"']*)/gi;
const ENVIRON_LINE = /^((?:https?|all|no)_proxy)=\S/i;
const PID_NONE = /^\(pid \d+: none\)/;

// Whose lines follow a heading: the collector's `proxy variables of kubelet from /proc/<pid>/environ`
// and `proxy lines of kubelet.service from systemctl cat`, a unit file's `# /etc/systemd/system/
// docker.service.d/http-proxy.conf`, a pasted `$ systemctl show docker --property=Environment`.
const ENVIRON_OF = /proxy variables of ([\w.@-]+) from \/proc\/|pidof ([\w.@-]+)/;
const UNIT_FILE = /([\w@-]+)\.service\b/;
const SYSTEMCTL = /\bsystemctl\s+(?:cat|show)\s+(?:-\S+\s+)*(\w[\w@.-]*)/;
// The manager's DefaultEnvironment (`systemctl show --property=DefaultEnvironment`, system.conf) is
// no unit's: its heading names no daemon, whatever words follow the command.
const MANAGER = /\bDefaultEnvironment\b|\bsystem\.conf\b/;

/** A daemon's name as its unit has it: dockerd runs as docker.service, the others as themselves. */
function daemonKey(name: string): string {
  const bare = name.toLowerCase().replace(/\.service$/, '');
  return bare === 'dockerd' ? 'docker' : bare;
}

/** What a heading line says follows it: a daemon's environ, its unit's lines, or neither. */
export function headingContext(line: string): { mode: 'environ' | 'unit'; daemon: string } | null {
  const head = line.slice(0, HEADING_CHARS);
  const environ = ENVIRON_OF.exec(head);
  if (environ) return { mode: 'environ', daemon: daemonKey(environ[1] ?? environ[2]!) };
  if (MANAGER.test(head)) return null;
  const unit = UNIT_FILE.exec(head) ?? SYSTEMCTL.exec(head);
  if (unit) return { mode: 'unit', daemon: daemonKey(unit[1]!) };
  return null;
}

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
 * assignment and the daemon runs without the proxy. Fields: daemon (unit name), variable.
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
    for (const { name, output } of input.allSections) {
      let context: ReturnType<typeof headingContext> = null;
      forEachLine(output, (line, lineNo) => {
        const at = (): FactLine => ({ section: name, line: lineNo, text: clip(line.trim()) });
        if (HEADING.test(line)) {
          context = headingContext(line);
          return;
        }
        if (!context) return;
        if (context.mode === 'environ') {
          const variable = ENVIRON_LINE.exec(line);
          if (variable) {
            const r = runningOf(context.daemon);
            r.variables.add(variable[1]!.toLowerCase());
            r.shown ??= at();
          } else if (PID_NONE.test(line)) runningOf(context.daemon).empty ??= at();
          return;
        }
        if (EMPTY_ENVIRONMENT.test(line)) {
          runningOf(context.daemon).empty ??= at();
          return;
        }
        if (!UNIT_LINE.test(line) || dropped.length >= MAX_JOINED_FACTS) return;
        for (const m of line.matchAll(PROXY_WORD)) {
          if (hasSpecifier(m[3]!)) {
            dropped.push({ daemon: context.daemon, variable: m[1]!.toLowerCase(), line: at() });
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
