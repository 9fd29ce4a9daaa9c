/** Removing an account, with what becomes of its unsent mail (the outbox store moves or cancels it). */
import type * as z from 'zod/mini';
import type { OutboxChange, RemoveAccountOptions } from '../../../../preload/common/contract/index.ts';
import { AppError, invalid } from '../../app-error.ts';
import { UNSENT } from '../../outbox/store/index.ts';
import { ensureDefault } from './defaults.ts';
import type { AccountsDb } from './handle.ts';
import { get } from './records.ts';

export type RemoveOptions = z.output<typeof RemoveAccountOptions>;

/**
 * Its unsent mail is never orphaned: without a choice the removal is refused; `cancel` cancels it
 * (it stays visible as cancelled), `move` hands it to another account, which sends the same frozen
 * bytes from its own envelope sender. Its Sent history stays.
 */
export async function remove(h: AccountsDb, id: number, options: RemoveOptions = { queued: 'refuse' }): Promise<void> {
  const account = get(h, id);
  // IMMEDIATE: no other process claims the account's mail between the checks and the deletion.
  const changes = h.db
    .transaction((): OutboxChange[] => {
      let changes: OutboxChange[] = [];
      const { waiting } = h.sql(`SELECT count(*) AS waiting FROM messages WHERE account_id = ? AND ${UNSENT}`).get(id) as { waiting: number };
      if (waiting > 0) {
        const them = waiting === 1 ? 'it' : 'them';
        const sending = h.sql(`SELECT count(*) AS n FROM messages WHERE account_id = ? AND state = 'sending'`).get(id) as { n: number };
        if (sending.n > 0) throw new AppError('conflict', `Account "${account.name}" is sending a message right now; try again in a moment.`);
        switch (options.queued) {
          case 'refuse':
            throw new AppError(
              'conflict',
              `Account "${account.name}" still has ${waiting} message${waiting === 1 ? '' : 's'} in the outbox: cancel ${them}, or move ${them} to another account.`,
            );
          case 'cancel':
            changes = h.outbox.leaveAccount(id, null);
            break;
          case 'move':
            if (options.toAccountId === undefined || options.toAccountId === id) {
              throw invalid('toAccountId', `Choose the account that sends ${them} instead of "${account.name}".`);
            }
            changes = h.outbox.leaveAccount(id, get(h, options.toAccountId));
            break;
        }
      }
      h.sql('DELETE FROM accounts WHERE id = ?').run(id);
      ensureDefault(h);
      return changes;
    })
    .immediate();
  h.outbox.announce(changes);
  if (account.secretSource === 'keychain') await h.secrets.delete(account.secretRef);
  if (account.oauth) await h.oauth.forget(account.secretRef);
}
