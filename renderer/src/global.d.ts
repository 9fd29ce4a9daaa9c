/// <reference types="vite/client" />
import type { OutboundApi } from '../../preload/common/contract/index.ts';

declare global {
  interface Window {
    /** Defined before the app runs by the Electron preload or the browser host's bridge. */
    readonly outbound: OutboundApi;
  }
}

export {};
