import { clip, forEachLine, type Fact, type FactExtractor } from './fact.js';

function splitHostPort(token: string): { address: string; port: number } | null {
  const m = /^(.*)[:.](\d+|\*)$/.exec(token);
  if (!m || m[2] === '*') return null;
  return { address: m[1]!.replace(/^\[|\]$/g, '').replace(/%\S+$/, ''), port: Number(m[2]) };
}

/**
 * LISTEN sockets from `ss -tlnp` / `ss -tlnpa` / `netstat -tlnp`. `scope` is the last heading
 * line (`# ...`) above the row, which the collectors use to name the network namespace.
 */
export const netListener: FactExtractor = {
  kind: 'net.listener',
  markers: ['listen'],
  mayContain: (text) => text.includes('LISTEN'),
  extract(section, text) {
    const facts: Fact[] = [];
    let scope = 'host';
    forEachLine(text, (line, lineNo) => {
      const heading = /^#+\s*(.+?)\s*#*$/.exec(line);
      if (heading) {
        scope = heading[1]!;
        return;
      }
      if (!/\bLISTEN\b/.test(line)) return;
      const tokens = line.trim().split(/\s+/);
      const state = tokens.indexOf('LISTEN');
      // ss: State Recv-Q Send-Q Local Peer [Process]; ss -t without -l: Netid State ...; netstat: Proto Recv-Q Send-Q Local Foreign State PID/Program
      let local: string | undefined;
      let process: string | null = null;
      if (state <= 1) {
        local = tokens[state + 3];
        process = tokens.slice(state + 5).join(' ') || null;
      } else {
        local = tokens[3];
        process = tokens[state + 1] ?? null;
      }
      const hp = local ? splitHostPort(local) : null;
      if (!hp) return;
      facts.push({
        kind: 'net.listener',
        section,
        line: lineNo,
        text: clip(line),
        fields: { address: hp.address, port: hp.port, process, scope },
      });
    });
    return facts;
  },
};
