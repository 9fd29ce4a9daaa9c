/**
 * The contract in-process: `window.outbound`'s API over a core in this process, through the same
 * dispatch (validation, defaults, typed errors) as the Electron IPC and the browser host, with the
 * core's events. The CLI, the tests and the benchmarks all reach the core this way.
 */
import { buildApi, type OutboundApi } from '../../preload/common/contract/index.ts';
import { openCore, type Core, type CoreOptions } from '../core/index.ts';
import { createApi } from './api.ts';
import { createDispatch } from './dispatch.ts';
import { forwardEvents } from './events.ts';

/** `log` takes unexpected failures (never their payloads); default stderr. */
export function inProcessApi(core: Core, log?: (line: string) => void): OutboundApi {
  return buildApi({
    invoke: createDispatch(createApi(core), core.home, log),
    subscribe: (channel, listener) =>
      forwardEvents(core.events, (name, payload) => {
        if (name === channel) listener(payload);
      }),
  });
}

/** A core that its host reaches only through the contract (the CLI): the API, and closing it. */
export interface InProcessCore {
  api: OutboundApi;
  close(): Promise<void>;
}

export function openInProcess(options: CoreOptions, log?: (line: string) => void): InProcessCore {
  const core = openCore(options);
  return { api: inProcessApi(core, log), close: () => core.close() };
}
