/**
 * A sleeping laptop cuts a large upload: while any message is being sent (from its claim to its
 * outcome, the body being the long part), Electron's powerSaveBlocker('prevent-app-suspension') is
 * held, and released once none is. No Electron: main/electron/index.ts gives the blocker.
 */
import type { Core } from '../../core/index.ts';

export interface PowerBlocker {
  /** Returns the blocker's id. */
  start(): number;
  stop(id: number): void;
}

/** The returned function stops watching (and releases a blocker still held). */
export function holdWhileSending(events: Core['events'], blocker: PowerBlocker): () => void {
  const sending = new Set<number>();
  let held: number | undefined;
  const stopWatching = events.on('outboxChanged', ({ id, state }) => {
    if (state === 'sending') sending.add(id);
    else sending.delete(id);
    if (sending.size > 0 && held === undefined) held = blocker.start();
    else if (sending.size === 0 && held !== undefined) release();
  });
  const release = (): void => {
    blocker.stop(held!);
    held = undefined;
  };
  return () => {
    stopWatching();
    if (held !== undefined) release();
  };
}
