/**
 * `desktop`: what the app is to the operating system (started at login, the mail app that opens
 * mailto: links) and the menu's commands for the page. Only the desktop app can change these: the
 * browser host and the CLI answer `null` (cannot tell) and refuse changes.
 */
import * as z from 'zod/mini';
import { method } from './method.ts';

export interface DesktopView {
  /** Outbound starts, in the tray, when the user logs in; null where this host cannot set it. */
  startAtLogin: boolean | null;
  /** Outbound is the system's mail app (it opens mailto: links); null where this host cannot tell. */
  defaultMailApp: boolean | null;
}

/** What a menu item or its shortcut asks the page to do. */
export const MENU_COMMANDS = ['newMessage', 'send', 'sendLater', 'outbox', 'sent', 'settings'] as const;
export type MenuCommand = (typeof MENU_COMMANDS)[number];

export const desktopMethods = {
  get: method(z.tuple([])).returns<DesktopView>(),
  setStartAtLogin: method(z.tuple([z.boolean()])).returns<DesktopView>(),
  makeDefaultMailApp: method(z.tuple([])).returns<DesktopView>(),
  /**
   * True once per data directory, the first time it is asked while Outbound does not start at login:
   * after a message is scheduled, the page offers to start at login (scheduled mail goes only while
   * Outbound runs).
   */
  offerStartAtLogin: method(z.tuple([])).returns<boolean>(),
} as const;
