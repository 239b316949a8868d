import { clip, forEachLine, type Fact, type FactExtractor, type FactValue } from './fact.js';

interface InspectState {
  Status?: string;
  OOMKilled?: boolean;
  ExitCode?: number;
  Error?: string;
  Restarting?: boolean;
}
interface InspectEntry {
  Name?: string;
  State?: InspectState;
  RestartCount?: number;
}

function fromInspectJson(section: string, text: string): Fact[] | null {
  const start = text.search(/[[{]/);
  if (start < 0) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.slice(start));
  } catch {
    return null;
  }
  const entries = (Array.isArray(parsed) ? parsed : [parsed]) as InspectEntry[];
  const oomLines: number[] = [];
  forEachLine(text, (line, lineNo) => {
    if (line.includes('"OOMKilled"')) oomLines.push(lineNo);
  });
  const lines = text.split('\n');
  return entries
    .filter((e) => e && typeof e === 'object' && e.State)
    .map((e, i) => {
      const lineNo = oomLines[i] ?? 1;
      const fields: Record<string, FactValue> = {
        name: (e.Name ?? '').replace(/^\//, '') || null,
        status: e.State!.Status ?? null,
        oomKilled: e.State!.OOMKilled ?? null,
        exitCode: e.State!.ExitCode ?? null,
        error: e.State!.Error || null,
        restartCount: e.RestartCount ?? null,
      };
      return {
        kind: 'container.state' as const,
        section,
        line: lineNo,
        text: clip(lines[lineNo - 1]?.trim() ?? ''),
        fields,
      };
    });
}

/**
 * Container states: `docker inspect` JSON (OOMKilled, ExitCode, Error), `docker ps -a` rows
 * ("Exited (137) 2 minutes ago") and `key=value` lines (`name=web oomkilled=true exitcode=137`).
 * The engine places an exited container's inspect State at its FinishedAt (ended-state-time.ts):
 * one that exited before the incident window yields none.
 */
export const containerState: FactExtractor = {
  kind: 'container.state',
  markers: ['oomkilled', 'exited (', 'restarting ('],
  mayContain: (text) =>
    text.includes('OOMKilled') || text.includes('Exited (') || /oomkilled=/i.test(text),
  extract(section, text) {
    const facts: Fact[] = [];
    if (text.includes('"OOMKilled"')) {
      const fromJson = fromInspectJson(section, text);
      if (fromJson) return fromJson;
    }
    forEachLine(text, (line, lineNo) => {
      const ps = /\b(Exited|Restarting) \((-?\d+)\)/.exec(line);
      if (ps) {
        const name =
          line
            .trim()
            .split(/\s{2,}/)
            .pop() ?? null;
        facts.push({
          kind: 'container.state',
          section,
          line: lineNo,
          text: clip(line),
          fields: {
            name,
            status: ps[1]!.toLowerCase(),
            exitCode: Number(ps[2]),
            oomKilled: null,
            error: null,
            restartCount: null,
          },
        });
        return;
      }
      const oomJson = /"OOMKilled":\s*(true|false)/.exec(line);
      if (oomJson) {
        facts.push({
          kind: 'container.state',
          section,
          line: lineNo,
          text: clip(line),
          fields: {
            name: null,
            status: null,
            exitCode: null,
            oomKilled: oomJson[1] === 'true',
            error: null,
            restartCount: null,
          },
        });
        return;
      }
      if (/oomkilled=/i.test(line)) {
        const kv = Object.fromEntries(
          [...line.matchAll(/(\w+)=("[^"]*"|\S*)/g)].map((m) => [
            m[1]!.toLowerCase(),
            m[2]!.replace(/^"|"$/g, ''),
          ]),
        );
        facts.push({
          kind: 'container.state',
          section,
          line: lineNo,
          text: clip(line),
          fields: {
            name: kv.name ?? null,
            status: kv.status ?? null,
            oomKilled: kv.oomkilled === 'true',
            exitCode: kv.exitcode !== undefined && kv.exitcode !== '' ? Number(kv.exitcode) : null,
            error: kv.error || null,
            restartCount: kv.restartcount ? Number(kv.restartcount) : null,
          },
        });
      }
    });
    return facts;
  },
};
