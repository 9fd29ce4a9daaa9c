/**
 * Clocks the tests move (CoreOptions.clock). TestClock, moved by hand: hours of backoff take no time,
 * and nothing depends on the machine's clock; its timers fire only as the test advances past them.
 * AheadClock: the machine's time, moved ahead, for a core whose page keeps real time.
 */
import { systemClock, type Clock } from '../../main/core/clock.ts';

/** A fixed start, far from any edge (a day, a year, a daylight-saving change does not matter to UTC milliseconds). */
const START = Date.UTC(2026, 2, 10, 9, 0, 0);

interface Timer {
  at: number;
  order: number;
  wake: () => void;
}

export class TestClock implements Clock {
  private time = START;
  private readonly timers = new Set<Timer>();
  private created = 0;

  now(): number {
    return this.time;
  }

  setTimer(wake: () => void, ms: number): () => void {
    const timer = { at: this.time + ms, order: (this.created += 1), wake };
    this.timers.add(timer);
    return () => this.timers.delete(timer);
  }

  /** Moves time on by `ms`, firing each timer that falls due on the way at its own time, earliest first. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const [next] = [...this.timers].filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.order - b.order);
      if (!next) break;
      this.timers.delete(next);
      this.time = Math.max(this.time, next.at);
      next.wake();
    }
    this.time = end;
  }
}

/**
 * The machine's time, which the test can only move ahead (CoreOptions.clock): for an end-to-end core
 * whose page keeps real time, so what the page shows (an undo countdown, a time picked) stays true.
 * Timers run on real time; after moving ahead, kick the sender so that it looks again.
 */
export class AheadClock implements Clock {
  private ahead = 0;

  now(): number {
    return Date.now() + this.ahead;
  }

  setTimer(wake: () => void, ms: number): () => void {
    return systemClock.setTimer(wake, ms);
  }

  /** Moves on to `instant` (ms since the epoch), if it is later than now. */
  moveTo(instant: number): void {
    this.ahead = Math.max(this.ahead, instant - Date.now());
  }
}
