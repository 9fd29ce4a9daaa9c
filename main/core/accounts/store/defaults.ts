/** Which account is the default: exactly one while there is any. */
import type { AccountsDb } from './handle.ts';
import { get } from './records.ts';
import type { Account } from './rows.ts';

/**
 * Make the account the default, and nothing else: `save` writes every field from what the caller
 * read, which would undo what another window or the CLI changed meanwhile.
 */
export function makeDefault(h: AccountsDb, id: number): Account {
  h.db.transaction(() => {
    get(h, id); // not_found for an account removed meanwhile
    markDefault(h, id);
  })();
  return get(h, id);
}

/** Inside the caller's transaction. */
export function markDefault(h: AccountsDb, id: number): void {
  h.sql('UPDATE accounts SET is_default = 0 WHERE is_default = 1 AND id != ?').run(id);
  h.sql('UPDATE accounts SET is_default = 1 WHERE id = ?').run(id);
}

/** The oldest account takes over when none is the default (inside the caller's transaction). */
export function ensureDefault(h: AccountsDb): void {
  h.sql('UPDATE accounts SET is_default = 1 WHERE id = (SELECT min(id) FROM accounts) AND NOT EXISTS (SELECT 1 FROM accounts WHERE is_default = 1)').run();
}
