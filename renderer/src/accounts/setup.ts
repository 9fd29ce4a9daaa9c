/** Setting up an account in one step: the account's settings made from what the person typed and what discovery found, and what to do when the test fails. */
import type { ConnectionTestView, DiscoveryView, OAuthProviderView } from '../../../preload/common/contract/index.ts';
import { emptyForm, type AccountForm } from './account-form.ts';

/** What the one-step form asks for. */
export interface QuickForm {
  displayName: string;
  email: string;
  password: string;
}
export type QuickField = keyof QuickForm;
export const QUICK_FIELDS: readonly QuickField[] = ['displayName', 'email', 'password'];

/** A name the person need not choose (they may change it later): the address's domain, else the address, else numbered; none without an address. */
export function accountNameFor(email: string, taken: readonly string[]): string {
  const address = email.trim();
  if (!address) return '';
  const used = new Set(taken.map((n) => n.toLowerCase()));
  const domain = address.slice(address.lastIndexOf('@') + 1);
  for (const name of [domain, address]) if (name && !used.has(name.toLowerCase())) return name;
  let n = 2;
  while (used.has(`${address} ${n}`.toLowerCase())) n += 1;
  return `${address} ${n}`;
}

/** The full form with what was typed and, when something was found, the server, the login and IMAP; with nothing found the person fills the server in. */
export function formFrom(quick: QuickForm, found: DiscoveryView | null, taken: readonly string[]): AccountForm {
  const email = quick.email.trim();
  const base = emptyForm();
  return {
    ...base,
    name: accountNameFor(email, taken),
    email,
    displayName: quick.displayName.trim(),
    password: quick.password,
    // The login the provider names; else, with a password to give, the address itself, as most providers expect.
    username: found?.username ?? (quick.password || !found ? email : ''),
    ...(found && { host: found.host, port: String(found.port), security: found.security }),
    ...(found?.imap && { imapHost: found.imap.host, imapPort: String(found.imap.port), imapSecurity: found.imap.security }),
  };
}

/** A provider's sign-in for the address, at the provider's own server (or the one discovery found there). */
export function providerForm(form: AccountForm, provider: OAuthProviderView, found: DiscoveryView | null): AccountForm {
  const server = found?.oauth2 === provider.provider ? found : provider;
  return { ...form, signInWith: provider.provider, password: '', host: server.host, port: String(server.port), security: server.security };
}

/** What the person can do about a failed test, in one or two sentences (the verdict above it says what failed). */
export function whatToDo(test: ConnectionTestView): string {
  if (!test.ok) {
    if (test.stage === 'auth' || test.code === 535) {
      return 'Check the password and try again. Some providers (iCloud, Yahoo, Gmail with two-step verification) want an app password, made in your account’s security settings, instead of your usual one.';
    }
    if (test.certificate && !test.certificateTrusted) {
      return 'If this is your own server and the fingerprint is the one it shows you, trust its certificate; otherwise correct the server under Edit settings.';
    }
    if (test.code === null) {
      return 'The server did not answer as expected: check that this computer is online, or correct the server, port and security under Edit settings.';
    }
    return 'Correct the settings under Edit settings, or save anyway if you know the server will accept them later.';
  }
  return 'Sending works, but the copy in Sent does not: correct the IMAP server under Edit settings (or leave it empty to keep no copy), or save anyway.';
}
