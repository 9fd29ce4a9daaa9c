/**
 * The application menu, the tray's and the Dock's, as data with the commands a mail app has. No
 * Electron: main/electron/ builds them with Menu.buildFromTemplate.
 */
import type { MenuCommand } from '../../../preload/common/contract/index.ts';
import { waitingLabel, type OutboxNow } from './waiting.ts';

/** The roles used here, each one of Electron's MenuItemConstructorOptions roles (the shell's type check holds them to it). */
type MenuRole =
  | 'about'
  | 'services'
  | 'hide'
  | 'hideOthers'
  | 'unhide'
  | 'quit'
  | 'editMenu'
  | 'windowMenu'
  | 'reload'
  | 'toggleDevTools'
  | 'resetZoom'
  | 'zoomIn'
  | 'zoomOut'
  | 'togglefullscreen';

/** What the menus ask for: a command for the page, or one the shell does itself. */
export type Command = MenuCommand | 'togglePause' | 'quit';

export type MenuItem =
  | { role: MenuRole }
  | { type: 'separator' }
  | { label: string; submenu: MenuItem[] }
  | {
      label: string;
      click: () => void;
      accelerator?: string;
      /**
       * false: the page handles the keys itself (the composer's Ctrl+Enter), the menu only shows
       * them, so one press never acts twice.
       */
      registerAccelerator?: boolean;
      enabled?: boolean;
    };

const separator = { type: 'separator' } as const;

/** macOS gets its app menu (with Settings, as Mac apps have it); reload and the developer tools only when developing (not packaged). */
export function menuTemplate({ macOS, developing }: { macOS: boolean; developing: boolean }, run: (command: Command) => void): MenuItem[] {
  const settings: MenuItem = { label: macOS ? 'Settings…' : 'Settings', accelerator: 'CmdOrCtrl+,', click: () => run('settings') };
  const appMenu: MenuItem = {
    label: 'Outbound',
    submenu: [
      { role: 'about' },
      separator,
      settings,
      separator,
      { role: 'services' },
      separator,
      { role: 'hide' },
      { role: 'hideOthers' },
      { role: 'unhide' },
      separator,
      { role: 'quit' },
    ],
  };
  const file: MenuItem = {
    label: 'File',
    submenu: [
      { label: 'New Message', accelerator: 'CmdOrCtrl+N', click: () => run('newMessage') },
      { label: 'Send', accelerator: 'CmdOrCtrl+Enter', registerAccelerator: false, click: () => run('send') },
      { label: 'Send Later…', accelerator: 'CmdOrCtrl+Shift+Enter', registerAccelerator: false, click: () => run('sendLater') },
      ...(macOS ? [] : [separator, settings, separator, { role: 'quit' } as const]),
    ],
  };
  const go: MenuItem = {
    label: 'Go',
    submenu: [
      { label: 'Outbox', click: () => run('outbox') },
      { label: 'Sent', click: () => run('sent') },
    ],
  };
  return [
    ...(macOS ? [appMenu] : []),
    file,
    { role: 'editMenu' },
    go,
    {
      label: 'View',
      submenu: [
        ...(developing ? [{ role: 'reload' } as const, { role: 'toggleDevTools' } as const, separator] : []),
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        separator,
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
  ];
}

/** The tray's menu (Linux, Windows) and the Dock's (macOS, which adds its own Quit). */
export function trayMenuTemplate(now: OutboxNow, { macOS }: { macOS: boolean }, run: (command: Command) => void): MenuItem[] {
  return [
    { label: 'New Message', click: () => run('newMessage') },
    { label: `Outbox — ${waitingLabel(now)}`, click: () => run('outbox') },
    separator,
    { label: now.paused ? 'Resume Sending' : 'Pause Sending', click: () => run('togglePause') },
    ...(macOS ? [] : [separator, { label: 'Quit Outbound', click: () => run('quit') }]),
  ];
}
