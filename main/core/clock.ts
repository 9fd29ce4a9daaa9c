/**
 * The time the outbox goes by: when a message falls due, its backoff, its leases, when to give up on
 * it, and the sender's wake-ups. The real clock by default; tests pass one they move themselves, so
 * that hours of backoff take no time and nothing depends on the machine's clock.
 */
export interface Clock {
  /** Milliseconds since the epoch, as Date.now(). */
  now(): number;
  /** Calls `wake` once, `ms` from now; never keeps the process alive. Returns what cancels it. */
  setTimer(wake: () => void, ms: number): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(wake, ms) {
    const timer = setTimeout(wake, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
};
