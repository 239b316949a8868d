import { clip, forEachLine, type Fact, type FactExtractor } from './fact.js';

/** `df -P`, `df -h`, `df -i` rows: filesystem, mount, usePercent, kind (blocks | inodes). */
export const diskUsage: FactExtractor = {
  kind: 'disk.usage',
  markers: ['use%', 'capacity'],
  mayContain: (text) => text.includes('Use%') || text.includes('Capacity'),
  extract(section, text) {
    const facts: Fact[] = [];
    let kind: 'blocks' | 'inodes' | null = null;
    let pendingName: string | null = null;
    forEachLine(text, (line, lineNo) => {
      if (/\bFilesystem\b/.test(line) && /(Use%|Capacity)/.test(line)) {
        kind = /IUse%|Inodes/.test(line) ? 'inodes' : 'blocks';
        pendingName = null;
        return;
      }
      if (!kind) return;
      const tokens = line.trim().split(/\s+/).filter(Boolean);
      if (tokens.length === 0) {
        kind = null;
        return;
      }
      // df without -P wraps a long device name onto its own line.
      if (tokens.length === 1 && !tokens[0]!.endsWith('%')) {
        pendingName = tokens[0]!;
        return;
      }
      const pct = tokens.findIndex((t) => /^\d{1,3}%$/.test(t));
      if (pct < 1) return;
      const usePercent = Number(tokens[pct]!.slice(0, -1));
      const filesystem = pendingName ?? tokens[0]!;
      pendingName = null;
      facts.push({
        kind: 'disk.usage',
        section,
        line: lineNo,
        text: clip(line),
        fields: {
          filesystem,
          mount: tokens.slice(pct + 1).join(' ') || null,
          usePercent,
          type: kind,
          avail: tokens[pct - 1] ?? null,
        },
      });
    });
    return facts;
  },
};
