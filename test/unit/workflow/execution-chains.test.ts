/** The per-execution audit chains, pure: each chain against its anchor, the count against removed chains. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  chainEntry,
  type AuditEntry,
  type AuditEntryInput,
} from '../../../lambdas/core/audit/audit-entry.js';
import { headOf } from '../../../lambdas/core/audit/chain-head.js';
import { verifyExecutionChains } from '../../../lambdas/core/audit/execution-chains.js';

const sha = (t: string) => createHash('sha256').update(t).digest('hex');
const input = (executionId: string, i: number): AuditEntryInput => ({
  executionId,
  type: 'released',
  at: `2026-12-02T10:00:${String(i).padStart(2, '0')}Z`,
  actor: 'system',
  data: { released: [] },
});

function chain(executionId: string, n: number, from = 0): AuditEntry[] {
  const out: AuditEntry[] = [];
  for (let i = 0; i < n; i++) out.push(chainEntry(input(executionId, from + i), out.at(-1), sha));
  return out;
}

function trail(...chains: AuditEntry[][]) {
  return {
    chains: new Map(chains.map((c) => [c[0]!.executionId, c])),
    heads: new Map(chains.map((c) => [c[0]!.executionId, headOf(c.at(-1)!)])),
    counted: chains.reduce((n, c) => n + c.length, 0),
  };
}

describe('verifyExecutionChains', () => {
  it('accepts intact chains in any order, and a count that trails an interrupted append', () => {
    const t = trail(chain('a', 3), chain('b', 2, 10));
    expect(verifyExecutionChains(t, sha)).toEqual({ ok: true, entries: 5 });
    expect(
      verifyExecutionChains(
        { ...t, chains: new Map([...t.chains].map(([k, v]) => [k, [...v].reverse()])), counted: 4 },
        sha,
      ),
    ).toEqual({ ok: true, entries: 5 });
  });

  it("reports a cut tail and a rewrite against the chain's own anchor, earliest chain first", () => {
    const a = chain('a', 3);
    const b = chain('b', 3, 10);
    expect(
      verifyExecutionChains(
        {
          ...trail(a, b),
          chains: new Map([
            ['a', a],
            ['b', b.slice(0, 2)],
          ]),
        },
        sha,
      ),
    ).toMatchObject({
      ok: false,
      entries: 5,
      firstBroken: {
        seq: 3,
        executionId: 'b',
        reason: expect.stringContaining('removed from the end'),
      },
    });
    const forged = chain('b', 3, 20);
    expect(
      verifyExecutionChains(
        {
          ...trail(a, b),
          chains: new Map([
            ['a', a],
            ['b', forged],
          ]),
        },
        sha,
      ),
    ).toMatchObject({
      ok: false,
      firstBroken: { seq: 3, executionId: 'b', reason: expect.stringContaining('rewritten') },
    });
  });

  it('reports a chain removed with or without its anchor', () => {
    const a = chain('a', 2);
    const b = chain('b', 2, 10);
    const full = trail(a, b);
    expect(verifyExecutionChains({ ...full, chains: new Map([['a', a]]) }, sha)).toMatchObject({
      ok: false,
      firstBroken: {
        executionId: 'b',
        reason: 'chain b has a head anchor at seq 2 but no entries: the chain was removed',
      },
    });
    expect(
      verifyExecutionChains(
        { ...full, chains: new Map([['a', a]]), heads: new Map([['a', headOf(a[1]!)]]) },
        sha,
      ),
    ).toMatchObject({
      ok: false,
      entries: 2,
      firstBroken: { reason: expect.stringContaining('counted 4 appends but holds 2 entries') },
    });
  });

  it('a trail with entries but no count was replaced', () => {
    const { counted: _n, ...noCount } = trail(chain('a', 1));
    expect(verifyExecutionChains(noCount, sha)).toMatchObject({
      ok: false,
      firstBroken: { reason: expect.stringContaining('no append count') },
    });
    expect(verifyExecutionChains({ chains: new Map(), heads: new Map() }, sha)).toEqual({
      ok: true,
      entries: 0,
    });
  });
});
