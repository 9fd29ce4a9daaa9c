/**
 * What waits in the outbox, as the desktop app tells the user: the tray's and the dock's count, the
 * quit question, the notice that Outbound still runs with no window. No Electron.
 */
import type { Waiting } from '../../core/outbox/store/views.ts';
import type { Core } from '../../core/index.ts';

export type { Waiting };

/** The outbox as the shell's tray, badge and quit question need it, now. */
export interface OutboxNow extends Waiting {
  /** The user paused all sending (tray, Settings). */
  paused: boolean;
}

export const outboxNow = (core: Pick<Core, 'outbox' | 'settings'>): OutboxNow => ({ ...core.outbox.waiting(), paused: core.settings.get().sendingPaused });

/**
 * Calls `listener` with the outbox now, at once and after changes of a message or of the settings;
 * the returned function stops. A flush changes thousands of messages in a burst: the changes of one
 * turn of the event loop are told once (one count, one tray menu, one badge).
 */
export function watchOutbox(core: Pick<Core, 'outbox' | 'settings' | 'events'>, listener: (now: OutboxNow) => void): () => void {
  let pending: NodeJS.Immediate | undefined;
  const tell = (): void => {
    pending = undefined;
    listener(outboxNow(core));
  };
  const changed = (): void => void (pending ??= setImmediate(tell));
  const stops = [core.events.on('outboxChanged', changed), core.events.on('settingsChanged', changed)];
  tell();
  return () => {
    stops.forEach((stop) => stop());
    if (pending) clearImmediate(pending);
  };
}

const messages = (count: number): string => (count === 1 ? '1 message' : `${count} messages`);

/** "2 waiting", for the tray menu's Outbox item and its tooltip. */
export const waitingLabel = ({ count }: Waiting): string => (count === 0 ? 'nothing waiting' : `${count} waiting`);

export interface QuitQuestion {
  title: string;
  message: string;
  detail: string;
  /** In order; the first is the default. */
  buttons: readonly [keep: string, quit: string];
  /** Escape keeps sending. */
  cancelId: 0;
}

export interface WhenOptions {
  now: number;
  /** A time as the user reads it (their locale and time zone); the shell gives Intl's. */
  formatTime: (epochMs: number) => string;
  /** Outbound starts at login, so it would send on its own after the next login. */
  startAtLogin: boolean;
}

/** Asked when the user quits while messages wait; null when nothing waits. */
export function quitQuestion(waiting: OutboxNow, { now, formatTime, startAtLogin }: WhenOptions): QuitQuestion | null {
  if (waiting.count === 0) return null;
  const theyWait = waiting.count === 1 ? 'it waits' : 'they wait';
  const next = waiting.paused
    ? 'Sending is paused.'
    : waiting.firstDue === undefined || waiting.firstDue <= now
      ? `${waiting.count === 1 ? 'It' : 'The first'} would go now.`
      : `${waiting.count === 1 ? 'It' : 'The first'} would go at ${formatTime(waiting.firstDue)}.`;
  const otherwise = startAtLogin ? 'Outbound starts again (at your next login, or when you open it)' : 'you open Outbound again';
  return {
    title: 'Quit Outbound?',
    message: `${messages(waiting.count)} ${waiting.count === 1 ? 'is' : 'are'} waiting to be sent.`,
    detail: `${next} If you quit, ${theyWait} until ${otherwise}. Outbound can keep sending in the background, with no window.`,
    buttons: ['Keep Sending in the Background', 'Quit Anyway'],
    cancelId: 0,
  };
}

/** Shown once per run, the first time the last window closes and Outbound stays in the tray for what waits. */
export function stillRunningNotice(waiting: Waiting): { title: string; body: string } {
  return {
    title: 'Outbound is still sending',
    body: `${messages(waiting.count)} ${waiting.count === 1 ? 'waits' : 'wait'} in the Outbox, so Outbound keeps running with no window until ${waiting.count === 1 ? 'it is' : 'they are'} sent. Its icon in the tray opens it again or quits.`,
  };
}
