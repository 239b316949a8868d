import { httpStatusOf } from './api-errors.js';

/** How far one list may go: a large cluster must not hold a Lambda for minutes or fill its memory. */
export interface ListBounds {
  /** Items per request (`limit`). Default 250. */
  readonly pageSize?: number;
  /** Requests per list. Default 20. */
  readonly maxPages?: number;
  /** Items kept in all. Default 2000. */
  readonly maxItems?: number;
}

/** A list as far as the bounds allowed. */
export interface PagedList<T> {
  readonly items: T[];
  /** Why the list stopped early (`more than 2000 items`), or undefined when it is complete. */
  readonly cut?: string;
}

/** One page as client-node returns it. */
export interface ListPage<T> {
  readonly items?: T[];
  readonly metadata?: {
    readonly _continue?: string;
    readonly continue?: string;
    readonly remainingItemCount?: number;
  };
}

const DEFAULTS: Required<ListBounds> = { pageSize: 250, maxPages: 20, maxItems: 2000 };

/**
 * Follows `continue` tokens until the list ends or a bound is hit. A 410 Expired (the token
 * outlived an etcd compaction) restarts the list once from the beginning, as the API asks for a
 * consistent list; other errors are thrown to the caller, which records them in its section.
 */
export async function listAllPages<T>(
  fetchPage: (options: { limit: number; _continue?: string }) => Promise<ListPage<T>>,
  bounds: ListBounds = {},
): Promise<PagedList<T>> {
  const b = { ...DEFAULTS, ...bounds };
  let restarted = false;
  for (;;) {
    const items: T[] = [];
    let token: string | undefined;
    let pages = 0;
    try {
      do {
        const page = await fetchPage({
          limit: Math.min(b.pageSize, b.maxItems - items.length),
          ...(token ? { _continue: token } : {}),
        });
        pages++;
        items.push(...(page.items ?? []));
        token = page.metadata?._continue ?? page.metadata?.continue ?? undefined;
        if (token && items.length >= b.maxItems) {
          const more = page.metadata?.remainingItemCount;
          return {
            items: items.slice(0, b.maxItems),
            cut: `more than ${b.maxItems} items${more !== undefined ? ` (${more} not read)` : ''}`,
          };
        }
        if (token && pages >= b.maxPages)
          return { items, cut: `more than ${b.maxPages} pages of ${b.pageSize}` };
      } while (token);
      return { items };
    } catch (error) {
      if (httpStatusOf(error) === 410 && token && !restarted) {
        restarted = true;
        continue;
      }
      throw error;
    }
  }
}
