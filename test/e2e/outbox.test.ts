/**
 * End to end, the outbox as a person meets it: the real renderer in Chromium, over the browser host,
 * to the real core, to real SMTP servers scripted to refuse, to drop the line after the final dot,
 * and to be away and come back. Undo send, send later, per-recipient refusals, the `uncertain`
 * decision, a failure alert with the SMTP dialogue behind it, and the offline queue that flushes by
 * itself.
 */
import { connect, createServer, type Socket } from 'node:net';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountInput, OutboundApi } from '../../preload/common/contract/index.ts';
import { inProcessApi } from '../../main/hosts/in-process.ts';
import { value } from '../helpers/core.ts';
import { closedPort } from '../helpers/net.ts';
import type { ReceivedMessage, TestSmtpServer } from '../helpers/smtp.ts';
import { chipTexts, fillComposer, startE2eApp, type ComposeFields, type E2eApp } from './app-page.ts';
import { screenshotsDir } from './built-app.ts';

const REJECTED = 'nobody@example.org';
const UNCERTAIN = 'Maybe delivered';
const REFUSED = 'Refused outright';

let app: E2eApp;
let smtp: TestSmtpServer;
let page: Page;
let api: OutboundApi;

const subjectOf = (m: ReceivedMessage) => m.parsed.subject ?? '';
const received = (subject: string) => smtp.messages.filter((m) => subjectOf(m) === subject);

beforeAll(async () => {
  app = await startE2eApp(
    {
      rcpt: (address) => (address === REJECTED ? { code: 550, message: '5.1.1 No such user here' } : undefined),
      data: (message) => (subjectOf(message) === REFUSED ? { code: 554, message: '5.7.1 Message refused by policy' } : undefined),
      dropAfterData: (message) => subjectOf(message) === UNCERTAIN,
    },
    // A quick probe, so that the offline test does not wait the app's 15 s between looks. The domain
    // check asks the tests' default DNS server, which knows no names, not even the account's domain:
    // so it flags no recipient however soon it answers (issue 10), and the composer says so quietly.
    { sender: { probeEveryMs: 300 } },
  );
  ({ smtp, page } = app);
  api = inProcessApi(app.core);
  await value(api.accounts.save(account('Work', smtp.port)));
  // The account was added behind the page's back: show it.
  await page.reload();
});

afterAll(() => app?.close());

/** An account without sign-in (no keychain needed), STARTTLS on the test CA. */
const account = (name: string, port: number): AccountInput => ({
  name, email: `${name.toLowerCase()}@outbound.test`, displayName: 'Ann', host: '127.0.0.1', port, security: 'starttls',
});

const nav = (name: string) => page.getByRole('navigation').getByRole('button', { name, exact: true });
const shot = (name: string) => page.screenshot({ path: path.join(screenshotsDir, `${name}.png`), fullPage: true });
const messageItem = (subject: string, state?: string) =>
  page.locator(state ? `[data-testid="message"][data-state="${state}"]` : '[data-testid="message"]').filter({ hasText: subject });
const status = (text: string | RegExp) => page.getByTestId('status-banner').filter({ hasText: text });

const compose = (fields: ComposeFields): Promise<void> => fillComposer(page, fields);

async function outboxSubjects(): Promise<string[]> {
  return (await value(api.outbox.list())).map((m) => m.subject);
}

describe('the outbox through the UI', () => {
  it('undoes a send within the undo window: the draft comes back and the server gets nothing', async () => {
    await compose({ to: 'bob@example.org', subject: 'Second thoughts', text: 'On reflection…' });
    // Ctrl+Enter sends from the message body.
    await page.getByLabel('Message', { exact: true }).press('Control+Enter');
    const bar = page.getByTestId('undo-bar');
    await bar.waitFor();
    expect(await bar.textContent()).toMatch(/Sending “Second thoughts” in [1-5] s/);
    expect(await chipTexts(page, 'To')).toEqual([]);
    const [queued] = await value(api.outbox.list());
    expect(queued).toMatchObject({ subject: 'Second thoughts', state: 'queued', hold: 'undo' });
    await shot('compose-undo');

    await bar.getByRole('button', { name: 'Undo' }).click();
    await status('Sending undone').waitFor();
    expect(await chipTexts(page, 'To')).toEqual(['bob@example.org']);
    expect(await page.getByLabel('Subject').inputValue()).toBe('Second thoughts');
    expect(await page.getByLabel('Message', { exact: true }).inputValue()).toBe('On reflection…');
    expect(await outboxSubjects()).toEqual([]);

    // Past the end of the window the message was in, the server still has nothing.
    await page.waitForTimeout(Math.max(0, Date.parse(queued!.notBefore!) - Date.now()) + 1_000);
    expect(smtp.messages).toEqual([]);
    expect(await value(api.sent.list())).toEqual([]);
  });

  it('sets the undo window in Settings, refusing what is out of range', async () => {
    await nav('Settings').click();
    const field = page.getByLabel('Undo window (seconds)');
    expect(await field.inputValue()).toBe('5');
    await field.fill('31');
    await page.getByRole('button', { name: 'Save' }).click();
    expect(await page.getByTestId('settings-undo-seconds-error').textContent()).toMatch(/0 to 30/);
    await field.fill('1');
    await page.getByRole('button', { name: 'Save' }).click();
    await status('Send can be undone for 1 s').waitFor();
    expect(await value(api.settings.get())).toEqual({ undoSeconds: 1 });
    await shot('settings');
  });

  it('refuses a time in the past, and holds a scheduled message until its time', async () => {
    await compose({ to: 'bob@example.org', subject: 'See you tomorrow' });
    await page.getByLabel('Send later').check();
    await page.getByLabel('Send at').fill(localMinute(Date.now() - 60 * 60_000));
    await page.getByRole('button', { name: 'Schedule' }).click();
    expect(await page.getByTestId('compose-send-at-error').textContent()).toMatch(/already passed/);
    expect(await outboxSubjects()).toEqual([]);

    const at = Date.now() + 3 * 60 * 60_000;
    await page.getByLabel('Send at').fill(localMinute(at));
    await page.getByRole('button', { name: 'Schedule' }).click();
    await status('Scheduled for').waitFor();

    await nav('Outbox').click();
    const item = messageItem('See you tomorrow', 'queued');
    const why = item.getByTestId('message-why');
    expect(await why.textContent()).toMatch(/^Scheduled for .+\.$/);
    // The time shown is the one picked, to the minute.
    expect(Date.parse((await why.locator('time').getAttribute('datetime'))!)).toBe(Math.floor(at / 60_000) * 60_000);
    await page.waitForTimeout(1_500);
    expect(received('See you tomorrow')).toEqual([]);
    expect((await value(api.outbox.list()))[0]).toMatchObject({ state: 'queued', hold: 'scheduled', attempts: 0 });
  });

  it('shows which recipient the server refused (550) and which got the message', async () => {
    await compose({ to: `bob@example.org, ${REJECTED}, carol@example.net`, subject: 'Partly delivered' });
    // The domain check has answered before the click, and held nothing back.
    await page.getByTestId('domains-unchecked').waitFor();
    await page.getByRole('button', { name: 'Send' }).click();
    await smtp.waitForMessages(1);
    expect(received('Partly delivered')[0]!.envelope.to.sort()).toEqual(['bob@example.org', 'carol@example.net']);

    await nav('Sent').click();
    const item = messageItem('Partly delivered', 'sent');
    await item.waitFor();
    const states = await item.getByTestId('recipient').evaluateAll((items) => items.map((li) => [li.textContent, li.getAttribute('data-state')]));
    expect(states.map(([, state]) => state)).toEqual(['accepted', 'rejected', 'accepted']);
    expect(states[1]![0]).toContain('550');
    expect(await item.getByTestId('message-error').textContent()).toContain(`Not delivered to ${REJECTED}`);
  });

  it('explains an uncertain message and offers the two choices', async () => {
    await compose({ to: 'dave@example.org', subject: UNCERTAIN });
    await page.getByRole('button', { name: 'Send' }).click();
    await nav('Outbox').click();
    const item = messageItem(UNCERTAIN, 'uncertain');
    await item.waitFor();
    expect(await item.getByTestId('message-why').textContent()).toMatch(/may have been delivered.*will not send it again unless you say so/s);
    await item.getByRole('button', { name: 'Send again' }).waitFor();
    await item.getByRole('button', { name: 'It arrived — mark as sent' }).waitFor();
  });

  it('alerts in the page when a message fails for good', async () => {
    await compose({ to: 'erin@example.org', subject: REFUSED });
    await page.getByRole('button', { name: 'Send' }).click();
    const alert = page.getByTestId('failure-alert').filter({ hasText: REFUSED });
    await alert.waitFor();
    expect(await alert.getAttribute('role')).toBe('alert');
    expect(await alert.textContent()).toMatch(/could not be sent/);
    await alert.getByRole('button', { name: 'Open Outbox' }).click();
    const failed = messageItem(REFUSED, 'failed');
    await failed.waitFor();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Outbox');
    // What the server answered, in the dialogue itself (AUTH would be redacted; the body is never there).
    await failed.getByText('SMTP dialogue').click();
    const transcript = await failed.getByTestId('attempt-transcript').textContent();
    expect(transcript).toMatch(/^C: DATA$/m);
    expect(transcript).toMatch(/^S: 554 5\.7\.1 Message refused by policy$/m);
    expect(await failed.getByTestId('attempt').getByRole('heading').textContent()).toMatch(/^Attempt 1, .*: failed at final$/);
    await shot('outbox-waiting-uncertain-failed');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot('outbox-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('asks before marking as sent, then moves the uncertain message to Sent', async () => {
    const item = messageItem(UNCERTAIN, 'uncertain');
    await item.getByRole('button', { name: 'It arrived — mark as sent' }).click();
    // Nothing happens until confirmed; "Not now" goes back, and focus is on the choice.
    expect(await page.locator(':focus').textContent()).toBe('Not now');
    await item.getByRole('button', { name: 'Not now' }).click();
    await item.getByRole('button', { name: 'It arrived — mark as sent' }).click();
    await shot('outbox-confirm-mark-sent');
    await item.getByRole('button', { name: 'Yes, it arrived' }).click();
    await item.waitFor({ state: 'detached' });

    await nav('Sent').click();
    await messageItem(UNCERTAIN, 'sent').waitFor();
    expect(received(UNCERTAIN)).toHaveLength(1);
  });

  it('edits a failed message: it leaves the outbox and opens in the composer', async () => {
    await nav('Outbox').click();
    await messageItem(REFUSED, 'failed').getByRole('button', { name: 'Edit' }).click();
    await status('back in the composer').waitFor();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Compose');
    expect(await chipTexts(page, 'To')).toEqual(['erin@example.org']);
    expect(await page.getByLabel('Subject').inputValue()).toBe(REFUSED);
    // The message it was is gone from the outbox, and so is its alert.
    expect(await outboxSubjects()).toEqual(['See you tomorrow']);
    expect(await page.getByTestId('failure-alert').count()).toBe(0);
  });

  it('queues while the server is unreachable, says so, and sends by itself once it is back', async () => {
    const port = await closedPort();
    await value(api.accounts.save(account('Train', port)));
    await page.reload();
    const from = 'Ann <train@outbound.test> (Train)';
    await compose({ from, to: 'frank@example.org', subject: 'From the tunnel' });
    await page.getByRole('button', { name: 'Send' }).click();
    const indicator = page.getByTestId('connectivity');
    await indicator.filter({ hasText: 'Offline' }).waitFor();

    await compose({ from, to: 'frank@example.org', subject: 'Still in the tunnel' });
    await page.getByRole('button', { name: 'Send' }).click();
    await status('Queued — will send when the network is back').waitFor();
    await nav('Outbox').click();
    await messageItem('From the tunnel').getByTestId('message-why').filter({ hasText: 'Waiting for the network' }).waitFor();
    await messageItem('Still in the tunnel').getByTestId('message-why').filter({ hasText: 'Waiting for the network' }).waitFor();
    await shot('outbox-offline');

    // The network comes back: the Train account's server answers on its port (a relay to the test server).
    const stopRelay = await relayTo(port, smtp.port);
    try {
      await indicator.filter({ hasText: 'Online' }).waitFor({ timeout: 15_000 });
      await messageItem('Still in the tunnel').waitFor({ state: 'detached', timeout: 15_000 });
      await messageItem('From the tunnel').waitFor({ state: 'detached' });
      expect(received('From the tunnel')).toHaveLength(1);
      expect(received('Still in the tunnel')).toHaveLength(1);
    } finally {
      await stopRelay();
    }
  });

  it('ran without script errors or CSP violations', () => {
    expect(app.problems).toEqual([]);
  });
});

/** What a `datetime-local` input takes: local time, to the minute. */
function localMinute(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A TCP relay from `port` to `target` on loopback: the "server is reachable again" moment. Returns its stop. */
async function relayTo(port: number, target: number): Promise<() => Promise<void>> {
  const sockets = new Set<Socket>();
  const relay = createServer((client) => {
    const upstream = connect(target, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => relay.listen(port, '127.0.0.1', resolve));
  return () => {
    // Relayed connections would keep the server open (a pooled SMTP connection stays).
    for (const socket of sockets) socket.destroy();
    return new Promise((resolve) => relay.close(() => resolve()));
  };
}
