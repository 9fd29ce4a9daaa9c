/**
 * The Electron app: one instance, one core on Electron's userData directory, one locked-down window.
 * Everything Electron-specific lives in main/electron/: this file and its siblings window.ts, protocol.ts and ipc.ts.
 */
import { app, BrowserWindow, dialog, Menu, net, Notification, powerMonitor, session, type MenuItemConstructorOptions } from 'electron';
import path from 'node:path';
import type { MessageView } from '../../preload/common/contract/index.ts';
import { createApi } from '../hosts/api.ts';
import { openCore, type Core } from '../core/index.ts';
import { createDispatch } from '../hosts/dispatch.ts';
import { bindIpc } from './ipc.ts';
import { APP_ENTRY_URL, registerAppScheme, serveRenderer } from './protocol.ts';
import { createMainWindow, denyAllPermissions, openInBrowser } from './window.ts';

/** dist/, holding main/ (this file, built, is dist/main/electron/index.js), preload/ and renderer/. */
const distDir = path.resolve(import.meta.dirname, '..', '..');

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
  const core = openCore({
    ...(process.env.OUTBOUND_HOME ? {} : { home: app.getPath('userData') }),
    oauth: { openExternal: openSignInPage },
    pickFiles: pickAttachments,
  });
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
  notifyWhenSendingFails(core, {
    focused: () => mainWindow?.isFocused() ?? false,
    showOutbox: () => {
      const existed = mainWindow !== undefined && !mainWindow.isDestroyed();
      showWindow();
      const contents = mainWindow!.webContents;
      // The page opens the screen named in the fragment (renderer/src/App.tsx); a fragment change does not reload it.
      const open = (): void => void contents.loadURL(`${APP_ENTRY_URL}#outbox`).catch((error: unknown) => console.error('outbound: cannot open the Outbox:', error));
      if (existed && !contents.isLoading()) open();
      else contents.once('did-finish-load', open);
    },
  });

  // mailto: links (RFC 6068) open a prefilled composer: at launch, from a second launch, or on macOS by 'open-url'.
  app.setAsDefaultProtocolClient('mailto'); // eng-disable PROTOCOL_HANDLER_JS_CHECK reviewed a link only prefills the composer with recipients subject and plain text body and sends nothing
  const openMailto = (url: string): void => {
    const known = mainWindow !== undefined && !mainWindow.isDestroyed() && !mainWindow.webContents.isLoading();
    showWindow();
    const announce = (): void => {
      try {
        core.compose.openMailto(url);
      } catch (error) {
        console.error('outbound: ignoring a mailto: link that cannot be read:', error instanceof Error ? error.message : error);
      }
    };
    if (known) announce();
    else mainWindow!.webContents.once('did-finish-load', announce);
  };
  const mailtoIn = (argv: readonly string[]): string | undefined => argv.find((arg) => /^mailto:/i.test(arg));
  app.on('open-url', (event, url) => {
    event.preventDefault();
    if (/^mailto:/i.test(url)) openMailto(url);
  });
  const launchedWith = mailtoIn(process.argv);
  if (launchedWith) openMailto(launchedWith);

  app.on('second-instance', (_event, argv) => {
    const url = mailtoIn(argv);
    if (url) openMailto(url);
    else showWindow();
  });
  app.on('activate', showWindow); // macOS: clicking the dock icon with no window open
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  wakeSenderWhenNetworkMayBeBack(core);
  quitAfterClosing(core, unbindIpc);
}

/** Attachments come only from the system's file dialog (or a drop): the renderer never names a path itself. */
async function pickAttachments(): Promise<string[]> {
  const window = BrowserWindow.getFocusedWindow();
  const options = { title: 'Attach files', properties: ['openFile', 'multiSelections'] as ('openFile' | 'multiSelections')[] };
  const { canceled, filePaths } = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
  return canceled ? [] : filePaths;
}

/** OAuth2 sign-in pages open in the system browser (RFC 8252: never in an embedded view), and only over https. */
function openSignInPage(url: string): void {
  if (URL.parse(url)?.protocol !== 'https:') throw new Error('Outbound opens only https sign-in pages.');
  openInBrowser(url);
}

/**
 * A desktop notification when a message fails for good while the window is not in front (the page
 * shows its own alert); clicking it brings the window up on the Outbox.
 */
function notifyWhenSendingFails(core: Core, window: { focused: () => boolean; showOutbox: () => void }): void {
  if (!Notification.isSupported()) return;
  // A notification that is garbage-collected loses its click handler: hold each until it is done with.
  const shown = new Set<Notification>();
  core.events.on('outboxChanged', ({ id, state }) => {
    if (state !== 'failed' || window.focused()) return;
    // Listeners run inside the outbox's own update: never let a vanished message throw into it.
    let message: MessageView;
    try {
      message = core.outbox.view(id);
    } catch {
      return;
    }
    const notification = new Notification({
      title: 'A message could not be sent',
      body: `“${message.subject || '(no subject)'}”: ${message.lastError ?? 'open the Outbox to see why.'}`,
    });
    shown.add(notification);
    notification.on('click', () => {
      shown.delete(notification);
      window.showOutbox();
    });
    notification.on('close', () => shown.delete(notification));
    notification.show();
  });
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
