import { useCallback, useEffect, useRef, useState } from 'react';
import type { Result } from '../../../preload/common/contract/index.ts';

/** Rows asked for at a time. */
const PAGE = 100;
/** Read again after a change: the rows already loaded, up to this many (past it, scrolling loads the rest again). */
const RELOAD_AT_MOST = 500;

/** What a page of a list holds, whatever the contract calls it. */
export interface Paged<T, C> {
  items: T[];
  next: string | null;
  /** On the first page. */
  counts: C | null;
}

export interface Pages<T, C> {
  items: T[];
  counts: C | null;
  /** Whether rows remain past those loaded. */
  more: boolean;
  error: string | null;
  loadMore: () => void;
  /** Read the rows loaded again now (after a change no outbox event announces). */
  reload: () => void;
}

/**
 * A list's pages for a filter: the first when the filter changes, the next as the view nears the
 * end, and the rows loaded read again (one read at a time) when the outbox changes. Only the
 * latest answer may update the screen: answers can arrive out of order. `load` and `read` must be stable.
 */
export function usePages<F extends object, P, T extends { id: number }, C>(
  load: (query: F & { after?: string; limit?: number }) => Promise<Result<P>>,
  filter: F,
  read: (page: P) => Paged<T, C>,
): Pages<T, C> {
  const [state, setState] = useState<{ items: T[]; counts: C | null; next: string | null; error: string | null }>({
    items: [],
    counts: null,
    next: null,
    error: null,
  });
  const latest = useRef(0);
  const loaded = useRef(0);
  const loading = useRef(false);
  const key = JSON.stringify(filter);

  const readFirst = useCallback(
    async (limit: number) => {
      const ticket = ++latest.current;
      loading.current = true;
      const result = await load({ ...(JSON.parse(key) as F), limit });
      if (ticket !== latest.current) return;
      loading.current = false;
      if (!result.ok) return setState((s) => ({ ...s, error: result.error.message }));
      const page = read(result.value);
      loaded.current = page.items.length;
      setState({ ...page, error: null });
    },
    [load, read, key],
  );

  useEffect(() => {
    void readFirst(PAGE);
    let again: ReturnType<typeof setTimeout> | undefined;
    // Many changes at once (a bulk action, a flush) make one read.
    const unsubscribe = window.outbound.onOutboxChanged(() => {
      clearTimeout(again);
      again = setTimeout(() => void readFirst(Math.min(RELOAD_AT_MOST, Math.max(PAGE, loaded.current))), 50);
    });
    return () => {
      clearTimeout(again);
      latest.current++;
      unsubscribe();
    };
  }, [readFirst]);

  const { next } = state;
  const loadMore = useCallback(() => {
    if (!next || loading.current) return;
    const ticket = latest.current;
    loading.current = true;
    void load({ ...(JSON.parse(key) as F), after: next, limit: PAGE }).then((result) => {
      if (ticket !== latest.current) return;
      loading.current = false;
      if (!result.ok) return setState((s) => ({ ...s, error: result.error.message }));
      const page = read(result.value);
      setState((s) => {
        const known = new Set(s.items.map((item) => item.id));
        const items = [...s.items, ...page.items.filter((item) => !known.has(item.id))];
        loaded.current = items.length;
        return { ...s, items, next: page.next, error: null };
      });
    });
  }, [load, read, key, next]);

  const reload = useCallback(() => void readFirst(Math.min(RELOAD_AT_MOST, Math.max(PAGE, loaded.current))), [readFirst]);
  return { items: state.items, counts: state.counts, more: next !== null, error: state.error, loadMore, reload };
}
