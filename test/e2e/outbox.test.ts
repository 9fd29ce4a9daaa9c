/**
 * End to end, the outbox as a person meets it: the real renderer in Chromium, over the browser host,
 * to the real core, to real SMTP servers scripted to refuse, to drop the line after the final dot,
 * and to be away and come back. Undo send, send later, per-recipient refusals, the `uncertain`
 * decision, a failure alert with the SMTP dialogue behind it, and the offline queue that flushes by
 * itself. Each test starts from nothing of another's: an app of its own (SMTP server, core, browser
 * host, page), in one browser for the file.
 */
import { connect, createServer, type Socket } from 'node:net';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AccountInput, OutboundApi } from '../../preload/common/contract/index.ts';
import { AheadClock } from '../helpers/clock.ts';
import { value } from '../helpers/core.ts';
import { closedPort } from '../helpers/net.ts';
import type { ReceivedMessage, TestSmtpServer } from '../helpers/smtp.ts';
import {
  chipTexts,
  E2E_LOCALE,
  E2E_TIME_ZONE,
  fillComposer,
  launchBrowser,
  localMinute,
  openMessage,
  startE2eApp,
  type ComposeFields,
  type E2eApp,
} from './app-page.ts';
import { screenshotsDir } from './built-app.ts';

const REJECTED = 'nobody@example.org';
const UNCERTAIN = 'Maybe delivered';
const REFUSED = 'Refused outright';

/** One browser for the file; each test has a page of its own in it, on an app of its own. */
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser?.close());

let app: E2eApp | undefined;
let smtp: TestSmtpServer;
let page: Page;
let api: OutboundApi;
let clock: AheadClock;
// Fails the test whose page had a script error or a CSP violation.
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const subjectOf = (m: ReceivedMessage) => m.parsed.subject ?? '';
const received = (subject: string) => smtp.messages.filter((m) => subjectOf(m) === subject);

type SetUp = Pick<E2eApp, 'api' | 'core' | 'smtp'>;

interface Start {
  /** The undo window: 0 unless told, so that a click on Send sends at once; `default`: the app's own. */
  undoSeconds?: number | 'default';
  /** More to find in the data directory when the page first loads. */
  prepare?: (setUp: SetUp) => Promise<void>;
}

/**
 * The test's own app: an SMTP server scripted to refuse a recipient (550) and a message (554) and to
 * drop the line after one (uncertain); a core on a fresh data directory, on a clock of its own, with
 * the Work account; the browser host; a page of its own.
 */
async function start({ undoSeconds = 0, prepare }: Start = {}): Promise<void> {
  clock = new AheadClock();
  app = await startE2eApp(
    {
      rcpt: (address) => (address === REJECTED ? { code: 550, message: '5.1.1 No such user here' } : undefined),
      data: (message) => (subjectOf(message) === REFUSED ? { code: 554, message: '5.7.1 Message refused by policy' } : undefined),
      dropAfterData: (message) => subjectOf(message) === UNCERTAIN,
    },
    // A quick probe, so that the offline test does not wait the app's 15 s between looks. The domain
    // check asks the tests' default DNS server, which knows no names, not even the account's domain:
    // so it flags no recipient however soon it answers (issue 10), and the composer says so quietly.
    { sender: { probeEveryMs: 300 }, clock },
    {
      browser,
      prepare: async (setUp) => {
        await value(setUp.api.accounts.save(account('Work', setUp.smtp.port)));
        if (undoSeconds !== 'default') await value(setUp.api.settings.save({ undoSeconds }));
        await prepare?.(setUp);
      },
    },
  );
  ({ smtp, page, api } = app);
}

/** A message sent behind the page until the sender is done with it (`uncertain`, `failed`): what the page finds in the Outbox. */
async function sentBehind({ api: behind, core }: SetUp, subject: string, to: string): Promise<void> {
  await value(behind.outbox.send({ accountId: 1, to: [to], subject, text: 'Hello.', delaySeconds: 0 }));
  await core.sender.settled();
}

/** Moves the core's clock to `instant` and lets the sender look at the queue then: what was due has had its attempt. */
async function sendingAt(instant: number): Promise<void> {
  clock.moveTo(instant);
  app!.core.sender.kick();
  await app!.core.sender.settled();
}
/** An account without sign-in (no keychain needed), STARTTLS on the test CA. */
const account = (name: string, port: number): AccountInput => ({
  name,
  email: `${name.toLowerCase()}@outbound.test`,
  displayName: 'Ann',
  host: '127.0.0.1',
  port,
  security: 'starttls',
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
    // A window longer than the default 5 s: a loaded machine can take that long to show the bar.
    await start({ undoSeconds: 30 });
    await compose({ to: 'bob@example.org', subject: 'Second thoughts', text: 'On reflection…' });
    // Ctrl+Enter sends from the message body.
    await page.getByLabel('Message', { exact: true }).press('Control+Enter');
    const bar = page.getByTestId('undo-bar');
    await bar.waitFor();
    expect(await bar.textContent()).toMatch(/Sending “Second thoughts” in ([12]?\d|30) s/);
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

    // Past the end of the window the message was in, the sender looks again: the server still has nothing.
    await sendingAt(Date.parse(queued!.notBefore!) + 1_000);
    expect(smtp.messages).toEqual([]);
    expect(await value(api.sent.list())).toEqual([]);
  });

  it('sets the undo window in Settings, refusing what is out of range', async () => {
    await start({ undoSeconds: 'default' });
    await nav('Settings').click();
    const field = page.getByLabel('Undo window (seconds)');
    expect(await field.inputValue()).toBe('5');
    await field.fill('31');
    await page.getByRole('button', { name: 'Save' }).click();
    expect(await page.getByTestId('settings-undo-seconds-error').textContent()).toMatch(/0 to 30/);
    await field.fill('1');
    await page.getByRole('button', { name: 'Save' }).click();
    await status('Send can be undone for 1 s').waitFor();
    expect(await value(api.settings.get())).toMatchObject({ undoSeconds: 1 });
    await shot('settings');
  });

  it('refuses a time in the past, and holds a scheduled message until its time, then sends it', async () => {
    await start();
    await compose({ to: 'bob@example.org', subject: 'See you tomorrow' });
    await page.getByLabel('Send later').check();
    await page.getByLabel('Send at').fill(localMinute(Date.now() - 60 * 60_000));
    await page.getByRole('button', { name: 'Schedule' }).click();
    expect(await page.getByTestId('compose-send-at-error').textContent()).toMatch(/already passed/);
    expect(await outboxSubjects()).toEqual([]);

    const at = Date.now() + 3 * 60 * 60_000;
    const due = Math.floor(at / 60_000) * 60_000;
    await page.getByLabel('Send at').fill(localMinute(at));
    await page.getByRole('button', { name: 'Schedule' }).click();
    await status('Scheduled for').waitFor();

    await nav('Outbox').click();
    const item = await openMessage(page, 'See you tomorrow', 'queued');
    const why = item.getByTestId('message-why');
    // The time picked, to the minute, written in the page's own time zone and language.
    const written = new Intl.DateTimeFormat(E2E_LOCALE, { dateStyle: 'medium', timeStyle: 'short', timeZone: E2E_TIME_ZONE.id }).format(due);
    expect(await why.textContent()).toBe(`Scheduled for ${written}.`);
    expect(Date.parse((await why.locator('time').getAttribute('datetime'))!)).toBe(due);

    // A second before its time the sender leaves it; at its time it goes.
    await sendingAt(due - 1_000);
    expect(received('See you tomorrow')).toEqual([]);
    expect(await value(api.outbox.list())).toMatchObject([{ state: 'queued', hold: 'scheduled', attempts: 0 }]);
    await sendingAt(due);
    expect(received('See you tomorrow')).toHaveLength(1);
    await item.waitFor({ state: 'detached' });
  });

  it('shows which recipient the server refused (550) and which got the message, and the SMTP dialogue in Sent', async () => {
    await start();
    await compose({ to: `bob@example.org, ${REJECTED}, carol@example.net`, subject: 'Partly delivered', text: 'Not in the dialogue.' });
    // The domain check has answered before the click, and held nothing back.
    await page.getByTestId('domains-unchecked').waitFor();
    await page.getByRole('button', { name: 'Send' }).click();
    await smtp.waitForMessages(1);
    expect(received('Partly delivered')[0]!.envelope.to.sort()).toEqual(['bob@example.org', 'carol@example.net']);

    await nav('Sent').click();
    const item = await openMessage(page, 'Partly delivered', 'sent');
    const states = await item.getByTestId('recipient').evaluateAll((items) => items.map((li) => [li.textContent, li.getAttribute('data-state')]));
    expect(states.map(([, state]) => state)).toEqual(['accepted', 'rejected', 'accepted']);
    expect(states[1]![0]).toContain('550');
    expect(await item.getByTestId('message-error').textContent()).toContain(`Not delivered to ${REJECTED}`);

    // The dialogue of the attempt, as the server answered each recipient; never the body.
    await item.getByText('SMTP dialogue').click();
    const transcript = (await item.getByTestId('attempt-transcript').textContent())!.split('\n');
    // (The client pipelines: the replies to RCPT may come after DATA is written.)
    expect(transcript.filter((line) => /^C: (RCPT|DATA)/.test(line))).toEqual([
      'C: RCPT TO:<bob@example.org>',
      `C: RCPT TO:<${REJECTED}>`,
      'C: RCPT TO:<carol@example.net>',
      'C: DATA',
    ]);
    expect(transcript.filter((line) => /^S: (5\d\d|250 2\.0\.0 Ok: queued)/.test(line))).toEqual([
      'S: 550 5.1.1 No such user here',
      'S: 250 2.0.0 Ok: queued as T1',
    ]);
    expect(transcript.join('\n')).not.toContain('Not in the dialogue.');
    expect(await item.getByTestId('attempt').getByRole('heading').textContent()).toMatch(/^Attempt 1, .*: sent at final$/);
  });

  it('explains an uncertain message and asks before marking it as sent, then moves it to Sent', async () => {
    await start();
    await compose({ to: 'dave@example.org', subject: UNCERTAIN });
    await page.getByRole('button', { name: 'Send' }).click();
    await nav('Outbox').click();
    const item = await openMessage(page, UNCERTAIN, 'uncertain');
    expect(await item.getByTestId('message-why').textContent()).toMatch(/may have been delivered.*will not send it again unless you say so/s);
    await item.getByRole('button', { name: 'Send again' }).waitFor();

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

  it('sends an uncertain message again when told it did not arrive: the same message', async () => {
    await start({ prepare: (setUp) => sentBehind(setUp, UNCERTAIN, 'dave@example.org') });
    await nav('Outbox').click();
    const item = messageItem(UNCERTAIN, 'uncertain');
    await openMessage(page, UNCERTAIN, 'uncertain');
    await item.getByRole('button', { name: 'Send again' }).click();
    // Asked first, as it may deliver the message twice.
    await item.getByText('If it did arrive, the recipients get it twice').waitFor();
    await item.getByRole('button', { name: 'Yes, send again' }).click();
    // The server drops the line after this subject every time: the copy is uncertain too, after a second attempt.
    await item.getByTestId('message-attempts').filter({ hasText: '2' }).waitFor();
    const [first, again] = received(UNCERTAIN).map((m) => m.parsed.messageId);
    expect(again).toBe(first);
  });

  it('alerts in the page when a message fails for good', async () => {
    await start();
    await compose({ to: 'erin@example.org', subject: REFUSED });
    await page.getByRole('button', { name: 'Send' }).click();
    const alert = page.getByTestId('failure-alert').filter({ hasText: REFUSED });
    await alert.waitFor();
    expect(await alert.getAttribute('role')).toBe('alert');
    expect(await alert.textContent()).toMatch(/could not be sent/);
    await alert.getByRole('button', { name: 'Open Outbox' }).click();
    const failed = await openMessage(page, REFUSED, 'failed');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Outbox');
    // What the server answered, in the dialogue itself (AUTH would be redacted; the body is never there).
    await failed.getByText('SMTP dialogue').click();
    const transcript = await failed.getByTestId('attempt-transcript').textContent();
    expect(transcript).toMatch(/^C: DATA$/m);
    expect(transcript).toMatch(/^S: 554 5\.7\.1 Message refused by policy$/m);
    expect(await failed.getByTestId('attempt').getByRole('heading').textContent()).toMatch(/^Attempt 1, .*: failed at final$/);
    await shot('outbox-failed');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot('outbox-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('edits a failed message: it leaves the outbox and opens in the composer', async () => {
    await start({ prepare: (setUp) => sentBehind(setUp, REFUSED, 'erin@example.org') });
    await nav('Outbox').click();
    await (await openMessage(page, REFUSED, 'failed')).getByRole('button', { name: 'Edit' }).click();
    await status('back in the composer').waitFor();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Compose');
    expect(await chipTexts(page, 'To')).toEqual(['erin@example.org']);
    expect(await page.getByLabel('Subject').inputValue()).toBe(REFUSED);
    // The message it was is gone from the outbox, and so is its alert.
    expect(await outboxSubjects()).toEqual([]);
    expect(await page.getByTestId('failure-alert').count()).toBe(0);
  });

  it('queues while the server is unreachable, says so, and sends by itself once it is back', async () => {
    const port = await closedPort();
    await start({ prepare: async (setUp) => void (await value(setUp.api.accounts.save(account('Train', port)))) });
    const from = 'Ann <train@outbound.test> (Train)';
    await compose({ from, to: 'frank@example.org', subject: 'From the tunnel' });
    await page.getByRole('button', { name: 'Send' }).click();
    const indicator = page.getByTestId('connectivity');
    await indicator.filter({ hasText: 'Offline' }).waitFor();

    await compose({ from, to: 'frank@example.org', subject: 'Still in the tunnel' });
    await page.getByRole('button', { name: 'Send' }).click();
    await status('Queued — will send when the network is back').waitFor();
    await nav('Outbox').click();
    await (await openMessage(page, 'From the tunnel')).getByTestId('message-why').filter({ hasText: 'Waiting for the network' }).waitFor();
    await (await openMessage(page, 'Still in the tunnel')).getByTestId('message-why').filter({ hasText: 'Waiting for the network' }).waitFor();
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
});

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
