/**
 * Setting up an account in one step (issue 14 §3), in Chromium against real servers the test starts:
 * an SMTP server with STARTTLS (a certificate made for the test) and AUTH, and the provider's
 * autoconfig file on a loopback HTTP server, which can hold its answer so the progress can be seen
 * and cancelled. A pass saves from the first screen; a wrong password shows the server's 535 and the
 * redacted dialogue and saves nothing until "Save anyway"; "Edit settings" shows what was found; an
 * address nothing is found for opens the full form with a sentence saying so; a self-signed server
 * passes once its certificate is trusted; a domain Google hosts is offered Google's sign-in.
 */
import { createServer, type Server } from 'node:http';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { value } from '../helpers/core.ts';
import { keptHome, registerTestSecret } from '../helpers/secrets.ts';
import { follow, startOAuthServer, type TestOAuthServer } from '../core/accounts/oauth-server.ts';
import { selfSigned, startAccountsServer, type AccountsServer } from '../core/accounts/servers.ts';
import { browserForFile, nav, shot, startE2eApp, type E2eApp } from './app-page.ts';

const USER = 'ann@example.test';
const PASSWORD = registerTestSecret('correct horse battery staple', { user: USER });
const SELF_USER = 'ann@self.test';
registerTestSecret(PASSWORD, { user: SELF_USER });
const browser = browserForFile();

const CLIENT_ID = 'e2e-client.apps.example';

let smtp: AccountsServer;
let selfSignedSmtp: AccountsServer;
let oauth: TestOAuthServer;
let http: Server;
let autoconfigBase: string;
/** While set, the autoconfig file waits for it: the page shows its first step until the test lets go. */
let held: Promise<void> | null = null;

beforeAll(async () => {
  smtp = await startAccountsServer({ auth: { user: USER, pass: PASSWORD } });
  selfSignedSmtp = await startAccountsServer({ auth: { user: SELF_USER, pass: PASSWORD }, certificate: await selfSigned('self.example.test') });
  oauth = await startOAuthServer({ clientId: CLIENT_ID });
  // The autoconfig files of example.test and of a company whose mail Google hosts; any other domain has none.
  const servers: Record<string, string> = {
    'example.test': `<hostname>127.0.0.1</hostname><port>${smtp.port}</port><socketType>STARTTLS</socketType>`,
    'company.test': '<hostname>smtp.gmail.com</hostname><port>465</port><socketType>SSL</socketType>',
    'self.test': `<hostname>127.0.0.1</hostname><port>${selfSignedSmtp.port}</port><socketType>STARTTLS</socketType>`,
  };
  http = createServer((request, response) => {
    const server = servers[request.url?.split('/')[1] ?? ''];
    const answer = () => {
      if (!server) return response.writeHead(404).end('not here');
      return response.writeHead(200, { 'content-type': 'text/xml' }).end(`<clientConfig version="1.1"><emailProvider id="any">
        <outgoingServer type="smtp">${server}<username>%EMAILADDRESS%</username></outgoingServer></emailProvider></clientConfig>`);
    };
    void (held ?? Promise.resolve()).then(answer);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  autoconfigBase = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
});

afterAll(async () => {
  await smtp?.close();
  await selfSignedSmtp?.close();
  await oauth?.close();
  await new Promise((resolve) => (http ? http.close(resolve) : resolve(null)));
});

async function start(): Promise<{ app: E2eApp; page: Page }> {
  const app = await startE2eApp(
    {},
    {
      home: keptHome(),
      autoSend: false,
      discovery: { autoconfigUrls: (domain) => [`${autoconfigBase}/${domain}/config-v1.1.xml`], dnsServers: [] },
      oauth: { openExternal: follow, endpoints: { google: oauth.endpoints } },
    },
    { browser: browser() },
  );
  onTestFinished(() => app.close());
  registerTestSecret(app.host.token);
  return { app, page: app.page };
}

async function fill(page: Page, { name, email, password }: { name: string; email: string; password: string }): Promise<void> {
  await page.getByLabel('Your name').fill(name);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
}

const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });

describe('adding an account in one step', () => {
  it('from the first screen: finds, tests and saves on a pass; the progress shows each step and can be cancelled', async () => {
    const { app, page } = await start();
    await page.getByText('There is no account to send from yet.').waitFor();
    expect(await button(page, 'Try it with a test inbox').count()).toBe(1);
    await fill(page, { name: 'Ann Smith', email: USER, password: PASSWORD });
    await shot(page, 'setup-form');

    let letGo = () => {};
    held = new Promise<void>((resolve) => (letGo = resolve));
    await button(page, 'Continue').click();
    const progress = page.getByTestId('setup-progress');
    await expect.poll(() => progress.locator('li[aria-current="step"]').textContent(), { timeout: 10_000 }).toBe('Finding the settings for example.test…');
    await shot(page, 'setup-testing');
    await button(page, 'Cancel').click();
    expect(await page.getByLabel('Email address').inputValue()).toBe(USER);
    expect(await page.getByLabel('Password', { exact: true }).inputValue()).toBe(PASSWORD);
    held = null;
    letGo();

    await button(page, 'Continue').click();
    // Saved: the composer opens with the new account as its From.
    await expect.poll(() => page.getByLabel('From', { exact: true }).textContent(), { timeout: 20_000 }).toContain('Ann Smith <ann@example.test>');
    expect(app.core.accounts.list()).toMatchObject([
      { name: 'example.test', email: USER, host: '127.0.0.1', port: smtp.port, security: 'starttls', username: USER },
    ]);
    await nav(page, 'Accounts').click();
    await page.getByTestId('account').filter({ hasText: 'example.test' }).waitFor();
    await shot(page, 'setup-saved');
    expect(await page.content()).not.toContain(PASSWORD);
  });

  it('a wrong password: the 535 and the redacted dialogue, nothing saved; "Edit settings" shows what was found; "Save anyway" saves', async () => {
    const { app, page } = await start();
    await nav(page, 'Accounts').click();
    await fill(page, { name: 'Ann', email: USER, password: '' });
    await button(page, 'Continue').click();
    // Bad input is said at its field, and what was typed stays.
    await expect.poll(() => page.getByTestId('setup-password-error').textContent(), { timeout: 15_000 }).toMatch(/^Enter the password/);
    expect(await page.getByLabel('Email address').inputValue()).toBe(USER);

    await page.getByLabel('Password', { exact: true }).fill('not the password');
    await button(page, 'Continue').click();
    const failed = page.getByTestId('setup-failed');
    await expect
      .poll(() => failed.getByTestId('test-report').locator('.verdict').textContent(), { timeout: 20_000 })
      .toBe('Password rejected: 535 5.7.8 Authentication credentials invalid');
    const transcript = await failed.getByTestId('transcript').textContent();
    expect(transcript).toContain('C: AUTH PLAIN [redacted]');
    expect(transcript).not.toContain('not the password');
    expect(await failed.locator('.advice').textContent()).toMatch(/^Check the password and try again/);
    expect(app.core.accounts.list()).toEqual([]);
    await shot(page, 'setup-failed');

    await button(page, 'Edit settings').click();
    expect(await page.getByLabel('Server', { exact: true }).inputValue()).toBe('127.0.0.1');
    expect(await page.getByLabel('Port', { exact: true }).inputValue()).toBe(String(smtp.port));
    expect(await page.getByLabel('Security', { exact: true }).inputValue()).toBe('starttls');
    expect(await page.getByLabel('Username', { exact: true }).inputValue()).toBe(USER);
    await shot(page, 'setup-edit-settings');
    await button(page, 'Cancel').click();

    await button(page, 'Continue').click();
    await failed.waitFor({ timeout: 20_000 });
    expect(app.core.accounts.list()).toEqual([]);
    await button(page, 'Save anyway').click();
    await page.getByTestId('account').filter({ hasText: 'example.test' }).waitFor();
    expect(app.core.accounts.list()).toMatchObject([{ name: 'example.test', host: '127.0.0.1', port: smtp.port }]);
    // Another one: the one-step setup is behind "Add account", and names the account with a name not taken.
    await button(page, 'Add account').click();
    await fill(page, { name: 'Ann', email: USER, password: PASSWORD });
    await button(page, 'Continue').click();
    await expect.poll(() => page.getByTestId('account').count(), { timeout: 20_000 }).toBe(2);
    expect((await value(app.api.accounts.list())).map((a) => a.name).sort()).toEqual(['ann@example.test', 'example.test']);
  });

  it('nothing found for the address: the full form, prefilled, with a sentence saying so', async () => {
    const { app, page } = await start();
    await nav(page, 'Accounts').click();
    await fill(page, { name: 'Bo', email: 'bo@nowhere.test', password: 'whatever it is' });
    await button(page, 'Continue').click();
    const notice = page.getByTestId('setup-notice');
    await expect.poll(() => notice.textContent(), { timeout: 20_000 }).toMatch(/^No server settings were found for nowhere\.test\. Enter the server by hand/);
    expect(await page.getByLabel('Email address').inputValue()).toBe('bo@nowhere.test');
    expect(await page.getByLabel('Display name').inputValue()).toBe('Bo');
    expect(await page.getByLabel('Username', { exact: true }).inputValue()).toBe('bo@nowhere.test');
    expect(await page.getByLabel('Server', { exact: true }).inputValue()).toBe('');
    expect(app.core.accounts.list()).toEqual([]);
    await shot(page, 'setup-nothing-found');
  });

  it('an address whose mail Google hosts: its sign-in instead of the password; without a client ID the full form asks for one', async () => {
    const { app, page } = await start();
    await nav(page, 'Accounts').click();
    await fill(page, { name: 'Cy', email: 'cy@company.test', password: 'not used' });
    await button(page, 'Continue').click();
    const offer = page.getByTestId('setup-provider');
    await expect.poll(() => offer.textContent(), { timeout: 20_000 }).toContain('cy@company.test is at Google, which wants you to sign in in your web browser');
    await shot(page, 'setup-provider');
    await offer.getByRole('button', { name: 'Sign in with Google', exact: true }).click();
    // This build has no OAuth app of its own: the full form, on Google's sign-in, asks for the client ID.
    await expect.poll(() => page.getByTestId('setup-notice').textContent(), { timeout: 10_000 }).toMatch(/^Enter the client ID of an OAuth app/);
    expect(await page.getByRole('radio', { name: 'Sign in with Google' }).isChecked()).toBe(true);
    expect(await page.getByRole('textbox', { name: 'Server', exact: true }).inputValue()).toBe('smtp.gmail.com');
    await page.getByLabel('OAuth client ID').fill(CLIENT_ID);
    await page.getByRole('button', { name: 'Sign in with Google', exact: true }).click();
    await page.getByTestId('account').filter({ hasText: 'signs in with Google as cy@company.test' }).waitFor({ timeout: 20_000 });
    expect(app.core.accounts.list()).toMatchObject([{ email: 'cy@company.test', host: 'smtp.gmail.com', oauth: { provider: 'google', clientId: CLIENT_ID } }]);
    expect(oauth.grants).toEqual(['authorization_code']);
  });

  it('a self-signed server: refused until the person trusts the certificate whose fingerprint they see, then tested again and saved pinned', async () => {
    const { app, page } = await start();
    await nav(page, 'Accounts').click();
    await fill(page, { name: 'Ann', email: SELF_USER, password: PASSWORD });
    await button(page, 'Continue').click();
    const failed = page.getByTestId('setup-failed');
    await expect
      .poll(() => failed.getByTestId('test-report').locator('.verdict').textContent(), { timeout: 20_000 })
      .toMatch(/is not signed by an authority this system trusts \(it is self-signed\)/);
    expect(await failed.locator('.advice').textContent()).toMatch(/trust its certificate/);
    expect(app.core.accounts.list()).toEqual([]);
    await button(page, 'Trust this certificate').click();
    await page.getByTestId('account').filter({ hasText: 'certificate pinned' }).waitFor({ timeout: 20_000 });
    expect(app.core.accounts.list()).toMatchObject([{ email: SELF_USER, port: selfSignedSmtp.port, pin: { fingerprint: expect.any(String) } }]);
  });
});
