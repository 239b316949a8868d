import { clip, forEachLine, type Fact, type FactExtractor } from './fact.js';

// dockerd and containerd take proxies only from their own environment (a systemd drop-in, the
// collector's /proc/<pid>/environ dump, `docker info`, daemon.json); an `export` in a shell reaches
// the CLI, which does not pull. So the command or heading a line sits under decides whose setting it is.
// systemd's `[Manager] DefaultEnvironment=` (system.conf, system.conf.d) is every unit's environment,
// the daemons' and the kubelet's included. /etc/environment is read by PAM for login sessions only,
// like a shell's profile: `environ` must be the word, /proc/<pid>/environ.
const PROMPT = /^\s*(#|\$|➜|\[?[\w.-]+@\S+[\]:#$]|(sudo|cat|systemctl)\s)/;
const DAEMON_CONTEXT =
  /systemctl|\.service|environ\b|dockerd|containerd|docker info|daemon\.json|\/etc\/(default|sysconfig)\/docker|\/etc\/systemd\/system\.conf/i;
const DAEMON_LINE =
  /^\s*((Default)?Environment=|"?(https?|no)-?proxy"?\s*:|(HTTPS?|No) ?Proxy\s*[:=])/i;
const CONTAINER_LINE = /^\s*(ENV|ARG)\s|^\s*-\s*name:|--build-arg|\s-e\s+\w*proxy/i;
// The value may be empty (`HTTPProxy= HTTPSProxy=`): never read the next variable as a value.
const VARIABLE =
  /\b(https?|all|no)[_ -]?proxy"?\s*[:=][ \t]*"?(?![\w-]*proxy"?\s*[:=])([^\s"',}]*)/gi;
// A Kubernetes container's `env:` list names the variable on one line and its value on the next
// (a comment may sit between; a block scalar or `valueFrom:` shows no value here).
const ENV_NAME = /^\s*-\s*name:\s*["']?(https?|all|no)[_-]?proxy["']?\s*$/i;
const ENV_VALUE = /^\s*value:\s*["']?([^\s"']*)/;
// `kubectl describe pod` lists a container's variables under its `Environment:` heading.
const DESCRIBE_ENVIRONMENT = /^(\s*)Environment:\s*$/;

/** Proxy settings and whose they are (`daemon`, `container` or `shell`): fields variable, value, set, scope. */
export const proxySetting: FactExtractor = {
  kind: 'proxy.setting',
  markers: ['proxy'],
  mayContain: (text) => /(https?|all|no)[_ -]?proxy/i.test(text),
  extract(section, text, command) {
    const facts: Fact[] = [];
    // Lines above the first heading are under the command that printed them, as in proxy.dropped.
    let daemonContext =
      command !== undefined && PROMPT.test(command) && DAEMON_CONTEXT.test(command);
    let envName: { variable: string; line: number; text: string } | null = null;
    let describeIndent: number | null = null;
    forEachLine(text, (line, lineNo) => {
      const indent = /^\s*/.exec(line)![0].length;
      if (describeIndent !== null && (indent <= describeIndent || !/\S/.test(line)))
        describeIndent = null;
      const heading = DESCRIBE_ENVIRONMENT.exec(line);
      if (heading) describeIndent = heading[1]!.length;
      if (envName && /^\s*#/.test(line)) return;
      const value = envName ? ENV_VALUE.exec(line) : null;
      if (envName && value && !/^[>|]/.test(value[1]!)) {
        facts.push({
          kind: 'proxy.setting',
          section,
          line: envName.line,
          text: clip(`${envName.text} ${line.trim()}`),
          fields: {
            variable: envName.variable,
            value: value[1]!,
            set: value[1]!.length > 0,
            scope: 'container',
          },
        });
      }
      const name = ENV_NAME.exec(line);
      envName = name
        ? { variable: `${name[1]!.toLowerCase()}_proxy`, line: lineNo, text: line.trim() }
        : null;
      const exported = /^\s*(#\s*|\$\s*)?export\s/.test(line);
      if (!exported && PROMPT.test(line)) daemonContext = DAEMON_CONTEXT.test(line);
      if (!exported && /^\s*#/.test(line)) return; // a heading, a prompt, or a commented-out setting
      const scope = exported
        ? 'shell'
        : describeIndent !== null && !heading
          ? 'container'
          : DAEMON_LINE.test(line) || daemonContext
            ? 'daemon'
            : CONTAINER_LINE.test(line)
              ? 'container'
              : 'shell';
      const fact = (variable: string | null, value: string) =>
        facts.push({
          kind: 'proxy.setting',
          section,
          line: lineNo,
          text: clip(line.trim()),
          fields: { variable, value, set: value.length > 0, scope },
        });
      for (const m of line.matchAll(VARIABLE)) fact(`${m[1]!.toLowerCase()}_proxy`, m[2]!);
      if (daemonContext && /\(pid \d+: none\)/.test(line)) fact(null, '');
    });
    return facts;
  },
};
