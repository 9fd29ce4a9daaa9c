/**
 * The Electron app: one instance, one core on Electron's userData directory, one locked-down window.
 * main/electron/ only wires Electron to the decisions made in main/hosts/desktop/ (Electron-free,
 * tested there); test/electron/ drives this wiring against a stand-in `electron`.
 */
import { app, BrowserWindow, dialog, Menu, net, Notification, powerMonitor, session } from 'electron';
import path from 'node:path';
import { openCore } from '../core/index.ts';
import { createApi } from '../hosts/api.ts';
import { APP_ENTRY_URL } from '../hosts/desktop/app-scheme.ts';
import { noticeWhenSendingFails } from '../hosts/desktop/failure-notice.ts';
import { signInPageOf } from '../hosts/desktop/links.ts';
import { isMailtoUrl, mailtoIn, openMailtoLink } from '../hosts/desktop/mailto.ts';
import { menuTemplate } from '../hosts/desktop/menu.ts';
import { whenBackOnline } from '../hosts/desktop/online.ts';
import { quitAfterClosing } from '../hosts/desktop/quit.ts';
import { WindowKeeper } from '../hosts/desktop/window-keeper.ts';
import { createDispatch } from '../hosts/dispatch.ts';
import { bindIpc } from './ipc.ts';
import { registerAppScheme, serveRenderer } from './protocol.ts';
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
    oauth: { openExternal: (url) => openInBrowser(signInPageOf(url)) },
    pickFiles: pickAttachments,
  });
  denyAllPermissions(session.defaultSession);
  serveRenderer(path.join(distDir, 'renderer'));
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate({ macOS: process.platform === 'darwin', developing: !app.isPackaged })));

  const windows = new WindowKeeper(() => createMainWindow(distDir));
  const unbindIpc = bindIpc({ dispatch: createDispatch(createApi(core)), core, window: () => windows.current() });
  windows.show();
  // The page opens the screen named in the fragment (renderer/src/App.tsx); a fragment change does not reload it.
  const showOutbox = (): void =>
    windows.showThen(
      (window) => void window.loadURL(`${APP_ENTRY_URL}#outbox`).catch((error: unknown) => console.error('outbound: cannot open the Outbox:', error)),
    );
  if (Notification.isSupported()) {
    // A notification that is garbage-collected loses its click handler: hold each until it is done with.
    const shown = new Set<Notification>();
    noticeWhenSendingFails(
      core,
      () => windows.current()?.isFocused() ?? false,
      (notice) => {
        const notification = new Notification(notice);
        shown.add(notification);
        notification.on('click', () => {
          shown.delete(notification);
          showOutbox();
        });
        notification.on('close', () => shown.delete(notification));
        notification.show();
      },
    );
  }

  // mailto: links open a prefilled composer: at launch, from a second launch, or on macOS by 'open-url'.
  app.setAsDefaultProtocolClient('mailto'); // eng-disable PROTOCOL_HANDLER_JS_CHECK reviewed a link only prefills the composer with recipients subject and plain text body and sends nothing
  const openMailto = (url: string): void => windows.showThen(() => openMailtoLink(core.compose, url));
  app.on('open-url', (event, url) => {
    event.preventDefault();
    if (isMailtoUrl(url)) openMailto(url);
  });
  const launchedWith = mailtoIn(process.argv);
  if (launchedWith) openMailto(launchedWith);
  app.on('second-instance', (_event, argv) => {
    const url = mailtoIn(argv);
    if (url) openMailto(url);
    else windows.show();
  });
  app.on('activate', () => windows.show()); // macOS: clicking the dock icon with no window open
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  // The network may be back: on resume from sleep, and when Electron's online flag turns true.
  const kick = (): void => core.sender.kick();
  powerMonitor.on('resume', kick);
  const stopPolling = whenBackOnline(() => net.online, kick);
  const stop = (): void => {
    unbindIpc();
    stopPolling();
  };
  const quit = quitAfterClosing({ stop, core, exit: (code) => app.exit(code) });
  app.on('will-quit', (event) => {
    event.preventDefault();
    void quit();
  });
}

/** Attachments come only from the system's file dialog (or a drop): the renderer never names a path itself. */
async function pickAttachments(): Promise<string[]> {
  const window = BrowserWindow.getFocusedWindow();
  const options = { title: 'Attach files', properties: ['openFile', 'multiSelections'] as ('openFile' | 'multiSelections')[] };
  const { canceled, filePaths } = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
  return canceled ? [] : filePaths;
}
