/**
 * OAuth2 sign-in against a local OAuth2 server, the test playing the browser: PKCE and state on the
 * authorization URL, the loopback redirect, the code exchanged with its verifier, the refresh token in
 * the keychain — gnome-keyring, as test/run.ts provides it — then mail over XOAUTH2 to smtp-server, and a
 * fresh access token fetched by itself once the first one expires. Every token is registered with the
 * suite's secrets scan.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AccountInput, OAuthProvider } from '../../../preload/common/contract/index.ts';
import type { OAuthOptions } from '../../../main/core/accounts/oauth.ts';
import { submit } from '../../../main/core/smtp/submit.ts';
import { accountFor, tempHome, testCore, value } from '../../helpers/core.ts';
import { hasPrivateKeyring, testKeychain } from '../../helpers/keychain.ts';
import { keptHome, registerTestSecret } from '../../helpers/secrets.ts';
import { testCertificates } from '../../helpers/tls.ts';
import { follow, startOAuthServer, type OAuthServerOptions, type TestOAuthServer } from './oauth-server.ts';
import { startAccountsServer, type AccountsServer } from './servers.ts';

const USER = 'me@gmail.example';
const CLIENT_ID = 'outbound-test-client.apps.example';
const CLIENT_SECRET = registerTestSecret('test-client-secret-5512');
const NEW_PASSWORD = registerTestSecret('now-a-password-123', { user: USER });

let smtp: AccountsServer | undefined;
let oauth: TestOAuthServer | undefined;
afterEach(async () => {
  await smtp?.close();
  await oauth?.close();
  smtp = oauth = undefined;
});

/** An OAuth2 server for `provider`, an SMTP server accepting only its current access token, and a core signing in to them. */
async function setUp(options: Partial<OAuthServerOptions> = {}, coreOauth: OAuthOptions = {}, provider: OAuthProvider = 'google') {
  const server = (oauth = await startOAuthServer({ clientId: CLIENT_ID, ...options }));
  smtp = await startAccountsServer({ auth: { user: USER, pass: 'unused', methods: ['XOAUTH2'] }, accessToken: () => server.accessTokens.at(-1) });
  const clock = { now: Date.now() };
  const keychain = testKeychain();
  const { core, api } = testCore(
    { ca: (await testCertificates()).ca },
    {
      home: keptHome(),
      secrets: keychain,
      oauth: { openExternal: follow, endpoints: { [provider]: server.endpoints }, now: () => clock.now, ...coreOauth },
    },
  );
  const account: AccountInput = { ...accountFor({ host: '127.0.0.1', port: smtp.port }), email: USER, username: '', passwordCommand: '' };
  return { server, smtp, core, api, clock, keychain, account };
}

describe.skipIf(!hasPrivateKeyring)('OAuth2 sign-in', () => {
  it('signs in through the browser with PKCE, sends over XOAUTH2, and refreshes the access token by itself when it expires', async () => {
    const { server, smtp, core, api, clock, keychain, account } = await setUp();
    const signedIn = await value(api.accounts.signIn({ provider: 'google', clientId: CLIENT_ID, account }));
    expect(signedIn).toMatchObject({ oauth: { provider: 'google', clientId: CLIENT_ID }, username: USER, secretSource: 'keychain' });

    const [query] = server.authorizations;
    expect(query?.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    expect(query?.get('code_challenge_method')).toBe('S256');
    expect(query?.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(query?.get('state')).toMatch(/^[A-Za-z0-9_-]{22,}$/);
    expect(Object.fromEntries(query ?? [])).toMatchObject({
      scope: 'https://mail.google.com/',
      login_hint: USER,
      access_type: 'offline',
      client_id: CLIENT_ID,
    });
    // The keychain holds the refresh token, nothing else; the API answer holds no token at all.
    expect(await keychain.secrets()).toEqual([server.refreshTokens[0]]);
    expect(JSON.stringify(signedIn)).not.toMatch(/ya29|refresh-/);

    // A submission with the account's saved settings, as the outbox makes it (accounts.target: host, security, credentials).
    const file = join(tempHome(), 'message.eml');
    writeFileSync(file, `From: ${USER}\r\nTo: ann@example.org\r\nSubject: over XOAUTH2\r\n\r\nx\r\n`);
    const extraCaCertificates = [(await testCertificates()).ca];
    const send = async () =>
      submit(await core.accounts.target(core.accounts.get(signedIn.id)), { from: USER, to: ['ann@example.org'] }, file, { extraCaCertificates });
    expect(await send()).toMatchObject({ stage: 'final', accepted: ['ann@example.org'] });
    expect(smtp.logins).toEqual([{ method: 'XOAUTH2', user: USER }]);
    expect(server.grants).toEqual(['authorization_code']);

    // An hour later the first access token has expired: the next sign-in fetches a new one first.
    clock.now += 3600_000;
    expect(await send()).toMatchObject({ stage: 'final', accepted: ['ann@example.org'] });
    expect(server.grants).toEqual(['authorization_code', 'refresh_token']);
    expect(server.accessTokens).toHaveLength(2);
    expect(smtp.logins).toHaveLength(2);
    expect(await value(api.accounts.test(signedIn.id))).toMatchObject({ ok: true, verdict: expect.stringMatching(/signed in as me@gmail\.example/) });
    expect(server.grants).toHaveLength(2); // still fresh: no third token request
  });

  it('keeps the rotated refresh token a provider sends with each refresh (Microsoft), and the client secret it demands', async () => {
    const { server, api, clock, keychain, account } = await setUp({ rotate: true, clientSecret: CLIENT_SECRET }, {}, 'microsoft');
    const signedIn = await value(api.accounts.signIn({ provider: 'microsoft', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, account }));
    expect(server.authorizations[0]?.get('scope')).toBe('https://outlook.office.com/SMTP.Send https://outlook.office.com/IMAP.AccessAsUser.All offline_access');
    clock.now += 3600_000;
    expect(await value(api.accounts.test(signedIn.id))).toMatchObject({ ok: true });
    expect(server.refreshTokens).toHaveLength(2);
    expect(await keychain.secrets()).toEqual([server.refreshTokens[1], CLIENT_SECRET].sort());
    // Signing in again with the same app needs no second typing of its secret.
    await value(api.accounts.signIn({ provider: 'microsoft', account: { ...account, id: signedIn.id } }));
    expect(await keychain.secrets()).toEqual([server.refreshTokens[2], CLIENT_SECRET].sort());
  });

  it.each([
    ['denied in the browser', 'deny', /^Access was denied in the browser \(The user declined\.\); Outbound is not signed in\.$/],
    ['answered with another state', 'forged', /state mismatch/],
    ['never answered', 'silent', /^Sign-in with Google timed out: the browser did not come back within 1 seconds\. Try again\.$/],
  ] as const)('fails clearly and saves nothing when the browser %s', async (_what, browser, message) => {
    const forge = async (url: string) => follow(url.replace(/state=[^&]+/, 'state=forged'));
    const openExternal = browser === 'forged' ? forge : browser === 'silent' ? () => undefined : follow;
    const { server, api, keychain, account } = await setUp({}, { openExternal, timeoutMs: 1000 });
    server.consent = browser === 'deny' ? 'deny' : 'allow';
    const result = await api.accounts.signIn({ provider: 'google', clientId: CLIENT_ID, account });
    expect(result).toMatchObject({ ok: false, error: { code: 'sign_in_failed', message: expect.stringMatching(message) } });
    expect(await value(api.accounts.list())).toEqual([]);
    expect(await keychain.secrets()).toEqual([]);
    expect(server.grants).toEqual([]);
  });

  it('refuses before the browser opens: no client ID, or a plain-text connection', async () => {
    const { server, api, account } = await setUp();
    expect(await api.accounts.signIn({ provider: 'google', account })).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'clientId' } });
    expect(await api.accounts.signIn({ provider: 'google', clientId: CLIENT_ID, account: { ...account, security: 'none' } })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', field: 'security' },
    });
    expect(server.authorizations).toEqual([]);
  });

  it('keeps the sign-in through edits, asks to sign in again once the provider revokes it, and forgets it for a password', async () => {
    const { server, api, clock, keychain, account } = await setUp();
    const signedIn = await value(api.accounts.signIn({ provider: 'google', clientId: CLIENT_ID, account }));
    const edited = await value(api.accounts.save({ ...account, id: signedIn.id, identities: [{ email: 'alias@gmail.example', displayName: 'Alias' }] }));
    expect(edited.oauth).toEqual({ provider: 'google', clientId: CLIENT_ID });
    expect(edited.identities).toMatchObject([{ email: 'alias@gmail.example' }]);

    server.revoke();
    clock.now += 3600_000;
    expect(await api.accounts.test(signedIn.id)).toMatchObject({
      ok: false,
      error: { code: 'smtp_auth', message: 'Google no longer accepts the sign-in of account "Work": sign in again in its settings.' },
    });

    const password = await value(api.accounts.save({ ...account, id: signedIn.id, username: USER, password: NEW_PASSWORD }));
    expect(password.oauth).toBeNull();
    expect(await keychain.secrets()).toEqual([NEW_PASSWORD]);
  });
});
