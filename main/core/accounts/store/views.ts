/**
 * What the renderer may see of the accounts: no secret reference, no certificate, and how many
 * messages still wait (counted here, for the screen, not on every read: the sender reads accounts
 * for each message).
 */
import type { AccountView } from '../../../../preload/common/contract/index.ts';
import { UNSENT } from '../../outbox/store/index.ts';
import type { AccountsDb } from './handle.ts';
import { list } from './records.ts';
import type { Account } from './rows.ts';

/** Strip what the renderer must never hold. */
const withoutSecrets = ({ secretRef: _secretRef, pin: _pin, imapPin: _imapPin, ...view }: Account): Omit<AccountView, 'waiting'> => view;

export function view(h: AccountsDb, account: Account): AccountView {
  const { waiting } = h.sql(`SELECT count(*) AS waiting FROM messages WHERE account_id = ? AND ${UNSENT}`).get(account.id) as { waiting: number };
  return { ...withoutSecrets(account), waiting };
}

export function views(h: AccountsDb): AccountView[] {
  const counts = new Map(
    (h.sql(`SELECT account_id AS id, count(*) AS waiting FROM messages WHERE ${UNSENT} GROUP BY account_id`).all() as { id: number; waiting: number }[]).map(
      (r) => [r.id, r.waiting],
    ),
  );
  return list(h).map((account) => ({ ...withoutSecrets(account), waiting: counts.get(account.id) ?? 0 }));
}
