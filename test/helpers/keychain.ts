/**
 * The OS keychain for tests: keytar against the private gnome-keyring that test/run.ts starts in its
 * own D-Bus session (never the developer's keyring), each test on a service name of its own, so it
 * sees exactly the entries it made, whatever other test files store at the same time.
 */
import { randomUUID } from 'node:crypto';
import keytar from 'keytar';
import { osKeychain, type SecretStore } from '../../main/core/accounts/secrets.ts';

/** Set inside test/run.ts's private session; elsewhere the keychain tests are skipped, except on CI, which must run them. */
export const hasPrivateKeyring = process.env.OUTBOUND_TEST_PRIVATE_KEYRING === '1' && Boolean(process.env.DBUS_SESSION_BUS_ADDRESS);
if (process.env.CI && !hasPrivateKeyring) throw new Error('CI must run the keychain tests: start the suite with `npm test` (it provides gnome-keyring).');

export interface TestKeychain extends SecretStore {
  /** Every secret stored under this keychain's service, sorted. */
  secrets(): Promise<string[]>;
}

export function testKeychain(): TestKeychain {
  const service = `Outbound test ${randomUUID()}`;
  return { ...osKeychain(service), secrets: async () => (await keytar.findCredentials(service)).map((c) => c.password).sort() };
}
