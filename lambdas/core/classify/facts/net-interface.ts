import { clip, forEachLine, type Fact, type FactExtractor } from './fact.js';

// `ip -br addr`: one line per interface, its operational state, then every address with its
// prefix length; an interface with no address ends at the state. `ip -br link` (a MAC and flags
// where the addresses would be) is not this format and says nothing about addresses.
const BRIEF =
  /^([^\s@]+)(?:@\S+)?\s+(UP|DOWN|UNKNOWN|LOWERLAYERDOWN|DORMANT|NOTPRESENT|TESTING)((?:\s+[0-9A-Fa-f.:]+\/\d+)*)\s*$/;
const BRIEF_ANYWHERE = new RegExp(BRIEF.source, 'm');

/**
 * Interfaces from `ip addr`, `ip -br addr` and both `ifconfig` formats (net-tools 1.x and 2.x):
 * name, state, up, ipv4 / ipv6 address counts.
 */
export const netInterface: FactExtractor = {
  kind: 'net.interface',
  // Brief rows pad the name to 16 columns and the state to 14: a state word beside two spaces.
  markers: ['link/', 'link encap', 'flags=', '  down', '  unknown', 'up  ', '  dormant'],
  mayContain: (text) =>
    (text.includes('link/') && text.includes(' mtu ')) ||
    text.includes('Link encap') ||
    /flags=\d+</.test(text) ||
    BRIEF_ANYWHERE.test(text),
  extract(section, text) {
    const facts: {
      line: number;
      text: string;
      fields: Record<string, string | number | boolean | null>;
    }[] = [];
    let current: (typeof facts)[number] | null = null;
    forEachLine(text, (line, lineNo) => {
      const head = /^\d+:\s+([^:@\s]+)(?:@\S+)?:\s+<([^>]*)>/.exec(line);
      if (head) {
        current = {
          line: lineNo,
          text: clip(line),
          fields: {
            name: head[1]!,
            flags: head[2]!,
            up: head[2]!.split(',').includes('UP'),
            state: /\bstate\s+(\S+)/.exec(line)?.[1] ?? null,
            ipv4: 0,
            ipv6: 0,
          },
        };
        facts.push(current);
        return;
      }
      const brief = BRIEF.exec(line);
      if (brief) {
        const addresses = brief[3]!.trim().split(/\s+/).filter(Boolean);
        const v6 = addresses.filter((a) => a.includes(':')).length;
        facts.push({
          line: lineNo,
          text: clip(line),
          fields: {
            name: brief[1]!,
            flags: null,
            // The column is the operational state; an interface that is up is up administratively
            // too, one that is down may be either.
            up: brief[2] === 'UP' ? true : null,
            state: brief[2]!,
            ipv4: addresses.length - v6,
            ipv6: v6,
          },
        });
        current = null;
        return;
      }
      const ifconfig = /^([A-Za-z0-9_.@-]+?):?\s+(?:flags=\d+<([^>]*)>|Link encap)/.exec(line);
      if (ifconfig) {
        const flags = ifconfig[2] ?? '';
        current = {
          line: lineNo,
          text: clip(line),
          fields: {
            name: ifconfig[1]!,
            flags,
            up: flags.split(',').includes('UP'),
            state: null,
            ipv4: 0,
            ipv6: 0,
          },
        };
        facts.push(current);
        return;
      }
      if (!current) return;
      if (!current.fields.flags && /^\s+UP\b/.test(line)) {
        current.fields.up = true;
        return;
      }
      if (/^\s+inet (addr:)?\d/.test(line)) {
        current.fields.ipv4 = (current.fields.ipv4 as number) + 1;
        return;
      }
      if (/^\s+inet6 (addr: ?)?[0-9a-f:]/i.test(line)) {
        current.fields.ipv6 = (current.fields.ipv6 as number) + 1;
        return;
      }
      if (/^\s+inet\s/.test(line)) current.fields.ipv4 = (current.fields.ipv4 as number) + 1;
      else if (/^\s+inet6\s/.test(line)) current.fields.ipv6 = (current.fields.ipv6 as number) + 1;
      else if (line.trim() !== '' && !/^\s/.test(line)) current = null;
    });
    return facts.map(
      (f): Fact => ({
        kind: 'net.interface',
        section,
        line: f.line,
        text: f.text,
        fields: f.fields,
      }),
    );
  },
};
