import { describe, expect, it } from 'vitest';
import {
  WRAP_JOIN_MAX,
  WRAP_WINDOW_LINES,
  WRAP_WINDOW_MAX,
} from '../../../lambdas/core/classify/scan-limits.js';
import { WrappedRetries, wrappedJoins } from '../../../lambdas/core/classify/wrapped-retries.js';

/** The joins of the 1-based line `lineNo` of `output`, as the engine asks for them. */
function joinsOf(output: string, lineNo: number): string[] {
  const lines = output.split('\n');
  let start = 0;
  for (let i = 0; i < lineNo - 1; i++) start += lines[i]!.length + 1;
  return wrappedJoins(output, lineNo, start, lines[lineNo - 1]!.replace(/\r$/, '')).map(
    (j) => j.text,
  );
}

describe('wrappedJoins', () => {
  it('rejoins a `message:` that kubectl -o yaml folded over three lines, stopping at the next key', () => {
    const yaml = [
      '- apiVersion: v1',
      '  message: Failed to pull image "x": rpc error: code = NotFound desc = failed to',
      '    pull and unpack image "docker.io/library/x:latest": failed to resolve reference',
      '    "docker.io/library/x:latest": docker.io/library/x:latest: not found',
      '  reason: Failed',
      '  type: Warning',
    ].join('\n');
    const whole =
      'message: Failed to pull image "x": rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/x:latest": failed to resolve reference "docker.io/library/x:latest": docker.io/library/x:latest: not found';
    expect(joinsOf(yaml, 3)[0]).toBe(whole);
    expect(joinsOf(yaml, 2)[0]).toBe(whole);
    for (const line of [2, 3, 4])
      for (const joined of joinsOf(yaml, line)) {
        expect(joined).not.toContain('reason:');
        expect(joined).not.toContain('apiVersion');
      }
  });

  it('rejoins a describe event a narrow terminal wrapped, from its row on, not across rows', () => {
    const describe = [
      'Events:',
      '  Type     Reason   Age   From     Message',
      '  ----     ------   ----  ----     -------',
      '  Normal   Pulling  45s   kubelet  Pulling image "x"',
      '  Warning  Failed   44s   kubelet  Failed to pull image "x": rpc error: code = NotFound',
      'desc = failed to pull and unpack image "docker.io/library/x:latest": failed to res',
      'olve reference "docker.io/library/x:latest": not found',
      '  Normal   BackOff  30s   kubelet  Back-off pulling image "x"',
    ].join('\n');
    const joins = joinsOf(describe, 6);
    expect(joins).toContain(
      'Warning  Failed   44s   kubelet  Failed to pull image "x": rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/x:latest": failed to res olve reference "docker.io/library/x:latest": not found',
    );
    // The terminal cut mid-word: the unspaced join of the cut pair.
    expect(joins).toContain(
      'desc = failed to pull and unpack image "docker.io/library/x:latest": failed to resolve reference "docker.io/library/x:latest": not found',
    );
    for (const joined of joins) {
      expect(joined).not.toContain('Pulling');
      expect(joined).not.toContain('BackOff');
    }
  });

  it('never joins klog lines: each is its own record', () => {
    const klog = [
      'E0324 01:48:11.204118    2231 pod_workers.go:1298] "Error syncing pod" err="failed to resolve reference"',
      'E0324 01:48:11.304118    2231 kuberuntime_manager.go:1] "probe" err="not found"',
      'I0324 01:48:13.517602    2231 kubelet_getters.go:187] "Pod status updated"',
    ].join('\n');
    for (const line of [1, 2, 3]) expect(joinsOf(klog, line)).toEqual([]);
  });

  it('never joins two timestamped log lines', () => {
    const log = [
      '2026-03-24T01:48:11Z level=error failed to resolve reference "docker.io/library/x:latest"',
      '2026-03-24T01:48:12Z GET /healthz 404 not found',
    ].join('\n');
    expect(joinsOf(log, 1)).toEqual([]);
    expect(joinsOf(log, 2)).toEqual([]);
  });

  it('keeps to windows of WRAP_WINDOW_LINES lines that contain the candidate', () => {
    const pieces = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8', 'p9'];
    const joins = joinsOf(pieces.join('\n'), 5);
    expect(joins).toEqual([
      'p2 p3 p4 p5',
      'p3 p4 p5 p6',
      'p4 p5 p6 p7',
      'p5 p6 p7 p8',
      'p4p5',
      'p5p6',
    ]);
    expect(WRAP_WINDOW_LINES).toBe(4);
  });

  it('names each join by the line numbers it joins', () => {
    const spans = wrappedJoins('p1\np2\np3\np4\np5', 3, 6, 'p3').map(({ first, last, spaced }) => [
      first,
      last,
      spaced,
    ]);
    expect(spans).toEqual([
      [1, 4, true],
      [2, 5, true],
      [2, 3, false],
      [3, 4, false],
    ]);
  });

  it('tests only the widest window when the record is short', () => {
    expect(joinsOf('a\nb\nc', 2)).toEqual(['a b c', 'ab', 'bc']);
    expect(joinsOf('a\nb\nc', 1)).toEqual(['a b c', 'ab']);
  });

  it('keeps windows within WRAP_WINDOW_MAX and skips pieces longer than WRAP_JOIN_MAX', () => {
    const wide = 'w'.repeat(WRAP_JOIN_MAX - 1);
    const joins = joinsOf([wide, wide, 'mid', wide, wide].join('\n'), 3);
    expect(joins.length).toBeGreaterThan(0);
    for (const joined of joins) expect(joined.length).toBeLessThanOrEqual(WRAP_WINDOW_MAX);
    const huge = 'h'.repeat(WRAP_JOIN_MAX + 1);
    expect(joinsOf([huge, 'mid', huge].join('\n'), 2)).toEqual([]);
    expect(joinsOf(['a', huge].join('\n'), 2)).toEqual([]);
  });

  it('reads past no huge neighbour: the cost per candidate does not grow with it', () => {
    const huge = 'h'.repeat(8 * 1024 * 1024);
    const output = `${huge}\nmid\n${huge}`;
    const started = process.cpuUsage();
    for (let i = 0; i < 2000; i++) wrappedJoins(output, 2, huge.length + 1, 'mid');
    const used = process.cpuUsage(started);
    expect((used.user + used.system) / 1000).toBeLessThan(1000);
  });

  it('handles CRLF line ends', () => {
    expect(joinsOf('message: Tag v2\r\n    not found in repository\r\n  reason: x', 2)).toEqual([
      'message: Tag v2 not found in repository',
      'message: Tag v2not found in repository',
    ]);
  });
});

/** Offsets of each line of `output`. */
const starts = (output: string) => {
  const out = [0];
  for (let i = 0; i < output.length; i++) if (output[i] === '\n') out.push(i + 1);
  return out;
};

describe('WrappedRetries', () => {
  it('tests each window of a run of candidate lines once: one new window per line', () => {
    const lines = Array.from({ length: 40 }, (_, i) => `piece ${i} of a message nobody matches`);
    const output = lines.join('\n');
    const offsets = starts(output);
    const retries = new WrappedRetries(output, 1);
    const tested: string[] = [];
    for (let i = 0; i < lines.length; i++)
      retries.matches(0, i + 1, offsets[i]!, lines[i]!, (text) => {
        tested.push(text);
        return false;
      });
    // Every distinct text once: the windows of four lines, three and two at the ends, and the unspaced pairs.
    expect(new Set(tested).size).toBe(tested.length);
    expect(tested.length).toBeLessThanOrEqual(2 * lines.length + 6);
    const unshared = lines.reduce(
      (n, line, i) => n + wrappedJoins(output, i + 1, offsets[i]!, line).length,
      0,
    );
    expect(unshared).toBeGreaterThan(2.5 * lines.length);
  });

  it('gives a later line of a matching window the same outcome without testing it again', () => {
    const output = 'a\nb\nc';
    const offsets = starts(output);
    const retries = new WrappedRetries(output, 2);
    let tests = 0;
    const test = (text: string) => {
      tests++;
      return text === 'a b c';
    };
    expect(retries.matches(0, 1, offsets[0]!, 'a', test)).toBe(true);
    expect(retries.matches(0, 2, offsets[1]!, 'b', test)).toBe(true);
    expect(tests).toBe(1);
    // Another pattern keeps its own record.
    expect(retries.matches(1, 2, offsets[1]!, 'b', test)).toBe(true);
    expect(tests).toBe(2);
  });
});
