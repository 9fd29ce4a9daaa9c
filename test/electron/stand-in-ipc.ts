/// <reference types="electron" />
/** The stand-in electron's IPC (stand-in-electron.ts): the main process's handlers, and the preload's side. */
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

type IpcHandler = Parameters<Electron.IpcMain['handle']>[1];
/** A frame as Electron's WebFrameMain names it; the stand-in page's URL changes as it navigates. */
export type Frame = { -readonly [K in 'processId' | 'routingId' | 'url']: Electron.WebFrameMain[K] };

/** Electron's event object: what listeners get first, with preventDefault. */
export function electronEvent<P extends object>(params: P): Electron.Event<P> {
  let prevented = false;
  const event = { ...params, preventDefault: () => void (prevented = true) };
  return Object.defineProperty(event, 'defaultPrevented', { get: () => prevented, enumerable: true }) as Electron.Event<P>;
}

export class StandInIpcMain extends EventEmitter implements Pick<Electron.IpcMain, 'handle' | 'removeHandler'> {
  readonly handlers = new Map<string, IpcHandler>();

  handle(channel: string, listener: IpcHandler): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  /** A page calls `ipcRenderer.invoke(channel, ...args)`: the event names its webContents and frame, as Electron's does. */
  async invoke(channel: string, from: { sender: object; senderFrame: Frame | null }, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    // Only the two fields the shell reads are there; the rest of IpcMainInvokeEvent is not.
    return handler({ ...electronEvent({}), ...from } as unknown as Electron.IpcMainInvokeEvent, ...structuredClone(args));
  }
}

/** The preload's side: calls to the main process are recorded; on, removeListener and emit are EventEmitter's. */
export class StandInIpcRenderer extends EventEmitter implements Pick<Electron.IpcRenderer, 'invoke'> {
  readonly invoke = vi.fn<Electron.IpcRenderer['invoke']>(async () => undefined);
}
