import { clip, forEachLine, type Fact, type FactExtractor } from './fact.js';

/** Interfaces from `ip addr`: name, state, up, ipv4 / ipv6 address counts. */
export const netInterface: FactExtractor = {
  kind: 'net.interface',
  mayContain: (text) => text.includes('link/') && text.includes(' mtu '),
  extract(section, text) {
    const facts: { line: number; text: string; fields: Record<string, string | number | boolean | null> }[] = [];
    let current: (typeof facts)[number] | null = null;
    forEachLine(text, (line, lineNo) => {
      const head = /^\d+:\s+([^:@\s]+)(?:@\S+)?:\s+<([^>]*)>/.exec(line);
      if (head) {
        current = { line: lineNo, text: clip(line), fields: { name: head[1]!, flags: head[2]!, up: head[2]!.split(',').includes('UP'), state: /\bstate\s+(\S+)/.exec(line)?.[1] ?? null, ipv4: 0, ipv6: 0 } };
        facts.push(current);
        return;
      }
      if (!current) return;
      if (/^\s+inet\s/.test(line)) current.fields.ipv4 = (current.fields.ipv4 as number) + 1;
      else if (/^\s+inet6\s/.test(line)) current.fields.ipv6 = (current.fields.ipv6 as number) + 1;
      else if (!/^\s/.test(line)) current = null;
    });
    return facts.map((f): Fact => ({ kind: 'net.interface', section, line: f.line, text: f.text, fields: f.fields }));
  },
};
