/**
 * Binds every channel of the contract to the dispatcher, behind ONE check of who is calling, and
 * forwards core events to the window. No other file calls `ipcMain.handle`.
 */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { methodChannels, type ApiError, type Result } from '../../preload/common/contract/index.ts';
import type { Core } from '../core/index.ts';
import type { Dispatch } from '../hosts/dispatch.ts';
import { forwardEvents } from '../hosts/events.ts';
import { isAppUrl } from './protocol.ts';

export interface IpcBinding {
  dispatch: Dispatch;
  core: Core;
  /** The window whose page may call the API and receives events; undefined while there is none. */
  window: () => BrowserWindow | undefined;
}

const untrustedSender: ApiError = {
  code: 'forbidden',
  message: 'This request did not come from the Outbound window; nothing was done.',
};

/** Register the handlers and the event forwarding; the returned function undoes both. */
export function bindIpc({ dispatch, core, window }: IpcBinding): () => void {
  for (const channel of methodChannels) {
    ipcMain.handle(channel, async (event, ...args: unknown[]): Promise<Result<unknown>> =>
      isOurPage(event, window()) ? dispatch(channel, args) : { ok: false, error: untrustedSender },
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

/**
 * The caller must be the top frame of our window, showing our own page: not a subframe, not another
 * webContents, not a page that somehow navigated elsewhere.
 */
function isOurPage(event: IpcMainInvokeEvent, window: BrowserWindow | undefined): boolean {
  const frame = event.senderFrame;
  if (frame === null || window === undefined || window.isDestroyed() || event.sender !== window.webContents) return false;
  const top = window.webContents.mainFrame;
  return frame.processId === top.processId && frame.routingId === top.routingId && isAppUrl(frame.url);
}
