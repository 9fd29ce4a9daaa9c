/** What sending needs of an account: where and how to connect (also for the connection test), and pausing it when its login is refused. */
import type { ConnectionTestView } from '../../../../preload/common/contract/index.ts';
import { AppError } from '../../app-error.ts';
import { probe } from '../../smtp/probe.ts';
import type { SmtpCredentials, SubmitTarget } from '../../smtp/submit.ts';
import { runPasswordCommand } from '../secrets.ts';
import type { AccountsDb } from './handle.ts';
import { get } from './records.ts';
import type { Account } from './rows.ts';

/** Where and how to connect for this account: what sending and the connection test both use. */
export async function target(h: AccountsDb, account: Account): Promise<SubmitTarget> {
  return { host: account.host, port: account.port, security: account.security, pin: account.pin, credentials: await credentials(h, account) };
}

/** The connection test with the account's saved settings. */
export async function test(h: AccountsDb, id: number): Promise<ConnectionTestView> {
  return probe(await target(h, get(h, id)), { extraCaCertificates: h.extraCaCertificates });
}

/** Stop sending for this account until it is saved again (new credentials): the reason is shown to the user. */
export function pause(h: AccountsDb, id: number, reason: string): void {
  h.sql('UPDATE accounts SET paused_reason = ? WHERE id = ?').run(reason, id);
}

/** The login for SMTP AUTH, or undefined for an account that sends without AUTH. */
async function credentials(h: AccountsDb, account: Account): Promise<SmtpCredentials | undefined> {
  if (!account.username) return undefined;
  if (account.oauth) return { kind: 'oauth2', user: account.username, accessToken: await h.oauth.accessToken(account) };
  switch (account.secretSource) {
    case 'command':
      return { kind: 'password', user: account.username, pass: await runPasswordCommand(account.passwordCommand ?? '') };
    case 'keychain': {
      const pass = await h.secrets.get(account.secretRef);
      if (pass === null) {
        throw new AppError(
          'keychain_unavailable',
          `The password for account "${account.name}" is not in the system keychain. Enter it again in the account's settings.`,
        );
      }
      return { kind: 'password', user: account.username, pass };
    }
    case 'none':
      return undefined;
  }
}
