import { clip, forEachLine, parseSize, type Fact, type FactExtractor } from './fact.js';
import { pidstatRows } from './pidstat.js';

// iotop prints binary units with one letter: K/s, M/s, G/s.
const IOTOP_UNITS: Record<string, number> = {
  B: 1,
  K: 1024,
  M: 1024 ** 2,
  G: 1024 ** 3,
  T: 1024 ** 4,
};

const cellsOf = (line: string) => line.trim().split(/\s{2,}|\t+/);

function readWrite(cell: string | undefined): [number | null, number | null] {
  if (!cell?.includes('/')) return [null, null];
  const [a, b] = cell.split('/').map((s) => parseSize(s));
  return [a ?? null, b ?? null];
}

/**
 * Who is doing block I/O: `docker stats` BLOCK I/O (cumulative read / write bytes since the
 * container started) and the collectors' `io.block` sample table
 * (`PID COMM CONTAINER READ_B/S WRITE_B/S`, rates over the sample window).
 * `iotop` rows (`TID PRIO USER DISK READ DISK WRITE SWAPIN IO> COMMAND`) give rates and the share of
 * time the process waits on I/O (`ioWaitPercent`, the IO> column); they name no container.
 * `pidstat -d` rows (see pidstat.ts) give rates per process too.
 * Fields: name, container, pid, readBytes, writeBytes (cumulative) or readRate, writeRate (bytes/s).
 */
export const ioWriter: FactExtractor = {
  kind: 'io.writer',
  markers: ['block i/o', 'write_b/s', 'disk write', 'kb_wr/s'],
  mayContain: (text) =>
    text.includes('BLOCK I/O') ||
    text.includes('WRITE_B/S') ||
    text.includes('DISK WRITE') ||
    text.includes('kB_wr/s'),
  extract(section, text) {
    const facts: Fact[] = text.includes('kB_wr/s') ? pidstatRows(section, text) : [];
    let header: string[] | null = null;
    let mode: 'stats' | 'sample' = 'stats';
    forEachLine(text, (line, lineNo) => {
      const iotop =
        /^\s*(\d+)\s+\S+\s+\S+\s+([\d.]+) ([BKMGT])\/s\s+([\d.]+) ([BKMGT])\/s\s+[\d.]+ %\s+([\d.]+) %\s+(.*)$/.exec(
          line,
        );
      if (iotop) {
        const rate = (n: string, unit: string) => Math.round(Number(n) * (IOTOP_UNITS[unit] ?? 1));
        facts.push({
          kind: 'io.writer',
          section,
          line: lineNo,
          text: clip(line.trim()),
          fields: {
            name: iotop[7]!.split(/\s+/)[0]!,
            container: null,
            pid: Number(iotop[1]),
            readRate: rate(iotop[2]!, iotop[3]!),
            writeRate: rate(iotop[4]!, iotop[5]!),
            ioWaitPercent: Number(iotop[6]),
            readBytes: null,
            writeBytes: null,
          },
        });
        return;
      }
      if (line.includes('BLOCK I/O')) {
        header = cellsOf(line);
        mode = 'stats';
        return;
      }
      if (/\bWRITE_B\/S\b/.test(line)) {
        header = line.trim().split(/\s+/);
        mode = 'sample';
        return;
      }
      if (!header) return;
      if (line.trim() === '') {
        header = null;
        return;
      }
      const cells = mode === 'sample' ? line.trim().split(/\s+/) : cellsOf(line);
      const get = (name: string) => {
        const i = header!.indexOf(name);
        return i < 0 ? undefined : cells[i];
      };
      if (mode === 'sample') {
        const writeRate = Number(get('WRITE_B/S'));
        const readRate = Number(get('READ_B/S'));
        if (!Number.isFinite(writeRate)) return;
        const container = get('CONTAINER');
        facts.push({
          kind: 'io.writer',
          section,
          line: lineNo,
          text: clip(line.trim()),
          fields: {
            name: get('COMM') ?? null,
            container: container && container !== '-' ? container : null,
            pid: Number(get('PID')) || null,
            readRate: Number.isFinite(readRate) ? readRate : null,
            writeRate,
            readBytes: null,
            writeBytes: null,
          },
        });
        return;
      }
      const [readBytes, writeBytes] = readWrite(get('BLOCK I/O'));
      if (readBytes === null && writeBytes === null) return;
      const name = get('NAME') ?? get('CONTAINER') ?? cells[0] ?? null;
      facts.push({
        kind: 'io.writer',
        section,
        line: lineNo,
        text: clip(line.trim()),
        fields: {
          name,
          container: name,
          pid: null,
          readBytes,
          writeBytes,
          readRate: null,
          writeRate: null,
        },
      });
    });
    return facts;
  },
};
