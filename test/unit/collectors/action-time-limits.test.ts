import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../lambdas/adapters/local/runbook-directory.js';
import {
  ACTION_DOCUMENTS,
  documentEnvironment,
} from '../../../lambdas/core/collection/collector-documents.js';
import { ACTION_CHECK_SECONDS } from '../../../lambdas/core/remediation/catalog.js';

// SSM kills an action's script at its document's timeoutSeconds, whatever it was doing: a prune
// half done, containerd restarted and kubelet not. So every command an action script runs under
// timeout must fit its document, read here from the scripts themselves.

const LIB_PATH = join(REPO_ROOT, 'runbooks/actions/action-lib.sh');
const code = (text: string) =>
  text
    .split('\n')
    .map((l) => l.replace(/(^|\s)#.*$/, ''))
    .filter((l) => l.trim() !== '');

/** The literal timeouts of a line, each with its kill grace: `timeout -k K N` is N+K, `pa_do N` is N+5. */
function timeoutsOf(line: string): number[] {
  const out: number[] = [];
  for (const m of line.matchAll(/\btimeout(?: -s [A-Z]+)? -k (\d+) (\d+)\b/g))
    out.push(Number(m[1]) + Number(m[2]));
  for (const m of line.matchAll(/\bpa_do (\d+)\b/g)) out.push(Number(m[1]) + 5);
  return out;
}

/** The library's functions that run commands under timeout: their own timeouts, and whether they loop over their arguments. */
function libraryCosts(): Map<string, { timeouts: number[]; perArgument: boolean }> {
  const costs = new Map<string, { timeouts: number[]; perArgument: boolean }>();
  let current: { name: string; body: string[] } | undefined;
  for (const line of code(readFileSync(LIB_PATH, 'utf8'))) {
    const start = line.match(/^([a-z_]+)\(\) \{(.*)$/);
    if (start) current = { name: start[1]!, body: [start[2]!] };
    else current?.body.push(line);
    if (current && /}\s*$/.test(line)) {
      const timeouts = current.body.flatMap(timeoutsOf);
      if (timeouts.length > 0)
        costs.set(current.name, {
          timeouts,
          perArgument: current.body.some((l) => /for \w+ in "\$@"/.test(l)),
        });
      current = undefined;
    }
  }
  return costs;
}

/**
 * What a script's commands may take, one after another (a loop's body counted once: pa_do cuts
 * each change to what is left of the time limit), and its longest single command.
 */
function scriptCosts(script: string) {
  const lib = libraryCosts();
  const all: number[] = [];
  for (const line of code(readFileSync(join(REPO_ROOT, script), 'utf8'))) {
    all.push(...timeoutsOf(line));
    for (const [name, cost] of lib) {
      for (const m of line.matchAll(new RegExp(`\\b${name}\\b([^;|&)]*)`, 'g'))) {
        const args = cost.perArgument ? m[1]!.trim().split(/\s+/).filter(Boolean).length : 1;
        for (let i = 0; i < args; i++) all.push(...cost.timeouts);
      }
    }
  }
  return { total: all.reduce((a, b) => a + b, 0), longest: Math.max(0, ...all) };
}

describe('action documents: the scripts fit their SSM timeout', () => {
  it.each(ACTION_DOCUMENTS.map((d) => [d.documentName, d] as const))(
    '%s: its time limit comes from the catalogue, and every command fits the document',
    (_, doc) => {
      const { total, longest } = scriptCosts(doc.script);
      expect(doc.timeLimitSeconds, 'the action declares maxSeconds').toBeGreaterThan(0);
      expect(doc.timeoutSeconds).toBe(doc.timeLimitSeconds! + ACTION_CHECK_SECONDS);
      // No single change outlasts the script's limit (pa_do would cut it short of its own timeout).
      expect(longest, `${doc.script}: its longest command`).toBeLessThanOrEqual(
        doc.timeLimitSeconds!,
      );
      // All of them one after another: SSM never kills the script midway.
      expect(total, `${doc.script}: its commands one after another`).toBeLessThanOrEqual(
        doc.timeoutSeconds,
      );
      expect(documentEnvironment(doc, {}).PARAMEDIC_TIME_LIMIT_SECONDS).toBe(
        String(doc.timeLimitSeconds),
      );
    },
  );
});

describe('action library: pa_do keeps a change within the time limit', () => {
  /** Runs `body` after sourcing the action library with PARAMEDIC_TIME_LIMIT_SECONDS=`limit`. */
  const run = (limit: string, body: string) =>
    spawnSync('bash', ['-c', `set -euo pipefail\n. ${JSON.stringify(LIB_PATH)}\n${body}`], {
      env: { PATH: process.env.PATH, PARAMEDIC_TIME_LIMIT_SECONDS: limit },
      encoding: 'utf8',
      timeout: 60_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    });

  it('cuts a command to what is left of the limit, and starts none past it', () => {
    const started = Date.now();
    const r = run('7', 'pa_do 600 sleep 30 || echo "rc=$?"\npa_do 5 echo \'never\'');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(r.stdout).toContain('running: sleep 30');
    expect(r.stdout).toContain('rc=124');
    expect(r.stderr).toContain('paramedic action: sleep timed out after 2s');
    expect(r.stdout).not.toContain('never');
    expect(r.stderr).toContain(
      'paramedic action: out of time: not running echo never (the document allows 7s for its changes; what ran is above; run the action again)',
    );
    expect(r.status).toBe(1);
  });

  it('a dry run says what it would run whatever time is left', () => {
    const r = spawnSync(
      'bash',
      ['-c', `. ${JSON.stringify(LIB_PATH)}\nsleep 2\npa_do 600 echo 'changed'`],
      {
        env: { PATH: process.env.PATH, PARAMEDIC_TIME_LIMIT_SECONDS: '1', PARAMEDIC_DRY_RUN: '1' },
        encoding: 'utf8',
      },
    );
    expect(r.stdout).toBe('dry run: would run: echo changed\n');
    expect(r.status).toBe(0);
  });
});
