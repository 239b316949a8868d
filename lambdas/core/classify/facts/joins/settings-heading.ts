import { forEachLine } from '../fact.js';

// The one reader of the headings above a daemon's proxy settings (net.proxy, pasted host.services):
// the collector's `# proxy variables of kubelet from /proc/<pid>/environ (credentials masked)` and
// `# proxy lines of docker.service from systemctl cat, ...`, a unit file's `# /etc/systemd/system/
// docker.service.d/http-proxy.conf`, a pasted `$ systemctl show docker --property=Environment`.
// A heading is told by how the line opens, never by a word inside it: an environ value naming a
// Consul host (`HTTPS_PROXY=http://squid.service.consul:3128`), or a log line mentioning
// `docker.service` or `/proc/`, shows settings under the heading above it and never opens a new one.

/** How many characters of a heading are read: the unit and command regexes scan a run per start. */
const HEADING_CHARS = 512;
// What opens a block: a comment or file heading (`#`), a prompt (`$`, `➜`, `user@host:~$`), or a
// command pasted without one (the same openings the proxy.setting extractor reads as a prompt).
const HEADING = /^\s*(?:#|\$|➜|\[?[\w.-]+@\S+[\]:#$]|(?:sudo|cat|systemctl)\s)/;
// What the process holds now: its /proc/<pid>/environ (the collector's heading, `pidof`), or
// `docker info` (dockerd's effective proxy: its environment and daemon.json together).
const ENVIRON_OF =
  /proxy variables of ([\w.@-]+) from \/proc\/|\bpidof\s+([\w.@-]+)|\bpgrep\s+(?:-\S+\s+)*([\w.@-]+)/;
const RUNNING = /\/proc\/|\benviron\b|\bdocker info\b/i;
// The manager's DefaultEnvironment (`systemctl show --property=DefaultEnvironment`, system.conf,
// `systemctl show-environment`) is every unit's and no daemon's, whatever words follow the command.
const MANAGER = /\bDefaultEnvironment\b|\bsystem\.conf\b|\bshow-environment\b/;
const SYSTEMCTL_SHOW = /\bsystemctl\s+show\s/;
const UNIT_NAME_CHAR = /[\w@-]/;
const SYSTEMCTL_VERB = /(?:^|[^\w.-])systemctl$/;
const UNIT_WORD = /^\w[\w@.-]*/;
// A daemon named anywhere in a heading that names no unit (`# docker info proxy settings`,
// `$ cat /etc/docker/daemon.json`): the daemons whose settings the collectors show.
const DAEMON_WORD = /\b(kubelet|containerd|dockerd|docker)\b|\bdaemon\.json\b/i;

/**
 * What the lines under a heading show:
 * - `running`: the process's own environment (/proc/<pid>/environ, `docker info`), the truth;
 * - `loaded`: `systemctl show <unit> --property=Environment`, the unit's own Environment= as systemd
 *   parsed it (specifiers resolved, a value it could not resolve dropped), without DefaultEnvironment
 *   or EnvironmentFile=;
 * - `configured`: what was written (`systemctl cat`, a unit file or drop-in, daemon.json);
 * - `manager`: systemd's DefaultEnvironment, which every unit inherits (no daemon).
 */
export type HeadingShows = 'running' | 'loaded' | 'configured' | 'manager';

/** Whose settings follow a heading, and what kind of settings they are. */
export interface SettingsHeading {
  /**
   * The daemon by its process name, one per daemon: `dockerd` (it runs as docker.service, `docker
   * info` asks it), `kubelet`, `containerd`, any unit's name without `.service`; null when the
   * heading names none (the manager's, a file no daemon owns).
   */
  readonly daemon: string | null;
  readonly shows: HeadingShows;
}

/**
 * A daemon's name as its process has it: docker.service and `docker info` are dockerd's, every
 * other unit runs a process of its own name.
 */
export function daemonName(name: string): string {
  const bare = name.toLowerCase().replace(/\.service$/, '');
  return bare === 'docker' ? 'dockerd' : bare;
}

/** What a heading says follows it, or null when the line is no heading. */
export function settingsHeading(line: string): SettingsHeading | null {
  const head = line.length > HEADING_CHARS ? line.slice(0, HEADING_CHARS) : line;
  if (!HEADING.test(head)) return null;
  const environ = ENVIRON_OF.exec(head);
  if (environ) {
    return { daemon: daemonName(environ[1] ?? environ[2] ?? environ[3]!), shows: 'running' };
  }
  if (RUNNING.test(head)) return { daemon: namedIn(head), shows: 'running' };
  if (MANAGER.test(head)) return { daemon: null, shows: 'manager' };
  const unit = unitFileName(head) ?? systemctlUnit(head);
  const daemon = unit ? daemonName(unit) : namedIn(head);
  return { daemon, shows: SYSTEMCTL_SHOW.test(head) ? 'loaded' : 'configured' };
}

/**
 * The unit a heading's first `NAME.service` names (a unit file, a drop-in's directory). Found with
 * indexOf and read backwards: an unanchored `([\w@-]+)\.service` restarts its run at every
 * character, quadratic in a long heading.
 */
function unitFileName(head: string): string | null {
  for (let at = head.indexOf('.service'); at >= 0; at = head.indexOf('.service', at + 1)) {
    const after = head[at + 8];
    if (after !== undefined && /\w/.test(after)) continue; // `.services`, `.service_x`
    let start = at;
    while (start > 0 && UNIT_NAME_CHAR.test(head[start - 1]!)) start--;
    if (start < at) return head.slice(start, at);
  }
  return null;
}

/**
 * The unit a `systemctl cat|show|status` command names: its first word that is no option nor an
 * option's value (`-p Environment`). Read word by word: a regex with an optional option value
 * (`(?:-p \S+ |-\S+ )*`) parses `-p -p -p …` in exponentially many ways before it fails.
 */
function systemctlUnit(head: string): string | null {
  const words = head.split(/\s+/);
  for (let i = 0; i + 1 < words.length; i++) {
    if (!SYSTEMCTL_VERB.test(words[i]!) || !/^(?:cat|show|status)$/.test(words[i + 1]!)) continue;
    for (let j = i + 2; j < words.length; j++) {
      const word = words[j]!;
      if (word === '-p' || word === '--property') j++;
      else if (!word.startsWith('-')) return UNIT_WORD.exec(word)?.[0] ?? null;
    }
    return null;
  }
  return null;
}

/** The daemon a heading names without a unit: daemon.json is dockerd's file. */
function namedIn(head: string): string | null {
  const named = DAEMON_WORD.exec(head);
  if (!named) return null;
  return named[1] ? daemonName(named[1]) : 'dockerd';
}

/**
 * Visits each line of a section with the heading it sits under; a heading line is visited as
 * under itself, with `opens` true. Above the first heading the lines are under the section's
 * command when it reads as one (a pasted `sudo systemctl show --property Environment docker`
 * printed them). The collectors open each block they print with a heading of its own, so their
 * commands (`systemctl --failed; systemctl status docker …` for host.services) head at most a
 * line that says a probe could not run; the engine gives no command for a truncated section.
 * Return false to stop, as with forEachLine.
 */
export function forEachUnderHeading(
  { output, command }: { readonly output: string; readonly command?: string },
  visit: (
    line: string,
    lineNo: number,
    heading: SettingsHeading | null,
    opens: boolean,
  ) => ReturnType<Parameters<typeof forEachLine>[1]>,
): void {
  let heading: SettingsHeading | null = command ? settingsHeading(command) : null;
  forEachLine(output, (line, lineNo) => {
    const opened = settingsHeading(line);
    if (opened) heading = opened;
    return visit(line, lineNo, heading, opened !== null);
  });
}
