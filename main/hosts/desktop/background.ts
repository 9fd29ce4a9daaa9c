/**
 * Outbound with no window: while messages wait (queued, scheduled, retrying, sending), closing the last
 * window keeps it running, in the tray on Linux and Windows and in the Dock on macOS, and it says so
 * once. With nothing waiting it quits as before, and on Linux and Windows it also quits once the
 * last waiting message is done while no window is open. macOS apps stay in the Dock as always. No Electron.
 */
import { stillRunningNotice, type OutboxNow } from './waiting.ts';

export interface BackgroundPorts {
  macOS: boolean;
  /** Put up or take down the tray icon (Linux and Windows). */
  setTray(present: boolean): void;
  notify(notice: { title: string; body: string }): void;
  quit(): void;
}

export class Background {
  private readonly ports: BackgroundPorts;
  /** Running with no window, for what waits (Linux and Windows). */
  private inBackground = false;
  private told = false;

  constructor(ports: BackgroundPorts) {
    this.ports = ports;
  }

  /** A window is open again: the tray's work is done. */
  windowShown(): void {
    if (!this.inBackground) return;
    this.inBackground = false;
    this.ports.setTray(false);
  }

  /** The last window closed, or Outbound started hidden at login (`quietly`: nobody closed anything, so nothing to explain). */
  windowsGone(now: OutboxNow, { quietly = false } = {}): void {
    if (this.ports.macOS) return;
    if (now.count === 0) return this.ports.quit();
    if (!this.inBackground) this.ports.setTray(true);
    this.inBackground = true;
    if (quietly || this.told) return;
    this.told = true;
    this.ports.notify(stillRunningNotice(now));
  }

  /** What waits changed: in the tray, Outbound leaves once nothing does. */
  outboxChanged(now: OutboxNow): void {
    if (this.inBackground && now.count === 0) this.ports.quit();
  }
}
