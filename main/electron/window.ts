/**
 * The one window, locked down per Electron's security checklist: isolated, sandboxed preload, no
 * Node in the page, no new windows, no navigation away from `app://outbound`, no permissions. Which
 * URLs are ours and which links may leave is decided in main/hosts/desktop/ (app-scheme.ts, links.ts).
 */
import { BrowserWindow, shell, type Session, type WebContents } from 'electron';
import path from 'node:path';
import { APP_ENTRY_URL, isAppUrl, isPageDownload } from '../hosts/desktop/app-scheme.ts';
import { externalLinkOf } from '../hosts/desktop/links.ts';

/** `distDir` is the built `dist/` folder holding preload/ and renderer/. */
export function createMainWindow(distDir: string): BrowserWindow {
  // A block comment: tsc drops a line comment after `({`, and the built app is scanned too.
  const window = /* eng-disable AUXCLICK_JS_CHECK a middle click opens a window too and setWindowOpenHandler below denies it */ new BrowserWindow({
    title: 'Outbound',
    width: 1100,
    height: 760,
    minWidth: 720,
    minHeight: 480,
    show: false,
    webPreferences: {
      preload: path.join(distDir, 'preload', 'index.cjs'), // eng-disable PRELOAD_JS_CHECK reviewed it exposes only the contract functions and no ipcRenderer
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    },
  });
  keepOnAppOrigin(window.webContents);
  window.once('ready-to-show', () => window.show());
  window.loadURL(APP_ENTRY_URL).catch((error: unknown) => console.error(`outbound: cannot load ${APP_ENTRY_URL}:`, error));
  return window;
}

/** No permission is ever granted (camera, notifications, …); only the page's own files download (isPageDownload), through Electron's save dialog. */
export function lockDownSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.on('will-download', (event, item) => {
    if (!isPageDownload(item.getURL())) event.preventDefault();
  });
}

function keepOnAppOrigin(contents: WebContents): void {
  // Links with target=_blank go to the user's browser; nothing opens inside Electron.
  contents.setWindowOpenHandler(({ url }) => {
    openInBrowser(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  });
}

/** Only web links (externalLinkOf); anything else is dropped. */
export function openInBrowser(url: string): void {
  const link = externalLinkOf(url);
  if (link === undefined) return;
  const failed = (error: unknown): void => console.error('outbound: cannot open link:', error);
  shell.openExternal(link).catch(failed); // eng-disable OPEN_EXTERNAL_JS_CHECK only http and https URLs get past externalLinkOf above
}
