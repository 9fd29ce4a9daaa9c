/**
 * Binds every channel of the contract to the dispatcher, behind ONE check of who is calling
 * (main/hosts/desktop/ipc-sender.ts), and forwards core events to the window. No other file calls
 * `ipcMain.handle`.
 */
import { ipcMain, type BrowserWindow } from 'electron';
import { methodChannels, type Result } from '../../preload/common/contract/index.ts';
import type { Core } from '../core/index.ts';
import type { Dispatch } from '../hosts/dispatch.ts';
import { isOurPage, NOT_OUR_PAGE } from '../hosts/desktop/ipc-sender.ts';
import { forwardEvents } from '../hosts/events.ts';

export interface IpcBinding {
  dispatch: Dispatch;
  core: Core;
  /** The window whose page may call the API and receives events; undefined while there is none. */
  window: () => BrowserWindow | undefined;
}

/** Register the handlers and the event forwarding; the returned function undoes both. */
export function bindIpc({ dispatch, core, window }: IpcBinding): () => void {
  for (const channel of methodChannels) {
    ipcMain.handle(channel, async (event, ...args: unknown[]): Promise<Result<unknown>> =>
      isOurPage(event, window()) ? dispatch(channel, args) : NOT_OUR_PAGE,
    );
  }
  const stopForwarding = forwardEvents(core.events, (channel, payload) => {
    const target = window();
    if (target !== undefined && !target.isDestroyed()) target.webContents.send(channel, payload);
  });
  return () => {
    stopForwarding();
    for (const channel of methodChannels) ipcMain.removeHandler(channel);
  };
}
