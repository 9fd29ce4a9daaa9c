/**
 * The contract, implemented once over the core. Electron's IPC, the browser host and the tests all
 * reach it through dispatch.ts, which has already validated the arguments.
 */
import { readFile } from 'node:fs/promises';
import type { ApiImplementation, DraftView } from '../../preload/common/contract/index.ts';
import { discover } from '../core/accounts/autoconfig.ts';
import { oauthProviders } from '../core/accounts/oauth.ts';
import { AppError } from '../core/app-error.ts';
import { draftOf, enqueueMessage, sanitisedHtml } from '../core/compose/enqueue.ts';
import { parseMailto } from '../core/compose/mailto.ts';
import { submitRawMessage } from '../core/compose/raw.ts';
import { readMessage } from '../core/compose/read.ts';
import { attachmentOf, draftFieldsOf, emlOf } from '../core/compose/reuse.ts';
import { controlNames } from '../core/dns/check.ts';
import type { Core } from '../core/index.ts';

/** The browser host and the CLI: what the desktop app is to the system is none of theirs. */
const NOT_THE_DESKTOP_APP: ApiImplementation['desktop'] = {
  get: () => ({ startAtLogin: null, defaultMailApp: null }),
  setStartAtLogin: () => {
    throw new AppError('unavailable', 'Only the desktop app can start when you log in.');
  },
  makeDefaultMailApp: () => {
    throw new AppError('unavailable', 'Only the desktop app can be the default mail app.');
  },
  offerStartAtLogin: () => false,
};

/** `desktop`: the desktop app's own (main/hosts/desktop/system.ts); others cannot tell or change it. */
/** A send asked for now while the user paused sending: said, not silently left waiting. */
const SENDING_PAUSED =
  'Sending is paused, so the message waits in the Outbox. Resume sending in the Outbox or Settings (or the tray), or with `outbound outbox resume`.';

export function createApi(core: Core, desktop: ApiImplementation['desktop'] = NOT_THE_DESKTOP_APP): ApiImplementation {
  const notPaused = (): void => {
    if (core.settings.get().sendingPaused) throw new AppError('paused', SENDING_PAUSED);
  };
  /** After a change that makes a message due, let the sender look now. */
  const kicked = <T>(value: T): T => {
    core.sender.kick();
    return value;
  };
  const { gate } = core.compose;
  /** A stored draft's files become attachable again: they were checked when it was saved. */
  const restored = async <T extends DraftView>(draft: T): Promise<T> => ({
    ...draft,
    attachments: await gate.restore(draft.attachments),
    inline: await gate.restore(draft.inline),
  });
  const frozenBytes = (id: number): Promise<Buffer> =>
    readFile(core.outbox.fileOf(core.outbox.row(id))).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      throw new AppError('not_found', `The file of message ${id} is no longer in Outbound's messages folder, so it cannot be opened.`);
    });
  /** The account that sent it; once that is removed, the default account (the composer lets the user choose another). */
  const accountToEditWith = (id: number) => {
    const accountId = core.outbox.row(id).account_id;
    if (accountId !== null) return core.accounts.get(accountId);
    const accounts = core.accounts.list();
    const account = accounts.find((a) => a.isDefault) ?? accounts[0];
    if (!account) throw new AppError('invalid_input', 'The account that sent this message was removed: add an account, then edit it as new.');
    return account;
  };
  return {
    accounts: {
      list: () => core.accounts.views(),
      find: (nameOrId) => core.accounts.view(core.accounts.find(nameOrId)),
      save: async (input) => core.accounts.view(await core.accounts.save(input)),
      makeDefault: (id) => core.accounts.view(core.accounts.makeDefault(id)),
      trustCertificate: async (id, fingerprint) => core.accounts.view(await core.accounts.trustCertificate(id, fingerprint)),
      remove: async (id, options) => {
        await core.accounts.remove(id, options);
        // Mail moved to another account may be due now.
        return kicked(null);
      },
      test: async (id) => {
        await core.testInbox.start(); // the account may be the test inbox's, served by this process
        const result = await core.accounts.test(id);
        // What the server announced (SIZE, SMTPUTF8) lets the composer refuse what it would refuse.
        if (result.capabilities) core.compose.limits.record(id, result.capabilities);
        return result;
      },
      testSettings: async (input) => {
        await core.testInbox.start(); // as for test: the settings may be the test inbox's
        return core.accounts.testSettings(input);
      },
      discover: (address) => discover(address, core.discovery),
      signIn: async (input) => core.accounts.view(await core.accounts.signIn(input)),
      providers: () => oauthProviders(),
    },
    outbox: {
      send: async (input) => {
        const id = await enqueueMessage(core.outbox, core.accounts.get(input.accountId), input, core.compose, core.settings.get());
        core.sender.kick();
        if (input.draftId !== undefined) {
          try {
            core.drafts.discard(input.draftId);
          } catch {
            // Already discarded (another window sent it): the message is queued all the same.
          }
        }
        return core.outbox.view(id);
      },
      submitRaw: async (input) => kicked(core.outbox.view(await submitRawMessage(core.outbox, core.accounts.list(), input, core.compose))),
      list: () => core.outbox.list('outbox'),
      page: (query) => core.outbox.page('outbox', query),
      retryAll: (target) => kicked(core.outbox.retryAll(target)),
      cancelAll: (target) => core.outbox.cancelAll(target),
      get: (id) => core.outbox.view(id),
      cancel: (id) => core.outbox.cancel(id),
      retry: (id) => kicked(core.outbox.retry(id)),
      sendNow: async (id) => {
        notPaused();
        try {
          const sent = await core.sender.sendNow(id);
          if (sent.state !== 'sent' || core.copier.background) return sent;
          // A one-off command (`outbound send`) has no background copier: its copy in Sent goes before it exits.
          await core.copier.flush();
          return core.outbox.view(id);
        } catch (error) {
          // Not queued any more (cancelled meanwhile): what it is now is the answer.
          if (error instanceof AppError && error.code === 'conflict') return core.outbox.view(id);
          throw error;
        }
      },
      flush: async () => {
        notPaused();
        const queued = core.outbox.list('outbox').filter((m) => m.state === 'queued');
        await core.sender.flush();
        await core.copier.flush(); // the copies in Sent of what was just sent, and of those that waited
        return queued.map(({ id }) => core.outbox.view(id));
      },
      takeBack: async (id) => restored(await core.outbox.takeBack(id)),
      resend: (id) => kicked(core.outbox.resend(id)),
      markSent: (id) => core.outbox.markSent(id),
      attempts: (id) => core.outbox.attempts(id),
      connectivity: () => ({ online: core.sender.connectivity.online }),
    },
    sent: {
      list: (options) => core.outbox.list('sent', options?.limit ?? 1000),
      page: (query) => core.outbox.page('sent', query),
      retryCopy: (id) => {
        core.copier.retry(id);
        return core.outbox.view(id);
      },
      content: async (id) => readMessage(await frozenBytes(id)),
      eml: async (id) => emlOf(await frozenBytes(id), core.outbox.row(id).subject),
      attachment: async (id, index) => attachmentOf(await frozenBytes(id), index),
      editAsNew: async (id) => {
        const { recipients } = core.outbox.view(id);
        const bcc = recipients.filter((r) => r.kind === 'bcc').map((r) => r.address);
        const fields = await draftFieldsOf(await frozenBytes(id), accountToEditWith(id), bcc, gate);
        return restored(core.drafts.save(undefined, await draftOf(gate, fields)));
      },
    },
    drafts: {
      save: async ({ id, ...fields }) => core.drafts.save(id, await draftOf(gate, fields)),
      list: () => Promise.all(core.drafts.list().map(restored)),
      page: async (query) => {
        const page = core.drafts.page(query ?? {});
        return { ...page, drafts: await Promise.all(page.drafts.map(restored)) };
      },
      get: (id) => restored(core.drafts.get(id)),
      discard: (id) => {
        core.drafts.discard(id);
        return null;
      },
    },
    compose: {
      checkDomains: (domains, { accountId }) => core.compose.domains.check(domains, controlNames(core.accounts.get(accountId))),
      fromMailto: (url) => parseMailto(url),
      sizeLimit: (accountId) => {
        core.accounts.get(accountId); // not_found for an unknown account
        return core.compose.limits.sizeLimit(accountId);
      },
    },
    attachments: {
      pick: async () => {
        const { pickFiles } = core.compose;
        if (!pickFiles) throw new AppError('unavailable', 'Choosing files needs the desktop app here: drop the files onto the window instead.');
        return gate.approve(await pickFiles());
      },
      stage: (name, base64) => gate.stage(name, base64),
    },
    templates: {
      list: () => core.templates.list(),
      save: async ({ id, html, ...fields }) => {
        if (fields.accountId !== null) {
          const account = core.accounts.get(fields.accountId); // not_found for an unknown account
          if (fields.identityId !== null && !account.identities.some((i) => i.id === fields.identityId))
            throw new AppError('invalid_input', `That From address is not one of ${account.name}'s identities.`, { field: 'identityId' });
        } else if (fields.identityId !== null)
          throw new AppError('invalid_input', 'An identity belongs to an account: give its accountId too.', { field: 'identityId' });
        return core.templates.save(id, { ...fields, html: await sanitisedHtml(html) });
      },
      remove: (id) => {
        core.templates.remove(id);
        return null;
      },
    },
    settings: {
      get: () => core.settings.get(),
      save: (changes) => core.settings.save(changes),
    },
    desktop,
    testInbox: {
      status: () => core.testInbox.status(),
      create: async ({ name }) => core.accounts.view(await core.testInbox.create(name)),
      list: () => core.testInbox.store.list(),
      get: (id) => core.testInbox.store.get(id),
      empty: () => {
        core.testInbox.empty();
        return null;
      },
      setFault: (fault) => core.testInbox.setFault(fault),
    },
  };
}
