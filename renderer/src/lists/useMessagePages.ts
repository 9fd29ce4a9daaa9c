import { useCallback, useEffect, useRef, useState } from 'react';
import type { ListCounts, ListFilter, MessagePage, MessageView, PageQuery, Result } from '../../../preload/common/contract/index.ts';

/** Rows asked for at a time. */
const PAGE = 100;
/** Read again after a change: the rows already loaded, up to this many (past it, scrolling loads the rest again). */
const RELOAD_AT_MOST = 500;

export interface MessagePages {
  messages: MessageView[];
  counts: ListCounts | null;
  /** Whether rows remain past those loaded. */
  more: boolean;
  error: string | null;
  loadMore: () => void;
}

/**
 * A list's pages for a filter: the first when the filter changes, the next as the view nears the
 * end, and the rows loaded read again (one read at a time) when the outbox changes. Only the
 * latest answer may update the screen: answers can arrive out of order. `load` must be stable.
 */
export function useMessagePages(load: (query: PageQuery) => Promise<Result<MessagePage>>, filter: ListFilter): MessagePages {
  const [state, setState] = useState<Omit<MessagePages, 'loadMore' | 'more'> & { next: string | null }>({
    messages: [],
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
      const result = await load({ ...(JSON.parse(key) as ListFilter), limit });
      if (ticket !== latest.current) return;
      loading.current = false;
      if (!result.ok) return setState((s) => ({ ...s, error: result.error.message }));
      loaded.current = result.value.messages.length;
      setState({ messages: result.value.messages, counts: result.value.counts, next: result.value.next, error: null });
    },
    [load, key],
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
    void load({ ...(JSON.parse(key) as ListFilter), after: next, limit: PAGE }).then((result) => {
      if (ticket !== latest.current) return;
      loading.current = false;
      if (!result.ok) return setState((s) => ({ ...s, error: result.error.message }));
      setState((s) => {
        const known = new Set(s.messages.map((m) => m.id));
        const messages = [...s.messages, ...result.value.messages.filter((m) => !known.has(m.id))];
        loaded.current = messages.length;
        return { ...s, messages, next: result.value.next, error: null };
      });
    });
  }, [load, key, next]);

  return { messages: state.messages, counts: state.counts, more: next !== null, error: state.error, loadMore };
}
