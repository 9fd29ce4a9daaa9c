/** The application menu, as data. No Electron: main/electron/index.ts builds it with Menu.buildFromTemplate. */

/** The roles used here, each one of Electron's MenuItemConstructorOptions roles (the shell's type check holds them to it). */
type MenuRole = 'appMenu' | 'fileMenu' | 'editMenu' | 'windowMenu' | 'reload' | 'toggleDevTools' | 'resetZoom' | 'zoomIn' | 'zoomOut' | 'togglefullscreen';

export type MenuItem = { role: MenuRole } | { type: 'separator' } | { label: string; submenu: MenuItem[] };

/** macOS gets its app menu; reload and the developer tools only when developing (not packaged). */
export function menuTemplate({ macOS, developing }: { macOS: boolean; developing: boolean }): MenuItem[] {
  return [
    ...(macOS ? [{ role: 'appMenu' } as const] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        ...(developing ? [{ role: 'reload' } as const, { role: 'toggleDevTools' } as const, { type: 'separator' } as const] : []),
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
  ];
}
