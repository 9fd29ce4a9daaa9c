/**
 * End to end: the real renderer in Chromium, over the browser host, to the real core, to a real SMTP
 * server with STARTTLS and AUTH. A person adds an account, writes to a To and a Bcc recipient, and
 * sees the message in Sent with the server's reply; a malformed address is caught and sends nothing.
 * Each test starts from nothing of another's: an app of its own (its accounts saved behind the page
 * before it loads), in one browser for the file.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AddressObject } from 'mailparser';
import { createApi } from '../../main/hosts/api.ts';
import type { BrowserHost } from '../../main/hosts/browser/server.ts';
import type { Core } from '../../main/core/index.ts';
import { value } from '../helpers/core.ts';
import { closedPort } from '../helpers/net.ts';
import { keptHome, registerTestSecret } from '../helpers/secrets.ts';
import type { TestSmtpServer } from '../helpers/smtp.ts';
import { chipsOf, fillComposer, launchBrowser, openFullAccountForm, openMessage, startE2eApp, type ComposeFields, type E2eApp } from './app-page.ts';
import { screenshotsDir } from './built-app.ts';

const USER = 'ann@example.org';
// Registered for the final secrets scan, which searches the kept data directory and the run's logs.
const PASSWORD = registerTestSecret('correct horse battery staple', { user: USER });
const SUBJECT = 'Quarterly numbers';
const BODY = 'Hi Bob,\n\nthe numbers are in.\n\nAnn';

/** One browser for the file; each test has a page of its own in it, on an app of its own. */
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser?.close());

let app: E2eApp | undefined;
let smtp: TestSmtpServer;
let core: Core;
let host: BrowserHost;
let page: Page;
// Fails the test whose page had a script error or a CSP violation.
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** The Work account as the form below adds it: STARTTLS, signing in with the password. */
const work = (port: number): AccountFields => ({
  name: 'Work',
  email: USER,
  displayName: 'Ann',
  port,
  security: 'starttls',
  username: USER,
  password: PASSWORD,
});
/** An account whose server is not there (`port` has no listener), without sign-in. */
const offline = (port: number): AccountFields => ({ name: 'Offline', email: 'ann@offline.example', displayName: 'Ann', port, security: 'none' });

/**
 * The test's own app: an SMTP server with AUTH, a core on a data directory kept for the secrets scan,
 * the browser host, a page; `accounts` saved behind the page before it first loads.
 */
async function start(accounts: (smtpPort: number) => AccountFields[] = () => []): Promise<void> {
  app = await startE2eApp(
    { auth: { user: USER, pass: PASSWORD } },
    { home: keptHome() },
    {
      browser,
      prepare: async (setUp) => {
        for (const { port, ...fields } of accounts(setUp.smtp.port)) await value(setUp.api.accounts.save({ ...fields, host: '127.0.0.1', port }));
      },
    },
  );
  ({ smtp, core, host, page } = app);
  registerTestSecret(host.token);
}

const nav = (name: string) => page.getByRole('navigation').getByRole('button', { name, exact: true });
const shot = (name: string) => page.screenshot({ path: path.join(screenshotsDir, `${name}.png`), fullPage: true });

interface AccountFields {
  name: string;
  email: string;
  displayName: string;
  port: number;
  security: 'tls' | 'starttls' | 'none';
  username?: string;
  password?: string;
}

async function addAccount(account: AccountFields): Promise<void> {
  await openFullAccountForm(page);
  await page.getByLabel('Account name').fill(account.name);
  await page.getByLabel('Email address').fill(account.email);
  await page.getByLabel('Display name').fill(account.displayName);
  await page.getByLabel('Server', { exact: true }).fill('127.0.0.1');
  await page.getByLabel('Security', { exact: true }).selectOption(account.security);
  await page.getByLabel('Port', { exact: true }).fill(String(account.port));
  await page.getByLabel('Username', { exact: true }).fill(account.username ?? '');
  await page.getByLabel('Password', { exact: true }).fill(account.password ?? '');
  await page.getByRole('button', { name: 'Add account' }).click();
  await page.getByTestId('account').filter({ hasText: account.name }).waitFor();
}

const compose = (fields: ComposeFields) => fillComposer(page, fields);

const addresses = (field: AddressObject | AddressObject[] | undefined) => [field ?? []].flat().flatMap((group) => group.value.map((a) => a.address));

describe('sending a real message through the UI', () => {
  it('takes the token out of the address bar, and keeps working after a reload', async () => {
    await start();
    expect(page.url()).toBe(host.url);
    await page.reload();
    await nav('Accounts').click();
    await page.getByText('No accounts yet.').waitFor();
    expect(await page.getByTestId('error-banner').first().textContent()).toBe('');
  });

  it('says which field is wrong when an account cannot be saved', async () => {
    await start();
    await openFullAccountForm(page);
    await page.getByRole('button', { name: 'Add account' }).click();
    await page.getByTestId('account-name-error').waitFor();
    await page.getByLabel('Account name').fill('Work');
    await page.getByLabel('Port', { exact: true }).fill('five');
    await page.getByRole('button', { name: 'Add account' }).click();
    expect(await page.getByTestId('account-port-error').textContent()).toMatch(/port as a number/);
    expect(await page.getByTestId('account-name-error').count()).toBe(0);
    expect(await createApi(core).accounts.list()).toEqual([]);
  });

  it('adds an account with STARTTLS and a password', async () => {
    await start();
    await addAccount(work(smtp.port));
    const card = page.getByTestId('account').filter({ hasText: 'Work' });
    expect(await card.textContent()).toContain(`127.0.0.1:${smtp.port}`);
    expect(await card.textContent()).toContain(`signs in as ${USER}`);
    await shot('accounts');
  });

  it('edits the account without retyping its password, and the next send signs in with the stored one', async () => {
    await start((port) => [work(port)]);
    await nav('Accounts').click();
    await page.getByRole('button', { name: 'Edit Work' }).click();
    expect(await page.getByLabel('Password', { exact: true }).inputValue()).toBe('');
    await page.getByLabel('Display name').fill('Ann Example');
    await shot('accounts-edit');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByTestId('account').filter({ hasText: 'Ann Example <ann@example.org>' }).waitFor();

    await compose({ to: 'bob@example.org', subject: SUBJECT, text: BODY });
    await page.getByRole('button', { name: 'Send' }).click();
    const [received] = await smtp.waitForMessages(1);
    expect(received!.user).toBe(USER);
    expect(received!.parsed.from?.value).toEqual([{ address: USER, name: 'Ann Example' }]);
  });

  it('sends to a To and a Bcc recipient, and Sent shows the server’s 250', async () => {
    await start((port) => [work(port)]);
    await compose({ to: 'Bob Example <bob@example.org>', bcc: 'carol@example.net', subject: SUBJECT, text: BODY });
    await shot('compose');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('status').filter({ hasText: 'Queued — sending…' }).waitFor();
    expect(await page.getByLabel('To', { exact: true }).inputValue()).toBe('');

    const [received] = await smtp.waitForMessages(1);
    expect(received).toBeDefined();
    const { parsed, envelope } = received!;
    expect(parsed.subject).toBe(SUBJECT);
    expect(parsed.text?.trimEnd()).toBe(BODY);
    expect(parsed.from?.value).toEqual([{ address: USER, name: 'Ann' }]);
    expect(addresses(parsed.to)).toEqual(['bob@example.org']);
    expect(parsed.headers.has('bcc')).toBe(false);
    expect(received!.raw.toString('utf8')).not.toContain('carol@example.net');
    expect(envelope.from).toBe(USER);
    expect([...envelope.to].sort()).toEqual(['bob@example.org', 'carol@example.net']);
    expect(received!.user).toBe(USER);

    await nav('Sent').click();
    const sent = await openMessage(page, SUBJECT, 'sent');
    expect(await sent.getByTestId('message-reply').textContent()).toMatch(/^250 .*queued as T1/);
    expect(await sent.getByTestId('recipient').evaluateAll((items) => items.map((li) => li.getAttribute('data-state')))).toEqual(['accepted', 'accepted']);
    await shot('sent');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot('sent-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('shows a malformed address next to To and queues nothing', async () => {
    await start((port) => [work(port)]);
    await compose({ to: 'bob@', subject: 'Never sent', text: 'This must not leave.' });
    await page.getByRole('button', { name: 'Send' }).click();
    const error = page.getByTestId('compose-to-error');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/“bob@” needs a domain after the @/);
    expect(await page.getByLabel('To', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await chipsOf(page, 'To').filter({ hasText: 'bob@' }).getAttribute('data-invalid')).toBe('true');
    expect(await page.getByTestId('status-banner').textContent()).toBe('');
    await shot('compose-error');

    const api = createApi(core);
    expect({ outbox: await api.outbox.list(), sent: await api.sent.list(), received: smtp.messages }).toEqual({ outbox: [], sent: [], received: [] });
  });

  it('keeps a message for an unreachable server in the Outbox with the reason, until cancelled', async () => {
    const port = await closedPort();
    await start(() => [offline(port)]);
    await compose({ from: 'Ann <ann@offline.example> (Offline)', to: 'dave@example.org', subject: 'Waiting for the network', text: 'Later.' });
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('status').filter({ hasText: 'Queued — sending…' }).waitFor();

    await nav('Outbox').click();
    const waiting = await openMessage(page, 'Waiting for the network');
    await waiting.getByTestId('message-error').waitFor();
    await shot('outbox');

    // The attempt runs after `retry` has answered: only the outboxChanged event can bring its result.
    const attempts = Number(await waiting.getByTestId('message-attempts').textContent());
    await waiting.getByRole('button', { name: 'Retry now' }).click();
    await waiting
      .getByTestId('message-attempts')
      .filter({ hasText: String(attempts + 1) })
      .waitFor();

    await waiting.getByRole('button', { name: 'Cancel' }).click();
    await waiting.waitFor({ state: 'detached' });
    expect(await createApi(core).outbox.list()).toEqual([]);
  });

  it('deletes an account only once the deletion is confirmed', async () => {
    const port = await closedPort();
    await start((smtpPort) => [work(smtpPort), offline(port)]);
    await nav('Accounts').click();
    const card = page.getByTestId('account').filter({ hasText: 'Offline' });
    await page.getByRole('button', { name: 'Delete Offline' }).click();
    await card.getByRole('button', { name: 'Keep it' }).click();
    expect((await createApi(core).accounts.list()).map((a) => a.name).sort()).toEqual(['Offline', 'Work']);
    await page.getByRole('button', { name: 'Delete Offline' }).click();
    await card.getByRole('button', { name: 'Yes, delete' }).click();
    await card.waitFor({ state: 'detached' });
    expect((await createApi(core).accounts.list()).map((a) => a.name)).toEqual(['Work']);
  });
});
