/**
 * End to end in Chromium: a person types only an address, Outbound finds the server through the
 * provider's autoconfig file (a local HTTP server), they add the password, run the connection test
 * and read the verdict and the transcript; a self-signed server is refused until they trust its
 * certificate after seeing its fingerprint; they add a From alias with its own signature; they sign
 * in with Google against a local OAuth2 server (the test plays the system browser, which the host
 * cannot open). "Trust this certificate" and "Make default" keep what another window changed after
 * the page listed the account. Each test starts from nothing of another's: an app of its own (core,
 * browser host, page), the accounts it needs saved before the page loads. Screenshots land in
 * test-results/screenshots/.
 */
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AccountInput } from '../../preload/common/contract/index.ts';
import { value } from '../helpers/core.ts';
import { keptHome, registerTestSecret } from '../helpers/secrets.ts';
import { follow, startOAuthServer, type TestOAuthServer } from '../core/accounts/oauth-server.ts';
import { selfSigned, startAccountsServer, type AccountsServer } from '../core/accounts/servers.ts';
import { launchBrowser, openFullAccountForm, startE2eApp, type E2eApp } from './app-page.ts';
import { screenshotsDir } from './built-app.ts';

const USER = 'ann@example.test';
const PASSWORD = registerTestSecret('correct horse battery staple', { user: USER });
const GMAIL_USER = 'ann@gmail.example';
const CLIENT_ID = 'e2e-client.apps.example';

let smtp: AccountsServer;
let selfSignedSmtp: AccountsServer;
let oauth: TestOAuthServer;
let oauthSmtp: AccountsServer;
let http: Server;
let autoconfig: string;
let browser: Browser;

/**
 * The servers an account can be set up against, and one browser, for the file. Each test has an app of
 * its own; of the servers' records, only the OAuth test reads any (grants, tokens, logins).
 */
beforeAll(async () => {
  smtp = await startAccountsServer({ auth: { user: USER, pass: PASSWORD } });
  selfSignedSmtp = await startAccountsServer({ auth: { user: USER, pass: PASSWORD }, certificate: await selfSigned('self.example.test') });
  const oauthServer = (oauth = await startOAuthServer({ clientId: CLIENT_ID }));
  oauthSmtp = await startAccountsServer({
    auth: { user: GMAIL_USER, pass: 'unused', methods: ['XOAUTH2'] },
    accessToken: () => oauthServer.accessTokens.at(-1),
  });
  // The provider's autoconfig file, as autoconfig.example.test would serve it.
  http = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/xml' }).end(`<clientConfig version="1.1"><emailProvider id="example.test">
      <outgoingServer type="smtp"><hostname>127.0.0.1</hostname><port>${smtp.port}</port><socketType>STARTTLS</socketType>
      <username>%EMAILADDRESS%</username></outgoingServer></emailProvider></clientConfig>`);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  autoconfig = `http://127.0.0.1:${(http.address() as { port: number }).port}/mail/config-v1.1.xml`;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await smtp?.close();
  await selfSignedSmtp?.close();
  await oauthSmtp?.close();
  await oauth?.close();
  await new Promise((resolve) => (http ? http.close(resolve) : resolve(null)));
});

let app: E2eApp | undefined;
let page: Page;
// Fails the test whose page had a script error or a CSP violation.
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** The example.test account as the autoconfig test below sets it up (signing in with the password). */
const exampleTest = (): AccountInput => ({
  name: 'example.test',
  email: USER,
  displayName: '',
  host: '127.0.0.1',
  port: smtp.port,
  security: 'starttls',
  username: USER,
  password: PASSWORD,
});
/** The Home server account as the self-signed test below adds it, before its certificate is trusted. */
const homeServer = (): AccountInput => ({ ...exampleTest(), name: 'Home server', port: selfSignedSmtp.port });

/**
 * The test's own app: a core on a data directory kept for the secrets scan, which finds servers
 * through the autoconfig file and signs in with Google at the local OAuth server, not sending by
 * itself; `accounts` saved before the page first loads.
 */
async function start(accounts: AccountInput[] = []): Promise<void> {
  app = await startE2eApp(
    {},
    {
      home: keptHome(),
      autoSend: false,
      discovery: { autoconfigUrls: () => [autoconfig], dnsServers: [] },
      oauth: { openExternal: follow, endpoints: { google: oauth.endpoints } },
    },
    {
      browser,
      prepare: async ({ api }) => {
        // One after the other: the first saved is the default.
        for (const account of accounts) await value(api.accounts.save(account));
      },
    },
  );
  ({ page } = app);
  registerTestSecret(app.host.token);
}

const nav = (name: string) => page.getByRole('navigation').getByRole('button', { name, exact: true });
const shot = (name: string) => page.screenshot({ path: path.join(screenshotsDir, `${name}.png`), fullPage: true });
const card = (name: string) => page.getByTestId('account').filter({ hasText: name });

/** Another window (or the CLI) saves the account through the same contract, after the page listed it. */
async function changeBehindThePage(name: string, changes: Partial<AccountInput>): Promise<void> {
  const account = app!.core.accounts.find(name);
  await value(
    app!.api.accounts.save({
      id: account.id,
      name: account.name,
      email: account.email,
      displayName: account.displayName,
      host: account.host,
      port: account.port,
      security: account.security,
      username: account.username ?? '',
      signature: account.signature,
      ...changes,
    }),
  );
}

/** The full form for a new account, behind the one-step setup's "Edit settings". */
const openNewAccountForm = () => openFullAccountForm(page);

describe('setting up an account from an address', () => {
  it('finds the server from the address alone, and the connection test shows the verdict and the transcript', async () => {
    await start();
    await openNewAccountForm();
    await page.getByLabel('Email address').fill(USER);
    await page.getByRole('button', { name: 'Find settings' }).click();
    await expect
      .poll(() => page.getByTestId('discovery').textContent())
      .toMatch(/^Found 127\.0\.0\.1:\d+ \(STARTTLS\) in the provider's configuration file: http:/);
    expect(await page.getByLabel('Server', { exact: true }).inputValue()).toBe('127.0.0.1');
    expect(await page.getByLabel('Port', { exact: true }).inputValue()).toBe(String(smtp.port));
    expect(await page.getByLabel('Username', { exact: true }).inputValue()).toBe(USER);
    expect(await page.getByLabel('Account name').inputValue()).toBe('example.test');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await shot('accounts-autoconfig-found');
    await page.getByRole('button', { name: 'Add account' }).click();
    await card('example.test').waitFor();

    await card('example.test').getByRole('button', { name: 'Test connection of example.test' }).click();
    const report = card('example.test').getByTestId('test-report');
    await expect
      .poll(() => report.locator('.verdict').textContent(), { timeout: 15_000 })
      .toMatch(/^Everything works: connected to 127\.0\.0\.1:\d+ with STARTTLS, signed in as ann@example\.test/);
    expect(await report.textContent()).toContain('Server offers: STARTTLS · PIPELINING · 8BITMIME · SMTPUTF8 · AUTH PLAIN LOGIN');
    await report.getByText('Transcript').click();
    const transcript = await report.getByTestId('transcript').textContent();
    expect(transcript).toContain('C: AUTH PLAIN [redacted]');
    expect(transcript).not.toContain(PASSWORD);
    await shot('accounts-connection-test');
    expect(await page.content()).not.toContain(PASSWORD);
  });

  it('refuses a self-signed server until the person trusts the certificate whose fingerprint they see', async () => {
    await start();
    await openNewAccountForm();
    await page.getByLabel('Account name').fill('Home server');
    await page.getByLabel('Email address').fill(USER);
    await page.getByLabel('Server', { exact: true }).fill('127.0.0.1');
    await page.getByLabel('Port', { exact: true }).fill(String(selfSignedSmtp.port));
    await page.getByLabel('Username', { exact: true }).fill(USER);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Add account' }).click();
    await card('Home server').waitFor();
    await card('Home server').getByRole('button', { name: 'Test connection of Home server' }).click();
    const report = card('Home server').getByTestId('test-report');
    await expect
      .poll(() => report.locator('.verdict').textContent(), { timeout: 15_000 })
      .toMatch(/is not signed by an authority this system trusts \(it is self-signed\)/);
    await shot('accounts-self-signed-refused');

    await changeBehindThePage('Home server', { signature: 'Written in another window' });
    await report.getByRole('button', { name: 'Trust this certificate' }).click();
    await expect.poll(() => card('Home server').getByTestId('test-report').locator('.verdict').textContent(), { timeout: 15_000 }).toMatch(/^Everything works/);
    expect(await card('Home server').textContent()).toContain('certificate pinned');
    expect(app!.core.accounts.find('Home server')).toMatchObject({ signature: 'Written in another window', pin: { fingerprint: expect.any(String) } });
    await shot('accounts-self-signed-pinned');
  });

  it('makes an account the default without undoing what another window changed after the page listed it', async () => {
    await start([exampleTest(), homeServer()]);
    await nav('Accounts').click();
    await card('Home server').waitFor();
    expect(app!.core.accounts.find('example.test').isDefault).toBe(true);
    expect(await card('Home server').textContent()).not.toContain('Default');
    await changeBehindThePage('Home server', { displayName: 'Ann at home', signature: 'Written in another window' });
    await card('Home server').getByRole('button', { name: 'Make default' }).click();
    await expect.poll(() => page.getByTestId('status-banner').textContent()).toBe('Home server is now the default account.');
    await expect.poll(() => card('Home server').locator('.badge').textContent()).toBe('Default');
    expect(app!.core.accounts.find('Home server')).toMatchObject({ isDefault: true, displayName: 'Ann at home', signature: 'Written in another window' });
    expect(app!.core.accounts.find('example.test').isDefault).toBe(false);
  });
});

describe('identities and OAuth2 sign-in', () => {
  it("adds a From alias with its own name, Reply-To and signature, and the account's own signature; the limits the form does not show stay", async () => {
    await start([exampleTest()]);
    await nav('Accounts').click();
    await card('example.test').waitFor();
    await changeBehindThePage('example.test', { maxPerMinute: 7, maxConnections: 3, retryDays: 2 });
    await card('example.test').getByRole('button', { name: 'Edit example.test' }).click();
    await page.getByLabel('Signature', { exact: true }).first().fill('Ann\nexample.test');
    await page.getByRole('button', { name: 'Add an address' }).click();
    const alias = page.getByTestId('identity').first();
    await alias.getByLabel('Address').fill('sales@example.test');
    await alias.getByLabel('Display name').fill('Ann at Sales');
    await alias.getByLabel('Reply-To').fill('team@example.test');
    await alias.getByLabel('Signature').fill('The sales team');
    await shot('accounts-identity-editor');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => card('example.test').getByTestId('identities').textContent()).toBe('Also sends as Ann at Sales <sales@example.test>');
    const [saved] = app!.core.accounts.list().filter((a) => a.name === 'example.test');
    expect(saved).toMatchObject({
      signature: 'Ann\nexample.test',
      maxPerMinute: 7,
      maxConnections: 3,
      retryDays: 2,
      identities: [{ email: 'sales@example.test', displayName: 'Ann at Sales', replyTo: 'team@example.test', signature: 'The sales team' }],
    });

    // A bad alias address is shown on its own row, and nothing is saved.
    await card('example.test').getByRole('button', { name: 'Edit example.test' }).click();
    await page.getByTestId('identity').first().getByLabel('Address').fill('not an address');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => page.getByTestId('identity').first().getByRole('alert').textContent()).toMatch(/not an address/);
    await page.getByRole('button', { name: 'Cancel' }).click();
  });

  it('signs in with Google in the browser, then the connection test signs in over XOAUTH2', async () => {
    await start();
    await openNewAccountForm();
    await page.getByLabel('Account name').fill('Gmail');
    await page.getByLabel('Email address').fill(GMAIL_USER);
    await page.getByRole('radio', { name: 'Sign in with Google' }).check();
    const server = page.getByRole('textbox', { name: 'Server', exact: true });
    expect(await server.inputValue()).toBe('smtp.gmail.com');
    // The local stand-in for Google's SMTP server.
    await server.fill('127.0.0.1');
    await page.getByLabel('Security', { exact: true }).selectOption('starttls');
    await page.getByLabel('Port', { exact: true }).fill(String(oauthSmtp.port));
    await page.getByLabel('OAuth client ID').fill(CLIENT_ID);
    await shot('accounts-oauth-sign-in');
    await page.getByRole('button', { name: 'Sign in with Google' }).click();
    await card('Gmail').waitFor();
    expect(await card('Gmail').textContent()).toContain(`signs in with Google as ${GMAIL_USER}`);
    expect(oauth.grants).toEqual(['authorization_code']);

    await card('Gmail').getByRole('button', { name: 'Test connection of Gmail' }).click();
    const report = card('Gmail').getByTestId('test-report');
    await expect.poll(() => report.locator('.verdict').textContent(), { timeout: 15_000 }).toMatch(/^Everything works: .* signed in as ann@gmail\.example/);
    expect(oauthSmtp.logins).toEqual([{ method: 'XOAUTH2', user: GMAIL_USER }]);
    await report.getByText('Transcript').click();
    expect(await report.getByTestId('transcript').textContent()).toContain('C: AUTH XOAUTH2 [redacted]');
    await shot('accounts-oauth-signed-in');
    const content = await page.content();
    for (const token of [...oauth.accessTokens, ...oauth.refreshTokens]) expect(content).not.toContain(token);
  });
});
