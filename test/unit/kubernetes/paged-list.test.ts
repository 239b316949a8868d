import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { listAllPages, type ListPage } from '../../../lambdas/adapters/kubernetes/paged-list.js';

/** A server's pages over `n` items, recording every request; `expireOnce` answers 410 to the first continue. */
function pager(n: number, options: { expireOnce?: boolean; alwaysExpire?: boolean } = {}) {
  const calls: { limit: number; _continue?: string }[] = [];
  let expired = false;
  const fetchPage = async (o: { limit: number; _continue?: string }): Promise<ListPage<number>> => {
    calls.push(o);
    if (o._continue && (options.alwaysExpire || (options.expireOnce && !expired))) {
      expired = true;
      throw new ApiException(410, 'Expired', { kind: 'Status', reason: 'Expired', code: 410 }, {});
    }
    const start = o._continue ? Number(o._continue) : 0;
    const items = Array.from(
      { length: Math.max(0, Math.min(o.limit, n - start)) },
      (_, i) => start + i,
    );
    const next = start + items.length;
    return {
      items,
      metadata: next < n ? { _continue: String(next), remainingItemCount: n - next } : {},
    };
  };
  return { calls, fetchPage };
}

describe('listAllPages', () => {
  it('follows continue tokens to the end', async () => {
    const p = pager(7);
    const list = await listAllPages(p.fetchPage, { pageSize: 3 });
    expect(list).toEqual({ items: [0, 1, 2, 3, 4, 5, 6] });
    expect(p.calls).toEqual([
      { limit: 3 },
      { limit: 3, _continue: '3' },
      { limit: 3, _continue: '6' },
    ]);
  });

  it('stops at maxItems and says how many were not read', async () => {
    const list = await listAllPages(pager(10).fetchPage, { pageSize: 4, maxItems: 5 });
    expect(list.items).toEqual([0, 1, 2, 3, 4]);
    expect(list.cut).toBe('more than 5 items (5 not read)');
  });

  it('stops at maxPages', async () => {
    const list = await listAllPages(pager(10).fetchPage, { pageSize: 2, maxPages: 2 });
    expect(list).toEqual({ items: [0, 1, 2, 3], cut: 'more than 2 pages of 2' });
  });

  it('restarts once from the beginning after a 410 Expired continue token', async () => {
    const p = pager(5, { expireOnce: true });
    expect((await listAllPages(p.fetchPage, { pageSize: 2 })).items).toEqual([0, 1, 2, 3, 4]);
    expect(p.calls.filter((c) => !c._continue)).toHaveLength(2);
  });

  it('gives up with the error when the token keeps expiring', async () => {
    await expect(
      listAllPages(pager(5, { alwaysExpire: true }).fetchPage, { pageSize: 2 }),
    ).rejects.toMatchObject({ code: 410 });
  });
});
