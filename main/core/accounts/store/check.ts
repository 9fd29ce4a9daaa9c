/** Validating an account's input: everything about it that can be refused without the network. */
import { isIP } from 'node:net';
import type { AccountView } from '../../../../preload/common/contract/index.ts';
import { parseMailbox } from '../../compose/address.ts';
import { AppError, invalid } from '../../app-error.ts';
import type { OAuthClient } from '../oauth.ts';
import type { AccountsDb } from './handle.ts';
import type { Account, AccountFields, IdentityValues } from './rows.ts';

const HOSTNAME = /^(?=.{1,253}$)(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*\.?$/;

/** A host name or IP address, lower case. */
export function checkedHost(field: string, given: string): string {
  const host = given.toLowerCase();
  if (!HOSTNAME.test(host) && !isIP(host)) throw invalid(field, `Server "${given}" is not a valid host name or IP address.`);
  return host;
}

/**
 * Addresses, host, name, identities, and how the account signs in — a new OAuth2 client, the one
 * it already has (edits without a new password keep it), a password, a password command or nothing.
 */
export function check(h: AccountsDb, fields: AccountFields, existing: Account | undefined, client: OAuthClient | undefined) {
  const email = parseMailbox('email', fields.email).address;
  const replyTo = fields.replyTo?.trim() ? parseMailbox('replyTo', fields.replyTo).address : null;
  const host = checkedHost('host', fields.host);
  const clash = h.sql('SELECT id FROM accounts WHERE name = ? COLLATE NOCASE').get(fields.name) as { id: number } | undefined;
  if (clash && clash.id !== existing?.id) throw new AppError('conflict', `An account named "${fields.name}" already exists.`, { field: 'name' });
  const identities = (fields.identities ?? existing?.identities ?? []).map((identity, index): IdentityValues => ({
    id: identity.id ?? null,
    email: parseMailbox(`identities.${index}.email`, identity.email).address,
    display_name: identity.displayName.trim(),
    reply_to: identity.replyTo?.trim() ? parseMailbox(`identities.${index}.replyTo`, identity.replyTo).address : null,
    signature: identity.signature,
  }));

  const passwordCommand = fields.passwordCommand?.trim() || null;
  const password = fields.password || null;
  const oauth = client ? { provider: client.provider, clientId: client.clientId } : !password && !passwordCommand ? (existing?.oauth ?? null) : null;
  if (oauth) {
    if (fields.security === 'none') throw invalid('security', 'Sign-in tokens are never sent over an unencrypted connection: choose TLS or STARTTLS.');
    // XOAUTH2 names the mailbox; providers expect the address itself.
    return { email, replyTo, host, identities, username: fields.username?.trim() || email, passwordCommand, password, source: 'keychain' as const, oauth };
  }
  const username = fields.username?.trim() || null;
  let source: AccountView['secretSource'] = 'none';
  if (username) {
    if (fields.security === 'none') {
      throw invalid('security', 'A password is never sent over an unencrypted connection: choose TLS or STARTTLS, or remove the username.');
    }
    if (password && passwordCommand) throw invalid('passwordCommand', 'Give a password or a password command, not both.');
    if (passwordCommand) source = 'command';
    else if (password) source = 'keychain';
    else if (existing?.secretSource === 'keychain')
      source = 'keychain'; // edit: keep the stored password
    else throw invalid('password', 'Enter the password (it is kept in the system keychain) or a password command.');
  }
  return { email, replyTo, host, identities, username, passwordCommand, password, source, oauth };
}
