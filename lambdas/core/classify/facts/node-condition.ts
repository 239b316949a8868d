import { clip, forEachLine, type Fact, type FactExtractor, type FactValue } from './fact.js';

const CONDITION_TYPE = /^[A-Z][A-Za-z]+$/;
const STATUS = new Set(['True', 'False', 'Unknown']);
// Condition types only pods have: a table or object holding them describes a pod, not a node.
const POD_ONLY =
  /\b(PodScheduled|Initialized|ContainersReady|PodReadyToStartContainers|DisruptionTarget)\b/;

/**
 * Node conditions from `kubectl describe node` (the Conditions table) and node JSON/YAML
 * (`type` / `status` / `reason` / `message` keys). Fields: type, status, reason, message.
 */
export const nodeCondition: FactExtractor = {
  kind: 'node.condition',
  // Node conditions always carry a heartbeat time (describe table column, JSON/YAML key).
  // Heartbeat columns/keys, or the reasons kubelet and the node controller write on node conditions.
  markers: [
    'lastheartbeattime',
    'kubeletready',
    'kubeletnotready',
    'kubelethas',
    'nodestatusunknown',
  ],
  mayContain: (text) =>
    /LastHeartbeatTime|lastHeartbeatTime|KubeletReady|KubeletNotReady|KubeletHas|NodeStatusUnknown/.test(
      text,
    ),
  extract(section, text) {
    const facts: Fact[] = [];
    let inTable = false;
    let record: { line: number; text: string; fields: Record<string, FactValue> } | null = null;
    const flush = () => {
      if (record && record.fields.status !== null)
        facts.push({
          kind: 'node.condition',
          section,
          line: record.line,
          text: record.text,
          fields: record.fields,
        });
      record = null;
    };
    forEachLine(text, (line, lineNo) => {
      if (/^\s*Conditions:\s*$/.test(line)) {
        inTable = true;
        return;
      }
      if (inTable) {
        const cols = line
          .trim()
          .split(/\s*\t\s*|\s{2,}/)
          .filter(Boolean);
        // kubectl describe node's table has heartbeat columns; describe pod's (Type, Status) does not.
        if (cols[0] === 'Type') {
          if (!/LastHeartbeatTime/.test(line)) inTable = false;
          return;
        }
        if (/^-+$/.test(cols[0] ?? '')) return;
        if (cols.length >= 2 && CONDITION_TYPE.test(cols[0]!) && STATUS.has(cols[1]!)) {
          const reason =
            cols.length >= 6
              ? cols[cols.length - 2]!
              : (cols.find((c, i) => i > 1 && CONDITION_TYPE.test(c) && c.length > 4) ?? null);
          const message = cols.length >= 6 ? cols[cols.length - 1]! : null;
          facts.push({
            kind: 'node.condition',
            section,
            line: lineNo,
            text: clip(line.trim()),
            fields: { type: cols[0]!, status: cols[1]!, reason, message },
          });
          return;
        }
        if (line.trim() === '' || /^\S/.test(line)) inTable = false;
      }
      // A describe-node row quoted without its table header: it still has its timestamps and reason.
      const row =
        !inTable &&
        /^\s*([A-Z][A-Za-z]+)\s+(True|False|Unknown)\s+.*\d\d:\d\d:\d\d.*\s(Kubelet\w+|NodeStatusUnknown)\b/.exec(
          line,
        );
      if (row) {
        facts.push({
          kind: 'node.condition',
          section,
          line: lineNo,
          text: clip(line.trim()),
          fields: { type: row[1]!, status: row[2]!, reason: row[3]!, message: null },
        });
        return;
      }
      const type = /^\s*"?type"?:\s*"?([A-Z][A-Za-z]+)"?,?\s*$/.exec(line);
      if (type) {
        flush();
        record = {
          line: lineNo,
          text: clip(line.trim()),
          fields: { type: type[1]!, status: null, reason: null, message: null },
        };
        return;
      }
      if (!record) return;
      const kv = /^\s*"?(status|reason|message)"?:\s*"?(.*?)"?,?\s*$/.exec(line);
      if (kv) {
        record.fields[kv[1]!] = kv[2]!;
        if (kv[1] === 'status') {
          record.text = clip(line.trim());
          record.line = lineNo;
        }
      } else if (/^\s*[}\]-]/.test(line)) flush();
    });
    flush();
    const podObject = POD_ONLY.test(text);
    return facts.filter(
      (f) =>
        f.fields.type !== 'Type' &&
        !(podObject && !/LastHeartbeatTime|lastHeartbeatTime/.test(text)),
    );
  },
};
