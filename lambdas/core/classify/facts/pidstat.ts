import { clip, forEachLine, type Fact } from './fact.js';

const KIB = 1024;

/**
 * `pidstat -d` rows (sysstat): per-process disk rates in kB/s. The header names the columns
 * (`UID PID kB_rd/s kB_wr/s kB_ccwr/s iodelay Command`, older releases without iodelay); rows
 * start with a time (`12:00:02`, `12:00:02 PM`) or `Average:`. The Average rows are kept too:
 * a short sample's average is what a reader quotes. Fields as io.writer: name, pid, readRate,
 * writeRate (bytes/s), container null (pidstat names no container).
 */
export function pidstatRows(section: string, text: string): Fact[] {
  const facts: Fact[] = [];
  let columns: string[] | null = null;
  forEachLine(text, (line, lineNo) => {
    const cells = line.trim().split(/\s+/);
    // Drop the leading time ("12:00:02" or "12:00:02 PM") or "Average:".
    let at = 0;
    if (/^\d{1,2}:\d{2}:\d{2}$/.test(cells[0] ?? '')) at = /^(AM|PM)$/.test(cells[1] ?? '') ? 2 : 1;
    else if (cells[0] === 'Average:') at = 1;
    else {
      if (cells.length === 0 || cells[0] === '') columns = null;
      return;
    }
    const row = cells.slice(at);
    if (row.includes('kB_wr/s')) {
      columns = row;
      return;
    }
    if (!columns) return;
    const get = (name: string) => {
      const i = columns!.indexOf(name);
      return i < 0 ? undefined : row[i];
    };
    const writeRate = Number(get('kB_wr/s'));
    const readRate = Number(get('kB_rd/s'));
    const pid = Number(get('PID'));
    if (!Number.isFinite(writeRate) || !Number.isInteger(pid)) return;
    const command = columns.indexOf('Command');
    facts.push({
      kind: 'io.writer',
      section,
      line: lineNo,
      text: clip(line.trim()),
      fields: {
        name: command >= 0 ? row.slice(command).join(' ') || null : null,
        container: null,
        pid,
        readRate: Number.isFinite(readRate) ? Math.round(readRate * KIB) : null,
        writeRate: Math.round(writeRate * KIB),
        readBytes: null,
        writeBytes: null,
      },
    });
  });
  return facts;
}
