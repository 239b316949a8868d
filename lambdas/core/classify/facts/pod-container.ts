import { parseQuantity } from '../../kubernetes/render/quantity.js';
import { clip, forEachLine, type Fact, type FactExtractor, type FactValue } from './fact.js';

interface Block {
  line: number;
  text: string;
  indent: number;
  fields: Record<string, FactValue>;
}

const indentOf = (line: string) => line.length - line.trimStart().length;
const unquote = (v: string) =>
  v
    .trim()
    .replace(/^["']|["'],?$/g, '')
    .replace(/",?$/, '');

/**
 * Container states of pods, from `kubectl describe pod` (State / Last State blocks, Restart
 * Count), pod YAML or JSON (waiting / terminated objects, restartCount) and `kubectl get pods`
 * rows. Fields: state (waiting | terminated | running), last, reason, exitCode, restartCount;
 * memoryLimit (bytes) on the facts of a described container whose Limits name memory. The engine
 * places a terminated state's facts at its Finished time (ended-state-time.ts): one that ended
 * before the incident window yields none.
 */
export const podContainer: FactExtractor = {
  kind: 'pod.container',
  markers: [
    'state:',
    'laststate',
    'containerstatuses',
    'restarts',
    'restart count',
    'restartcount',
    'terminated',
  ],
  mayContain: (text) =>
    text.includes('State:') ||
    text.includes('lastState') ||
    text.includes('containerStatuses') ||
    text.includes('RESTARTS') ||
    text.includes('Restart Count') ||
    text.includes('restartCount') ||
    text.includes('terminated'),
  extract(section, text) {
    const facts: Fact[] = [];
    let block: Block | null = null;
    let lastStateIndent = -1;
    let statusColumn = -1;
    let restartsColumn = -1;
    // kubectl describe prints a container's Limits after its states: the facts since the last
    // container heading (or the start of a pasted block) wait here until its Limits are read.
    let listIndent = -1;
    let limitsIndent = -1;
    let described: Record<string, FactValue>[] = [];
    const push = (fact: Fact) => {
      facts.push(fact);
      described.push(fact.fields as Record<string, FactValue>);
    };
    const close = () => {
      if (block && (block.fields.reason !== null || block.fields.exitCode !== null)) {
        push({
          kind: 'pod.container',
          section,
          line: block.line,
          text: block.text,
          fields: block.fields,
        });
      }
      block = null;
    };
    forEachLine(text, (line, lineNo) => {
      const indent = indentOf(line);
      if (block && line.trim() !== '' && indent <= block.indent) close();
      if (limitsIndent >= 0 && line.trim() !== '') {
        if (indent > limitsIndent) {
          const memory = /^\s*memory:\s*(\S+)\s*$/.exec(line);
          const bytes = memory ? parseQuantity(memory[1])?.value : undefined;
          if (bytes !== undefined && bytes > 0) {
            for (const f of described) f.memoryLimit = bytes;
            described = []; // once per container: a repeated line costs nothing more
          }
          return;
        }
        limitsIndent = -1;
      }
      if (listIndent >= 0 && line.trim() !== '') {
        if (indent <= listIndent) listIndent = -1;
        else if (indent === listIndent + 2 && /^\s*[^\s:][^:]*:\s*$/.test(line)) described = [];
      }
      if (/^\s*(Init Containers|Containers|Ephemeral Containers):\s*$/.test(line)) {
        listIndent = indent;
        described = [];
        return;
      }
      if (/^\s*Limits:\s*$/.test(line)) {
        limitsIndent = indent;
        return;
      }
      // kubectl get pods table
      if (/^NAME\s+READY\s+STATUS\s+RESTARTS/.test(line)) {
        statusColumn = 2;
        restartsColumn = 3;
        return;
      }
      if (statusColumn >= 0) {
        const cols = line.trim().split(/\s+/);
        if (cols.length > restartsColumn && /^\d+\/\d+$/.test(cols[1] ?? '')) {
          facts.push({
            kind: 'pod.container',
            section,
            line: lineNo,
            text: clip(line),
            fields: {
              name: cols[0]!,
              state: 'table',
              last: false,
              reason: cols[statusColumn]!,
              exitCode: null,
              restartCount: Number.parseInt(cols[restartsColumn]!, 10) || 0,
            },
          });
          return;
        }
        if (line.trim() === '') statusColumn = -1;
      }
      const describe = /^\s*(Last State|State):\s+(Waiting|Terminated|Running)\b/.exec(line);
      if (describe) {
        close();
        block = {
          line: lineNo,
          text: clip(line.trim()),
          indent,
          fields: {
            state: describe[2]!.toLowerCase(),
            last: describe[1] === 'Last State',
            reason: null,
            exitCode: null,
            restartCount: null,
          },
        };
        return;
      }
      if (/^\s*"?lastState"?:/.test(line)) {
        lastStateIndent = indent;
        return;
      }
      const structured = /^\s*"?(waiting|terminated|running)"?:\s*\{?\s*$/.exec(line);
      if (structured) {
        close();
        block = {
          line: lineNo,
          text: clip(line.trim()),
          indent,
          fields: {
            state: structured[1]!,
            last: lastStateIndent >= 0 && indent > lastStateIndent,
            reason: null,
            exitCode: null,
            restartCount: null,
          },
        };
        return;
      }
      if (
        lastStateIndent >= 0 &&
        line.trim() !== '' &&
        indent <= lastStateIndent &&
        !/lastState/.test(line)
      )
        lastStateIndent = -1;
      const restart = /^\s*(?:Restart Count:|"?restartCount"?:)\s*(\d+)/.exec(line);
      if (restart) {
        push({
          kind: 'pod.container',
          section,
          line: lineNo,
          text: clip(line.trim()),
          fields: {
            state: null,
            last: false,
            reason: null,
            exitCode: null,
            restartCount: Number(restart[1]),
          },
        });
        return;
      }
      if (!block) return;
      const reason = /^\s*"?(?:Reason|reason)"?:\s*(.+)$/.exec(line);
      // The reason line is the one that proves the state; point the evidence at it.
      if (reason) {
        block.fields.reason = unquote(reason[1]!);
        block.line = lineNo;
        block.text = clip(line.trim());
        return;
      }
      const exit = /^\s*"?(?:Exit Code|exitCode)"?:\s*(-?\d+)/.exec(line);
      if (exit) {
        block.fields.exitCode = Number(exit[1]);
        if (block.fields.reason === null) {
          block.line = lineNo;
          block.text = clip(line.trim());
        }
      }
    });
    close();
    return facts;
  },
};
