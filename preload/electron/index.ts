/**
 * The sandboxed preload: exposes `window.outbound`, built from the contract, and nothing else.
 * ipcRenderer itself never crosses the bridge; the page gets named functions and payloads only.
 * Bundled to dist/preload/index.cjs by vite.preload.config.ts (sandboxed preloads cannot require files).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { buildApi } from '../common/contract/index.ts';

contextBridge.exposeInMainWorld(
  'outbound',
  buildApi({
    invoke: (channel, args) => ipcRenderer.invoke(channel, ...args),
    subscribe: (channel, listener) => {
      const forward = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
      ipcRenderer.on(channel, forward);
      return () => {
        ipcRenderer.removeListener(channel, forward);
      };
    },
  }),
);
