/** Saving an account: its secret (password or OAuth2 sign-in) to the keychain first, then its row and identities. */
import { randomUUID } from 'node:crypto';
import { NEW_ACCOUNT_LIMITS } from '../../../../preload/common/contract/index.ts';
import { deliveryReportColumn } from '../../compose/delivery-report.ts';
import { check } from './check.ts';
import { ensureDefault, markDefault } from './defaults.ts';
import type { AccountsDb } from './handle.ts';
import { pinFor } from './pin.ts';
import { IMAP_ASSIGNMENTS, IMAP_COLUMNS, imapColumns } from './imap.ts';
import { get } from './records.ts';
import type { Account, AccountFields, IdentityValues, SignedIn, SignInFields } from './rows.ts';

/**
 * OAuth2 sign-in in the browser for a new or an existing account, then save it: the settings are
 * checked before the browser opens, the refresh token goes to the keychain before the row is written.
 */
export async function signIn(h: AccountsDb, input: SignInFields): Promise<Account> {
  const existing = input.account.id === undefined ? undefined : get(h, input.account.id);
  const fields: AccountFields = { ...input.account, password: undefined, passwordCommand: undefined };
  const same = existing?.oauth?.provider === input.provider ? existing : undefined;
  let client = h.oauth.client(input.provider, input, same?.oauth?.clientId);
  // Signing in again with the same app: its stored secret still applies (the form never shows it).
  if (same && !client.clientSecret && client.clientId === same.oauth?.clientId)
    client = { ...client, clientSecret: await h.oauth.clientSecret(same.secretRef) };
  const { email } = check(h, fields, existing, client);
  const grant = await h.oauth.authorize(client, email);
  return save(h, fields, { client, grant });
}

/** Create (no id) or update an account. The password (or refresh token) goes to the keychain before the row is written. */
export async function save(h: AccountsDb, fields: AccountFields, signedIn?: SignedIn): Promise<Account> {
  const existing = fields.id === undefined ? undefined : get(h, fields.id);
  const { email, replyTo, host, identities, username, passwordCommand, password, source, oauth } = check(h, fields, existing, signedIn?.client);
  const given = fields.tlsFingerprint === undefined ? existing?.tlsFingerprint : fields.tlsFingerprint.trim();
  const pin = given ? await pinFor(given, { host, port: fields.port, security: fields.security }, existing) : null;
  const imap = await imapColumns(fields, existing, { host, username });

  const secretRef = existing?.secretRef ?? randomUUID();
  if (signedIn) await h.oauth.keep(secretRef, signedIn.client, signedIn.grant);
  else if (source === 'keychain' && password) await h.secrets.set(secretRef, password);
  const now = Date.now();
  // A limit the input leaves out stays as it is (a new account's are the defaults).
  const limits = existing ?? NEW_ACCOUNT_LIMITS;
  const values = {
    name: fields.name,
    email,
    display_name: fields.displayName.trim(),
    host,
    port: fields.port,
    security: fields.security,
    username,
    secret_source: source,
    secret_ref: secretRef,
    password_command: source === 'command' ? passwordCommand : null,
    auth_method: oauth ? 'oauth2' : 'password',
    oauth_provider: oauth?.provider ?? null,
    oauth_client_id: oauth?.clientId ?? null,
    max_per_minute: fields.maxPerMinute ?? limits.maxPerMinute,
    max_connections: fields.maxConnections ?? limits.maxConnections,
    retry_days: fields.retryDays ?? limits.retryDays,
    delivery_report: deliveryReportColumn(fields.deliveryReport === undefined ? (existing?.deliveryReport ?? null) : fields.deliveryReport),
    tls_fingerprint: pin?.fingerprint ?? null,
    tls_certificate: pin?.certificate ?? null,
    reply_to: replyTo,
    signature: fields.signature,
    ...imap,
    now,
  };
  const id = h.db.transaction(() => {
    let accountId: number;
    if (existing) {
      h.sql(
        `UPDATE accounts SET name=@name, email=@email, display_name=@display_name, host=@host, port=@port, security=@security,
             username=@username, secret_source=@secret_source, password_command=@password_command, auth_method=@auth_method,
             oauth_provider=@oauth_provider, oauth_client_id=@oauth_client_id, max_per_minute=@max_per_minute,
             max_connections=@max_connections, retry_days=@retry_days, delivery_report=@delivery_report, tls_fingerprint=@tls_fingerprint, tls_certificate=@tls_certificate,
             reply_to=@reply_to, signature=@signature, ${IMAP_ASSIGNMENTS}, paused_reason=NULL, updated_at=@now WHERE id=@id`,
      ).run({ ...values, id: existing.id });
      accountId = existing.id;
    } else {
      const result = h
        .sql(
          `INSERT INTO accounts (name, email, display_name, host, port, security, username, secret_source, secret_ref, password_command,
             auth_method, oauth_provider, oauth_client_id, max_per_minute, max_connections, retry_days, delivery_report, tls_fingerprint, tls_certificate,
             reply_to, signature, ${IMAP_COLUMNS.join(', ')}, created_at, updated_at)
           VALUES (@name, @email, @display_name, @host, @port, @security, @username, @secret_source, @secret_ref, @password_command,
             @auth_method, @oauth_provider, @oauth_client_id, @max_per_minute, @max_connections, @retry_days, @delivery_report, @tls_fingerprint, @tls_certificate,
             @reply_to, @signature, ${IMAP_COLUMNS.map((c) => `@${c}`).join(', ')}, @now, @now)`,
        )
        .run(values);
      accountId = Number(result.lastInsertRowid);
    }
    saveIdentities(h, accountId, identities);
    if (fields.isDefault) markDefault(h, accountId);
    else ensureDefault(h);
    return accountId;
  })();
  // A password or sign-in no longer used must not linger in the keychain.
  if (existing?.secretSource === 'keychain' && source !== 'keychain') await h.secrets.delete(secretRef);
  if (existing?.oauth && !oauth) await h.oauth.forget(secretRef);
  return get(h, id);
}

/** The account's identities as given: the ones left out deleted, the others updated or added. */
function saveIdentities(h: AccountsDb, accountId: number, identities: IdentityValues[]): void {
  const kept = identities.flatMap((i) => (i.id === null ? [] : [i.id]));
  h.sql(`DELETE FROM identities WHERE account_id = ? AND id NOT IN (SELECT value FROM json_each(?))`).run(accountId, JSON.stringify(kept));
  const update = h.sql(
    'UPDATE identities SET email=@email, display_name=@display_name, reply_to=@reply_to, signature=@signature WHERE id=@id AND account_id=@account_id',
  );
  const insert = h.sql(
    'INSERT INTO identities (account_id, email, display_name, reply_to, signature) VALUES (@account_id, @email, @display_name, @reply_to, @signature)',
  );
  for (const identity of identities) {
    const row = { ...identity, account_id: accountId };
    if (identity.id === null || update.run(row).changes === 0) insert.run(row);
  }
}
