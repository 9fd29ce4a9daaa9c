/**
 * Is the network (the way to our servers) up? Set down by a network failure; while down, a cheap
 * probe (a TCP connect to the servers that mail waits for) runs every few seconds, and the moment one
 * answers the outbox flushes what waited — without the user doing anything. The app's own online
 * signals (Electron's net.online, resume from sleep) just ask for a probe now.
 */
import { connect } from 'node:net';

export interface ProbeTarget {
  host: string;
  port: number;
}

export interface ConnectivityOptions {
  /** Where to knock; empty: nothing waits, so the network counts as up. */
  targets: () => ProbeTarget[];
  onChange: (online: boolean) => void;
  probeEveryMs?: number;
  probeTimeoutMs?: number;
}

export class Connectivity {
  online = true;
  private readonly options: ConnectivityOptions;
  private timer: NodeJS.Timeout | undefined;
  private probing: Promise<void> | undefined;
  private stopped = false;

  constructor(options: ConnectivityOptions) {
    this.options = options;
  }

  /** An attempt could not reach its server. */
  failed(): void {
    this.set(false);
    this.schedule();
  }

  /** An attempt reached its server. */
  reached(): void {
    this.set(true);
  }

  /** Look now (the OS says the network changed, the machine woke up). */
  probeNow(): Promise<void> {
    if (this.online || this.stopped) return Promise.resolve();
    this.probing ??= this.probe().finally(() => {
      this.probing = undefined;
    });
    return this.probing;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async probe(): Promise<void> {
    const targets = this.options.targets();
    const answers = await Promise.all(targets.map((t) => knock(t, this.options.probeTimeoutMs ?? 3_000)));
    if (targets.length === 0 || answers.some(Boolean)) this.set(true);
    else this.schedule();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    if (this.stopped || this.online) return;
    this.timer = setTimeout(() => void this.probeNow(), this.options.probeEveryMs ?? 15_000);
    this.timer.unref();
  }

  private set(online: boolean): void {
    if (this.online === online) return;
    this.online = online;
    if (online) clearTimeout(this.timer);
    this.options.onChange(online);
  }
}

function knock({ host, port }: ProbeTarget, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    const done = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}
