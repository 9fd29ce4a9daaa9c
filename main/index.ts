/**
 * The Electron app: one instance, one core on Electron's userData directory, one locked-down window.
 * Everything Electron-specific lives in this file and its siblings window.ts, protocol.ts and ipc.ts.
 */
import { app, BrowserWindow, dialog, Menu, net, powerMonitor, session, type MenuItemConstructorOptions } from 'electron';
import path from 'node:path';
import { createApi } from './api.ts';
import { openCore, type Core } from './core/index.ts';
import { createDispatch } from './dispatch.ts';
import { bindIpc } from './ipc.ts';
import { registerAppScheme, serveRenderer } from './protocol.ts';
import { createMainWindow, denyAllPermissions } from './window.ts';

/** dist/, holding main/ (this file, built), preload/ and renderer/. */
const distDir = path.dirname(import.meta.dirname);

registerAppScheme();

if (app.requestSingleInstanceLock()) {
  start().catch((error: unknown) => {
    console.error('outbound: failed to start:', error);
    dialog.showErrorBox('Outbound could not start', error instanceof Error ? error.message : String(error));
    app.exit(1);
  });
} else {
  // Another Outbound is running: it gets focused through 'second-instance'.
  app.quit();
}

async function start(): Promise<void> {
  await app.whenReady();
  // OUTBOUND_HOME wins, as for the CLI (openCore reads it when no home is given).
  const core = openCore(process.env.OUTBOUND_HOME ? {} : { home: app.getPath('userData') });
  denyAllPermissions(session.defaultSession);
  serveRenderer(path.join(distDir, 'renderer'));
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate()));

  let mainWindow: BrowserWindow | undefined;
  const showWindow = (): void => {
    if (mainWindow === undefined || mainWindow.isDestroyed()) {
      mainWindow = createMainWindow(distDir);
      return;
    }
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  };
  const unbindIpc = bindIpc({ dispatch: createDispatch(createApi(core)), core, window: () => mainWindow });
  showWindow();

  app.on('second-instance', showWindow);
  app.on('activate', showWindow); // macOS: clicking the dock icon with no window open
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  wakeSenderWhenNetworkMayBeBack(core);
  quitAfterClosing(core, unbindIpc);
}

/** How often to look at Electron's online flag: Electron has no event for it in the main process. */
const ONLINE_POLL_MS = 5_000;

/**
 * The one place Electron tells the outbox the network may be back, so waiting messages go at once
 * instead of at the sender's next timed look: on resume from sleep and when the machine comes online.
 */
function wakeSenderWhenNetworkMayBeBack(core: Core): void {
  powerMonitor.on('resume', () => core.sender.kick());
  let wasOnline = net.online;
  setInterval(() => {
    const online = net.online;
    if (online && !wasOnline) core.sender.kick();
    wasOnline = online;
  }, ONLINE_POLL_MS);
}

/** Quitting waits for the core to close: the sender stopped, the database closed. */
function quitAfterClosing(core: Core, unbindIpc: () => void): void {
  let closing: Promise<void> | undefined;
  app.on('will-quit', (event) => {
    event.preventDefault();
    closing ??= (async () => {
      unbindIpc();
      try {
        await core.close();
      } catch (error) {
        console.error('outbound: closing the core failed:', error);
      }
      app.exit(0);
    })();
  });
}

function menuTemplate(): MenuItemConstructorOptions[] {
  const developing = !app.isPackaged;
  return [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' } as const] : []),
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
