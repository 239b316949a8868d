import { clip, forEachLine, type Fact, type FactExtractor } from './fact.js';

/** Bytes one bare number of a df header's size column stands for (`1K-blocks`, `512-blocks`); null for df -h's suffixed sizes. */
function blockBytes(header: string): number | null {
  const m = /\b(\d{1,7})(K)?-blocks\b/i.exec(header);
  return m ? Number(m[1]) * (m[2] ? 1024 : 1) : null;
}

/**
 * `df -P`, `df -h`, `df -i` rows: filesystem, mount, usePercent, type (blocks | inodes), avail and
 * size as printed, and blockBytes (what a bare size counts: 1024 for `1K-blocks`, 1 for inodes,
 * null for df -h's suffixed sizes).
 */
export const diskUsage: FactExtractor = {
  kind: 'disk.usage',
  markers: ['use%', 'capacity'],
  mayContain: (text) => text.includes('Use%') || text.includes('Capacity'),
  extract(section, text) {
    const facts: Fact[] = [];
    let kind: 'blocks' | 'inodes' | null = null;
    let pendingName: string | null = null;
    let unit: number | null = null;
    forEachLine(text, (line, lineNo) => {
      if (/\bFilesystem\b/.test(line) && /(Use%|Capacity)/.test(line)) {
        kind = /IUse%|Inodes/.test(line) ? 'inodes' : 'blocks';
        unit = kind === 'inodes' ? 1 : blockBytes(line);
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
          // Size, Used, Avail stand before Use%, with or without the device name on the line.
          size: pct >= 3 ? tokens[pct - 3]! : null,
          blockBytes: unit,
        },
      });
    });
    return facts;
  },
};
