/** Who may call the API over Electron's IPC. No Electron: main/electron/ipc.ts asks this before every dispatch. */
import type { Result } from '../../../preload/common/contract/index.ts';
import { isAppUrl } from './app-scheme.ts';

/** A frame as Electron's WebFrameMain names it. */
export interface FrameIdentity {
  processId: number;
  routingId: number;
  url: string;
}

/** What the check needs of an IPC call (Electron's IpcMainInvokeEvent) and of our window (its BrowserWindow). */
export interface IpcCall {
  sender: unknown;
  senderFrame: FrameIdentity | null;
}
export interface CallableWindow {
  isDestroyed(): boolean;
  webContents: { mainFrame: FrameIdentity };
}

/**
 * The caller must be the top frame of our window, showing our own page: not a subframe, not another
 * webContents, not a page that somehow navigated elsewhere, not a frame that is gone.
 */
export function isOurPage(call: IpcCall, window: CallableWindow | undefined): boolean {
  const frame = call.senderFrame;
  if (frame === null || window === undefined || window.isDestroyed() || call.sender !== window.webContents) return false;
  const top = window.webContents.mainFrame;
  return frame.processId === top.processId && frame.routingId === top.routingId && isAppUrl(frame.url);
}

/** The answer to a call that is not from our page: nothing is dispatched. */
export const NOT_OUR_PAGE: Result<never> = {
  ok: false,
  error: { code: 'forbidden', message: 'This request did not come from the Outbound window; nothing was done.' },
};
