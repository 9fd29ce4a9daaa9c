/**
 * The desktop's signals that the network may be back, so waiting messages go at once instead of at
 * the sender's next timed look. No Electron: main/electron/index.ts gives it Electron's online flag.
 */

/** How often to look at Electron's online flag: Electron has no event for it in the main process. */
export const ONLINE_POLL_MS = 5_000;

/** Calls `back` each time `isOnline()` has turned true since the last look; the returned function stops looking. */
export function whenBackOnline(isOnline: () => boolean, back: () => void, everyMs = ONLINE_POLL_MS): () => void {
  let wasOnline = isOnline();
  const timer = setInterval(() => {
    const online = isOnline();
    if (online && !wasOnline) back();
    wasOnline = online;
  }, everyMs);
  return () => clearInterval(timer);
}
