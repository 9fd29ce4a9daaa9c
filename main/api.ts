/**
 * The contract, implemented once over the core. Electron's IPC, the browser host and the tests all
 * reach it through main/dispatch.ts, which has already validated the arguments.
 */
import type { ApiImplementation } from '../preload/contract.ts';
import { discover } from './core/accounts/autoconfig.ts';
import { toAccountView } from './core/accounts/store.ts';
import { enqueueMessage } from './core/compose/enqueue.ts';
import type { Core } from './core/index.ts';

export function createApi(core: Core): ApiImplementation {
  /** After a change that makes a message due, let the sender look now. */
  const kicked = <T>(value: T): T => {
    core.sender.kick();
    return value;
  };
  return {
    accounts: {
      list: () => core.accounts.list().map(toAccountView),
      save: async (input) => toAccountView(await core.accounts.save(input)),
      remove: async (id, options) => {
        await core.accounts.remove(id, options);
        // Mail moved to another account may be due now.
        return kicked(null);
      },
      test: (id) => core.accounts.test(id),
      discover: (address) => discover(address, core.discovery),
    },
    outbox: {
      send: async (input) => {
        const id = await enqueueMessage(core.outbox, core.accounts.get(input.accountId), input, core.settings.get());
        core.sender.kick();
        return core.outbox.view(id);
      },
      list: () => core.outbox.list('outbox'),
      cancel: (id) => core.outbox.cancel(id),
      retry: (id) => kicked(core.outbox.retry(id)),
      takeBack: (id) => core.outbox.takeBack(id),
      resend: (id) => kicked(core.outbox.resend(id)),
      markSent: (id) => core.outbox.markSent(id),
      connectivity: () => ({ online: core.sender.connectivity.online }),
    },
    sent: {
      list: () => core.outbox.list('sent'),
    },
    settings: {
      get: () => core.settings.get(),
      save: (changes) => core.settings.save(changes),
    },
  };
}
