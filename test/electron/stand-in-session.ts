/// <reference types="electron" />
/** The stand-in electron's default session (stand-in-electron.ts): its permission handlers and downloads, as the shell sets them. */
import { electronEvent } from './stand-in-ipc.ts';

type PermissionRequestHandler = NonNullable<Parameters<Electron.Session['setPermissionRequestHandler']>[0]>;
type PermissionCheckHandler = NonNullable<Parameters<Electron.Session['setPermissionCheckHandler']>[0]>;
/** Electron.Session's 'will-download' listener, as electron.d.ts has it. */
type DownloadListener = (event: Electron.Event, item: Electron.DownloadItem, webContents: Electron.WebContents) => void;

/** `calls`: the world's record of what the shell asked, in order. */
export function standInSession(calls: string[]) {
  const session = {
    permissionRequestHandler: undefined as PermissionRequestHandler | undefined,
    permissionCheckHandler: undefined as PermissionCheckHandler | undefined,
    setPermissionRequestHandler(handler: PermissionRequestHandler | null): void {
      calls.push('session.setPermissionRequestHandler');
      session.permissionRequestHandler = handler ?? undefined;
    },
    setPermissionCheckHandler(handler: PermissionCheckHandler | null): void {
      calls.push('session.setPermissionCheckHandler');
      session.permissionCheckHandler = handler ?? undefined;
    },
    downloadListeners: [] as DownloadListener[],
    /** Only 'will-download' (Session's `on` has an overload per event, so it is typed by that one). */
    on(event: 'will-download', listener: DownloadListener): void {
      calls.push(`session.on(${event})`);
      session.downloadListeners.push(listener);
    },
    /** The page starts a download of `url`; true when a listener cancelled it. */
    download(url: string): boolean {
      const event = electronEvent({});
      const item = { getURL: () => url } satisfies Pick<Electron.DownloadItem, 'getURL'>;
      for (const listener of session.downloadListeners) listener(event, item as Electron.DownloadItem, {} as Electron.WebContents);
      return event.defaultPrevented;
    },
  } satisfies Pick<Electron.Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'> &
    Record<'permissionRequestHandler' | 'permissionCheckHandler' | 'downloadListeners' | 'on' | 'download', unknown>;
  return session;
}
