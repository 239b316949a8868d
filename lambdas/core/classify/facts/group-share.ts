import { clip, forEachLine, type Fact, type FactExtractor } from './fact.js';

const HEAD =
  /^group kind=(auto-scaling-group|node-group|none) name=(\S+) size=(\d{1,9}) affected=(\d{1,9}) affectedPercent=(\d{1,3}(?:\.\d{1,2})?) target=\S+$/;

/**
 * The target's group as Plan writes it (core/remediation/group-share.ts, section `paramedic.group`).
 * Fields: kind (`auto-scaling-group`, `node-group`, `none`), name, size, affected, affectedPercent.
 */
export const groupShare: FactExtractor = {
  kind: 'group.share',
  markers: ['affectedpercent='],
  mayContain: (text) => text.startsWith('group kind='),
  extract(section, text) {
    const facts: Fact[] = [];
    forEachLine(text, (line, lineNo) => {
      const m = HEAD.exec(line);
      if (!m) return;
      facts.push({
        kind: 'group.share',
        section,
        line: lineNo,
        text: clip(line),
        fields: {
          kind: m[1]!,
          name: m[2]!,
          size: Number(m[3]),
          affected: Number(m[4]),
          affectedPercent: Number(m[5]),
        },
      });
    });
    return facts;
  },
};
