import { clip, forEachLine, type Fact, type FactExtractor } from './fact.js';

/** Node taints from `kubectl describe node` (Taints: key[=value]:Effect) and node JSON/YAML. */
export const nodeTaint: FactExtractor = {
  kind: 'node.taint',
  markers: ['taints'],
  mayContain: (text) => /Taints|taints/.test(text),
  extract(section, text) {
    const facts: Fact[] = [];
    let inDescribe = false;
    let pendingKey: { key: string; line: number; text: string } | null = null;
    forEachLine(text, (line, lineNo) => {
      const head = /^Taints:\s*(.*)$/.exec(line);
      const body = head ? head[1]! : inDescribe && /^\s{4,}\S/.test(line) ? line.trim() : null;
      inDescribe = head !== null || (inDescribe && body !== null);
      if (body !== null && body !== '<none>') {
        const m = /^([A-Za-z0-9./_-]+)(?:=([^:]*))?:(NoSchedule|PreferNoSchedule|NoExecute)$/.exec(
          body,
        );
        if (m)
          facts.push({
            kind: 'node.taint',
            section,
            line: lineNo,
            text: clip(line.trim()),
            fields: { key: m[1]!, value: m[2] ?? null, effect: m[3]! },
          });
        return;
      }
      const key = /^\s*"?key"?:\s*"?([A-Za-z0-9./_-]+)"?,?\s*$/.exec(line);
      if (key) {
        pendingKey = { key: key[1]!, line: lineNo, text: line.trim() };
        return;
      }
      const effect = /^\s*"?effect"?:\s*"?(NoSchedule|PreferNoSchedule|NoExecute)"?,?\s*$/.exec(
        line,
      );
      if (effect && pendingKey) {
        facts.push({
          kind: 'node.taint',
          section,
          line: pendingKey.line,
          text: clip(pendingKey.text),
          fields: { key: pendingKey.key, value: null, effect: effect[1]! },
        });
        pendingKey = null;
      }
    });
    return facts;
  },
};
