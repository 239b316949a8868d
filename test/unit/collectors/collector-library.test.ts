import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../lambdas/adapters/local/runbook-directory.js';
import { parseEvidenceDocument } from '../../../lambdas/core/evidence/bundle.js';

const LIB = join(REPO_ROOT, 'runbooks/collectors/lib.sh');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Runs a script that sources the collector library with TMPDIR in a fresh dir; stdout, stderr, that dir. */
function runWithLibrary(body: string, env: Record<string, string> = {}) {
  const tmp = mkdtempSync(join(tmpdir(), 'pm-lib-test-'));
  dirs.push(tmp);
  const script = `set -euo pipefail\n. ${JSON.stringify(LIB)}\npm_init\npm_window '' 15\npm_begin docker\n${body}\npm_end 15 ''\n`;
  // stdin not a socket: bash would read ~/.bashrc, taking itself for a remote shell.
  const r = spawnSync('bash', ['-c', script], {
    env: { PATH: process.env.PATH, TMPDIR: tmp, ...env },
    encoding: 'utf8',
    timeout: 60_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { ...r, tmp };
}

describe('collector library: one-pass assembly', () => {
  it('keeps every section apart and escapes hostile output, whatever it holds', () => {
    const { stdout, status, stderr, tmp } = runWithLibrary(`
nasty() { printf 'a\\0b\\001c\\033[31md\\t"q"\\\\ \\r\\n'; printf '@paramedic-section-00000000-0000-0000-0000-000000000000 "x": {"output": "forged\\n'; }
no_newline() { printf 'last line without newline'; }
empty() { :; }
blank_lines() { printf 'one\\n\\n\\nfour\\n'; }
failing() { printf 'oops\\n'; return 3; }
pm_section s.nasty 'nasty' nasty
pm_section s.no-newline 'no newline' no_newline
pm_section s.empty 'empty' empty
pm_lane pm_section s.blank 'blank' blank_lines
pm_section s.failing 'failing' failing`);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const bundle = parseEvidenceDocument(JSON.parse(stdout)).bundle;
    const out = (name: string) => bundle.sections[name]!.output;
    expect(Object.keys(bundle.sections).sort()).toEqual([
      's.blank',
      's.empty',
      's.failing',
      's.nasty',
      's.no-newline',
    ]);
    expect(out('s.nasty')).toBe(
      'abc[31md\t"q"\\ \r\n@paramedic-section-00000000-0000-0000-0000-000000000000 "x": {"output": "forged',
    );
    expect(out('s.no-newline')).toBe('last line without newline');
    expect(out('s.empty')).toBe('');
    expect(out('s.blank')).toBe('one\n\n\nfour');
    expect(bundle.sections['s.failing']!.exitCode).toBe(3);
    for (const s of Object.values(bundle.sections)) expect(s.durationMs).toBeGreaterThanOrEqual(0);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('bounds each section and the whole bundle, keeping tails and saying so', () => {
    const { stdout, status } = runWithLibrary(
      `
big() { local i; for ((i = 0; i < 4000; i++)); do printf 'line %05d of a long output\\n' "$i"; done; }
pm_section a.big 'big' big
pm_section b.big 'big' big
pm_section c.small 'small' printf 'small\\n'
# Every byte doubles when escaped: the bound holds for the bundle as printed.
quotes() { local i; for ((i = 0; i < 400; i++)); do printf '%s\\n' '"\\"\\"\\"\\"\\"\\"\\"\\"\\"\\"\\"\\"\\"\\"\\"\\"\\"\\"\\"\\"\\"\\"\\"\\"'; done; }
pm_section d.quotes 'quotes' quotes`,
      { PM_SECTION_MAX_BYTES: '20000', PM_TOTAL_MAX_BYTES: '30000' },
    );
    expect(status).toBe(0);
    expect(Buffer.byteLength(stdout)).toBeLessThanOrEqual(30000);
    const bundle = parseEvidenceDocument(JSON.parse(stdout)).bundle;
    const [a, b, c] = ['a.big', 'b.big', 'c.small'].map((n) => bundle.sections[n]!);
    expect(a!.truncated).toBe(true);
    expect(a!.output.length).toBeLessThanOrEqual(20000);
    expect(a!.output.endsWith('line 03999 of a long output')).toBe(true);
    expect(a!.output.split('\n')[0]).toMatch(/^line \d{5} of a long output$/);
    expect(b!.truncated).toBe(true);
    expect(b!.output.length).toBeLessThanOrEqual(10000);
    expect(c!.truncated).toBe(false);
    expect(c!.output).toBe('small');
    const d = bundle.sections['d.quotes']!;
    expect(d.truncated).toBe(true);
    expect(d.output.length).toBeGreaterThan(500);
    expect(d.output.split('\n').at(-1)).toBe(`${'"\\'.repeat(24)}"`);
  });

  it('spends a per-section budget: a slow section is cut short, the ones after it still run', () => {
    const { stdout, status } = runWithLibrary(
      `
slow() { pm_run 30 sleep 30; pm_run 30 sleep 30; }
pm_section a.slow 'slow' slow
pm_section b.after 'after' printf 'ran\\n'`,
      { PM_SECTION_BUDGET_SECONDS: '2', PM_BUDGET_SECONDS: '3' },
    );
    expect(status).toBe(0);
    const bundle = parseEvidenceDocument(JSON.parse(stdout)).bundle;
    const slow = bundle.sections['a.slow']!;
    expect(slow.error).toMatch(/sleep timed out after [12]s/);
    // What each command was given, from the clock's whole seconds: the budget's 2 s (1 s when a
    // second ticks over first), then the 1 s floor. Not the 30 s each asked for.
    const given = [...slow.output.matchAll(/\(sleep timed out after (\d+)s\)/g)].map((m) =>
      Number(m[1]),
    );
    expect(given).toHaveLength(2);
    expect(given[0]! + given[1]!).toBeLessThanOrEqual(3);
    // And the wall time that bought: 3 s of timeouts plus process starts. Measured 3.0-3.2 s on a
    // 2-core machine, quiet or with both cores busy, 4.8 s with 48 processes waiting to run; with
    // the second command given its own 30 s, 32 s. The bound sits between the two.
    expect(slow.durationMs).toBeLessThan(12_000);
    expect(bundle.sections['b.after']!.output).toBe('ran');
    expect(bundle.sections['b.after']!.error ?? null).toBeNull();
  });
});

describe('collector library: the window filter on log files', () => {
  it("reads a syslog stamp from a month after this one as last year's (December's lines in January)", () => {
    const script = `set -euo pipefail
. ${JSON.stringify(LIB)}
PM_NOW_EPOCH=$(date -u -d 2027-01-01T00:30:00Z +%s)
PM_FROM_ISO=2027-01-01T00:15:00Z PM_FROM_LOCAL='2027-01-01 00:15:00' PM_UTC_OFFSET=+0000
printf 'Dec 31 23:50:00 h dockerd[1]: stale\\nJan  1 00:20:00 h dockerd[1]: fresh\\n' | pm_window_filter`;
    const r = spawnSync('bash', ['-c', script], {
      env: { PATH: process.env.PATH, TZ: 'UTC0' },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('Jan  1 00:20:00 h dockerd[1]: fresh\n');
  });
});
