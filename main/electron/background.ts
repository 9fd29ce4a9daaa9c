/**
 * Outbound with no window (main/hosts/desktop/background.ts decides when): the tray on Linux and
 * Windows, the Dock's menu and every badge, notifications, and quitting only after asking while mail waits.
 */
import { app, Menu, nativeImage, Notification, powerMonitor, Tray, type BrowserWindow } from 'electron';
import path from 'node:path';
import type { Core } from '../core/index.ts';
import { Background } from '../hosts/desktop/background.ts';
import { noticeWhenSendingFails, type Notice } from '../hosts/desktop/failure-notice.ts';
import type { LoginItem } from '../hosts/desktop/login-item.ts';
import { trayMenuTemplate, type Command } from '../hosts/desktop/menu.ts';
import { quitGate } from '../hosts/desktop/quit.ts';
import { outboxNow, quitQuestion, waitingLabel, watchOutbox, type OutboxNow } from '../hosts/desktop/waiting.ts';
import type { WindowKeeper } from '../hosts/desktop/window-keeper.ts';
import { ask } from './system.ts';

/** dist/renderer/tray.png, from renderer/public/ (this file, built, is dist/main/electron/background.js). */
const TRAY_ICON = path.resolve(import.meta.dirname, '..', '..', 'renderer', 'tray.png');

export interface BackgroundWiring {
  core: Core;
  windows: WindowKeeper<BrowserWindow>;
  run: (command: Command) => void;
  loginItem: LoginItem;
}

export function keepSendingInBackground({ core, windows, run, loginItem }: BackgroundWiring) {
  const macOS = process.platform === 'darwin';
  const menuOf = (now: OutboxNow) => Menu.buildFromTemplate(trayMenuTemplate(now, { macOS }, run));
  let tray: Tray | undefined;
  const showTray = (now: OutboxNow): void => {
    tray?.setContextMenu(menuOf(now));
    tray?.setToolTip(`Outbound — ${waitingLabel(now)}`);
  };
  const notify = notifier(() => run('outbox'));
  const background = new Background({
    macOS,
    setTray(present) {
      tray?.destroy();
      tray = present ? new Tray(nativeImage.createFromPath(TRAY_ICON)) : undefined;
      tray?.on('click', () => windows.show());
      showTray(outboxNow(core));
    },
    notify,
    quit: () => app.quit(),
  });
  const stopNoticing = noticeWhenSendingFails(core, () => windows.current()?.isFocused() ?? false, notify);
  const stopWatching = watchOutbox(core, (now) => {
    app.setBadgeCount(now.count);
    if (macOS) app.dock?.setMenu(menuOf(now));
    showTray(now);
    background.outboxChanged(now);
  });
  const windowsGone = (): void => background.windowsGone(outboxNow(core));
  app.on('window-all-closed', windowsGone);
  app.on('browser-window-created', () => background.windowShown());

  const time = new Intl.DateTimeFormat(app.getLocale() || undefined, { weekday: 'short', hour: 'numeric', minute: '2-digit' });
  const gate = quitGate({
    question: () => quitQuestion(outboxNow(core), { now: Date.now(), formatTime: (ms) => time.format(ms), startAtLogin: loginItem.get() }),
    ask: (question) => ask(question, windows.current()),
    keepSending() {
      windows.current()?.destroy();
      windowsGone();
    },
    quit: () => app.quit(),
  });
  app.on('before-quit', (event) => {
    if (!gate.mayQuit()) event.preventDefault();
  });
  powerMonitor.on('shutdown', gate.allow); // the system is going down: never hold it up with a question

  return {
    /** A login start: no window, the tray only while something waits. */
    startedHidden: () => background.windowsGone(outboxNow(core), { quietly: true }),
    stop() {
      stopNoticing();
      stopWatching();
      tray?.destroy();
    },
  };
}

/** A notification that is garbage-collected loses its click handler: each is held until it is done with. */
function notifier(onClick: () => void): (notice: Notice) => void {
  const shown = new Set<Notification>();
  return (notice) => {
    if (!Notification.isSupported()) return;
    const notification = new Notification(notice);
    shown.add(notification);
    notification.on('click', () => {
      shown.delete(notification);
      onClick();
    });
    notification.on('close', () => shown.delete(notification));
    notification.show();
  };
}
