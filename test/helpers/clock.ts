/**
 * A clock the test moves by hand (CoreOptions.clock): hours of backoff take no time, and nothing
 * depends on the machine's clock. Its timers fire only as the test advances past them.
 */
import type { Clock } from '../../main/core/clock.ts';

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
