import { useCallback, useEffect, useRef } from 'react';
import type { DraftInput, SavedDraftView } from '../../../preload/common/contract/index.ts';

/** The key under which the composer remembers its open draft, to reopen it after a reload or a crash. */
const OPEN_DRAFT = 'outbound.openDraft';
export const rememberOpenDraft = (id: number | null) => (id === null ? localStorage.removeItem(OPEN_DRAFT) : localStorage.setItem(OPEN_DRAFT, String(id)));
export const openDraftId = (): number | null => {
  const id = Number(localStorage.getItem(OPEN_DRAFT));
  return Number.isSafeInteger(id) && id > 0 ? id : null;
};

/**
 * Autosave: `message` (null until the person changed something) is saved a second after it last
 * changed, one save at a time so that the first save's new id is used by the next, and at once when
 * the composer closes within that second.
 */
export function useAutosave(
  message: DraftInput | null,
  initialId: number | null,
  onSaved: (draft: SavedDraftView) => void,
  onError: (message: string) => void,
) {
  const id = useRef<number | null>(initialId);
  const queue = useRef<Promise<void>>(Promise.resolve());
  /** While a send is under way: a save then would bring the draft back (or make a new one). */
  const paused = useRef(false);
  const pending = useRef<string | null>(null);
  const report = useRef({ onSaved, onError });
  report.current = { onSaved, onError };
  const key = message ? JSON.stringify(message) : null;

  const save = useCallback((json: string) => {
    queue.current = queue.current.then(async () => {
      if (paused.current) return;
      const input = JSON.parse(json) as DraftInput;
      const result = await window.outbound.drafts.save(id.current === null ? input : { ...input, id: id.current });
      if (!result.ok) return report.current.onError(result.error.message);
      id.current = result.value.id;
      rememberOpenDraft(result.value.id);
      report.current.onSaved(result.value);
    });
  }, []);

  useEffect(() => {
    pending.current = key;
    if (key === null) {
      paused.current = false; // a fresh message after a send
      return;
    }
    const timer = setTimeout(() => {
      pending.current = null;
      save(key);
    }, 1000);
    return () => clearTimeout(timer);
  }, [key, save]);

  useEffect(
    () => () => {
      if (pending.current !== null) save(pending.current);
    },
    [save],
  );

  return {
    /** Stop saving and wait for a save under way: the draft's id, for the send to discard it. */
    async pause(): Promise<number | null> {
      paused.current = true;
      await queue.current;
      return id.current;
    },
    /** The send failed: the draft stays and saving goes on. */
    resume: () => void (paused.current = false),
    /** The message was sent (the core discarded its draft) or taken away: the next one is a new draft. */
    forget() {
      id.current = null;
      rememberOpenDraft(null);
    },
  };
}
