/**
 * End to end, writing a message as in a real mail client: the real renderer in Chromium, over the
 * browser host, to the real core, to a real SMTP server. A pasted list becomes chips, a bad address
 * and an unknown domain are flagged, From switches the signature, rich text with a link, a staged
 * attachment, a draft that survives a reload; what the server received is read back with mailparser.
 * (axe-core checks every screen in look.test.ts.) Each test starts from nothing of another's: an app of its own (SMTP
 * server, core, browser host, page), in one browser for the file.
 */
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AddressObject } from 'mailparser';
import { value } from '../helpers/core.ts';
import { BROKEN_RESOLVERS, startBrokenDnsServer, startDnsServer, type TestDnsServer } from '../helpers/dns.ts';
import { chipsOf, chipTexts, fillComposer, launchBrowser, startE2eApp, type E2eApp } from './app-page.ts';
import { screenshotsDir } from './built-app.ts';

const SUBJECT = 'Plans for the launch';
const ATTACHMENT = Buffer.from('quarter,revenue\nQ1,120\nQ2,135\n');
const PASTED_LIST = 'Ann Smith <ann@example.org>, bob@example.net; Team: carol@example.org, "Doe, Dave" <dave@example.org>;';
const SALES = 'Ann (Sales) <sales@outbound.test> (Work)';

/** One browser and one DNS server (which only answers) for the file; each test has an app of its own. */
let browser: Browser;
let dns: TestDnsServer;
beforeAll(async () => {
  browser = await launchBrowser();
  // The recipients' domains have mail servers; "gmial.com", a typo, does not exist. The account's own
  // domain is there too: it shows the core that this DNS works, so its NXDOMAIN is believed.
  const mx = (name: string) => ({ type: 'MX' as const, name, ttl: 60, data: { preference: 10, exchange: `mx.${name}` } });
  // "nomail.example" says in DNS that it takes no mail (a null MX, RFC 7505).
  dns = await startDnsServer([mx('example.org'), mx('example.net'), mx('outbound.test'), { ...mx('nomail.example'), data: { preference: 0, exchange: '.' } }]);
});
afterAll(async () => {
  await browser?.close();
  await dns?.close();
});

let app: E2eApp | undefined;
let page: Page;
// Fails the test whose page had a script error or a CSP violation.
afterEach(async () => {
  await app?.close();
  app = undefined;
});

interface Start {
  /** The DNS server the domain check asks: the file's own unless told. */
  dnsServer?: string;
  /** The undo window: the app's own unless told. */
  undoSeconds?: number;
}

/** The test's own app: an SMTP server, a core on a fresh data directory with the Work account (an alias for Sales, signatures), a page. */
async function start({ dnsServer = dns.server, undoSeconds }: Start = {}): Promise<void> {
  app = await startE2eApp(
    {},
    { domainCheck: { servers: [dnsServer], timeoutMs: 500 } },
    {
      browser,
      prepare: async ({ api, smtp }) => {
        await value(
          api.accounts.save({
            name: 'Work',
            email: 'ann@outbound.test',
            displayName: 'Ann',
            host: '127.0.0.1',
            port: smtp.port,
            security: 'starttls',
            signature: 'Ann Example\nOutbound Ltd',
            identities: [{ email: 'sales@outbound.test', displayName: 'Ann (Sales)', replyTo: 'team@outbound.test', signature: 'The sales team' }],
          }),
        );
        if (undoSeconds !== undefined) await value(api.settings.save({ undoSeconds }));
      },
    },
  );
  ({ page } = app);
}

const nav = (name: string) => page.getByRole('navigation').getByRole('button', { name, exact: true });
const shot = (name: string) => page.screenshot({ path: path.join(screenshotsDir, `${name}.png`), fullPage: true });
const editor = () => page.getByRole('textbox', { name: 'Message', exact: true });

/** The page's globals these tests use in `evaluate` (the tests compile without the DOM library). */
interface PageGlobals {
  DataTransfer: new () => { setData(type: string, value: string): void; items: { add(file: unknown): void } };
  ClipboardEvent: new (type: string, init: { clipboardData: unknown; bubbles: boolean; cancelable: boolean }) => Event;
  File: new (bits: Uint8Array[], name: string, options: { type: string }) => unknown;
}

/** A 1×1 PNG, pasted as an image. */
const PIXEL = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

/** Paste as the clipboard would deliver it (headless Chromium has no clipboard of its own to paste from): text, or a PNG file. */
async function paste(target: Locator, content: { text: string } | { png: string }): Promise<void> {
  await target.focus();
  await target.evaluate((element, pasted) => {
    const { DataTransfer, ClipboardEvent, File } = globalThis as unknown as PageGlobals;
    const data = new DataTransfer();
    if ('text' in pasted) data.setData('text/plain', pasted.text);
    else data.items.add(new File([Uint8Array.from(atob(pasted.png), (c) => c.charCodeAt(0))], 'pixel.png', { type: 'image/png' }));
    element.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, content);
}

/** The chips marked as wrong, across the recipient fields. */
const flagged = (on: Page) => on.getByTestId('chip').evaluateAll((chips) => chips.filter((c) => c.getAttribute('data-invalid')).map((c) => c.textContent));

/** Rich text typed at the start of the body, above the signature: "Hello team, this is **important**. Read [a link]", then a pasted image. */
async function writeRichText(): Promise<void> {
  await page.getByLabel('Plain text').setChecked(false);
  await editor().locator('.signature').waitFor();
  await editor().click();
  await page.keyboard.press('Control+Home');
  await page.keyboard.type('Hello team, this is ');
  await page.keyboard.press('Control+B');
  await page.keyboard.type('important');
  await page.keyboard.press('Control+B');
  await page.keyboard.type('. Read ');
  // The toolbar follows the caret on the asynchronous selectionchange event.
  await expect.poll(() => page.getByRole('button', { name: 'Bold' }).getAttribute('aria-pressed')).toBe('false');
  await page.getByRole('button', { name: 'Link…' }).click();
  const linkDialog = page.getByRole('dialog', { name: 'Insert link' });
  await linkDialog.getByLabel('Link to').fill('example.org/launch');
  await linkDialog.getByLabel('Link to').press('Enter');
  await editor().locator('a[href="https://example.org/launch"]').waitFor();
  // A pasted image goes in the text, shown from the page and sent as an inline (cid:) part.
  await paste(editor(), { png: PIXEL });
  await editor().locator('img[src^="data:image/png"]').waitFor();
}

/** The file staged through the browser host, waited for in the list. */
async function attachNumbers(): Promise<Locator> {
  await page.getByTestId('attach-input').setInputFiles({ name: 'numbers.csv', mimeType: 'text/csv', buffer: ATTACHMENT });
  const item = page.getByTestId('attachment').filter({ hasText: 'numbers.csv' });
  await item.waitFor();
  return item;
}

/**
 * The whole launch message, as the tests above write it part by part: the pasted list and a typo'd
 * domain in To, a Bcc, From the Sales alias, rich text, the attachment. Returns once the draft of all
 * of it is saved.
 */
async function writeLaunchMessage(): Promise<void> {
  await nav('Compose').click();
  const to = page.getByLabel('To', { exact: true });
  await paste(to, { text: PASTED_LIST });
  await to.pressSequentially('frank@gmial.com,');
  await page.getByRole('button', { name: 'Add Bcc', exact: true }).click(); // Bcc waits behind its button until used
  await page.getByLabel('Bcc', { exact: true }).fill('boss@example.org');
  await page.getByLabel('Subject').fill(SUBJECT);
  await page.getByLabel('From').selectOption({ label: SALES });
  await writeRichText();
  await attachNumbers();
  await page.getByTestId('draft-status').filter({ hasText: 'Draft saved' }).waitFor();
  // That line may still tell of an early save (before the subject was typed): wait for the save of
  // all of it, the attachment added last.
  // The autosave waits for typing to pause: give it Playwright's 10 s, not expect.poll's default 1 s.
  await expect
    .poll(async () => (await value(app!.api.drafts.list())).map((d) => [d.subject, d.attachments.length]), { timeout: 10_000 })
    .toEqual([[SUBJECT, 1]]);
}

describe('composing like a real mail client', () => {
  it('turns a pasted list into one chip per address, and says what is wrong with each bad one', async () => {
    await start();
    await nav('Compose').click();
    const to = page.getByLabel('To', { exact: true });
    await paste(to, { text: PASTED_LIST });
    expect(await chipTexts(page, 'To')).toEqual(['Ann Smith ann@example.org', 'bob@example.net', 'carol@example.org', 'Doe, Dave dave@example.org']);

    await to.pressSequentially('erin@');
    await to.press('Enter');
    const bad = chipsOf(page, 'To').filter({ hasText: 'erin@' });
    expect(await bad.getAttribute('data-invalid')).toBe('true');
    expect(await page.getByTestId('compose-to-error').textContent()).toContain('“erin@” needs a domain after the @.');
    // Backspace in the empty input takes the last chip away.
    await to.press('Backspace');
    expect(await bad.count()).toBe(0);

    // A chip clicked goes back into the input to be corrected.
    await to.pressSequentially('frank@gmial.com,');
    await chipsOf(page, 'To').filter({ hasText: 'frank@gmial.com' }).getByRole('button', { name: /^Edit/ }).click();
    expect(await to.inputValue()).toBe('frank@gmial.com');
    await to.fill('');
    await to.pressSequentially('frank@gmial.com');
    await to.blur();
    await page.getByTestId('compose-to-error').filter({ hasText: 'No such domain: “gmial.com” does not exist.' }).waitFor();
    expect(await flagged(page)).toEqual(['frank@gmial.com×']);
    expect(await page.getByTestId('domains-unchecked').count()).toBe(0);

    await page.getByRole('button', { name: 'Add Bcc', exact: true }).click(); // Bcc waits behind its button until used
    await page.getByLabel('Bcc', { exact: true }).fill('boss@example.org');
    await page.getByLabel('Subject').fill(SUBJECT);
    expect(await page.getByText('Nobody sees Bcc recipients').isVisible()).toBe(true);
    await shot('compose-chips');
  });

  it('lists every identity under From, switching the signature and the Reply-To', async () => {
    await start();
    await nav('Compose').click();
    const from = page.getByLabel('From');
    expect(await from.locator('option').allTextContents()).toEqual(['Ann <ann@outbound.test> (Work)', SALES]);
    await page.getByLabel('Plain text').setChecked(false);
    await editor().locator('.signature').filter({ hasText: 'Outbound Ltd' }).waitFor();
    await editor().click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.type('Hello team, ');
    await from.selectOption({ label: SALES });
    await editor().locator('.signature').filter({ hasText: 'The sales team' }).waitFor();
    expect(await editor().textContent()).toContain('Hello team,');
    expect(await editor().textContent()).not.toContain('Outbound Ltd');
    expect(await page.getByLabel('Reply-To').inputValue()).toBe('team@outbound.test');
  });

  it('writes rich text: bold and a link, and previews it without loading anything', async () => {
    await start();
    await nav('Compose').click();
    await writeRichText();
    expect(await editor().locator('b, strong').textContent()).toBe('important');
    // A link that is not http(s) is refused in the dialog, and nothing is inserted.
    await page.getByRole('button', { name: 'Link…' }).click();
    const linkDialog = page.getByRole('dialog', { name: 'Insert link' });
    await linkDialog.getByLabel('Link to').fill('javascript:alert(1)');
    await linkDialog.getByRole('button', { name: 'Insert link' }).click();
    await linkDialog.getByRole('alert').filter({ hasText: 'http or https' }).waitFor();
    await linkDialog.getByRole('button', { name: 'Cancel' }).click();
    expect(
      await editor()
        .locator('a')
        .evaluateAll((links) => links.map((a) => a.getAttribute('href'))),
    ).toEqual(['https://example.org/launch']);

    await page.getByRole('button', { name: 'Preview' }).click();
    const preview = page.getByTestId('preview');
    expect(await preview.locator('b, strong').textContent()).toBe('important');
    expect(await preview.locator('a').getAttribute('href')).toBe('https://example.org/launch');
    await shot('compose-rich');
  });

  it('attaches a file staged through the browser host, with its size and the total', async () => {
    await start();
    await nav('Compose').click();
    const item = await attachNumbers();
    expect(await item.textContent()).toContain(`${ATTACHMENT.length} bytes`);
    expect(await page.getByTestId('attachments-total').textContent()).toBe(`1 file, ${ATTACHMENT.length} bytes in all.`);
  });

  it('autosaves the draft and restores it after a reload; Drafts lists it', async () => {
    await start();
    await writeLaunchMessage();
    await page.reload();
    await page.getByTestId('status-banner').filter({ hasText: 'Your draft is back' }).waitFor();
    expect(await chipTexts(page, 'To')).toHaveLength(5);
    expect(await page.getByLabel('Subject').inputValue()).toBe(SUBJECT);
    expect(await page.getByLabel('From').locator('option:checked').textContent()).toBe(SALES);
    expect(await editor().locator('b, strong').textContent()).toBe('important');
    await page.getByTestId('attachment').filter({ hasText: 'numbers.csv' }).waitFor();

    await nav('Drafts').click();
    await page.getByTestId('draft').filter({ hasText: SUBJECT }).waitFor();
    await shot('drafts');
    await page.getByTestId('draft').filter({ hasText: SUBJECT }).getByRole('button', { name: 'Open' }).click();
    await page.getByTestId('status-banner').filter({ hasText: 'Draft opened.' }).waitFor();
    expect(await page.getByLabel('Subject').inputValue()).toBe(SUBJECT);
  });

  it('asks before sending to a domain that does not exist, then sends html, its text alternative and the attachment', async () => {
    await start();
    await writeLaunchMessage();
    await page.getByTestId('compose-to-error').filter({ hasText: 'No such domain: “gmial.com”' }).waitFor();
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page
      .getByRole('group', { name: /recipient domains look wrong/ })
      .getByRole('button', { name: 'Send anyway' })
      .click();
    await page
      .getByTestId('status-banner')
      .filter({ hasText: 'Queued' })
      .or(page.getByTestId('error-banner').filter({ hasText: /./ }))
      .waitFor();
    expect(await page.getByTestId('error-banner').textContent()).toBe('');

    const [received] = await app!.smtp.waitForMessages(1);
    const { parsed, envelope, raw } = received!;
    expect(parsed.subject).toBe(SUBJECT);
    expect(parsed.from?.value).toEqual([{ address: 'sales@outbound.test', name: 'Ann (Sales)' }]);
    expect((parsed.replyTo as AddressObject | undefined)?.value.map((a) => a.address)).toEqual(['team@outbound.test']);
    expect(parsed.html).toMatch(/<(b|strong)>important<\/(b|strong)>/);
    expect(parsed.html).toContain('href="https://example.org/launch"');
    expect(parsed.text).toContain('important');
    expect(parsed.text).toContain('The sales team');
    const [inline, attached] = [parsed.attachments.filter((a) => a.related), parsed.attachments.filter((a) => !a.related)];
    expect(attached.map((a) => [a.filename, a.content.equals(ATTACHMENT)])).toEqual([['numbers.csv', true]]);
    expect(inline.map((a) => a.content.equals(Buffer.from(PIXEL, 'base64')))).toEqual([true]);
    // mailparser swaps cid: references for data: URLs; the part it found proves the reference.
    expect(parsed.html).toContain('<img');
    expect(parsed.headers.has('bcc')).toBe(false);
    expect(raw.toString('utf8')).not.toContain('boss@example.org');
    expect([...envelope.to].sort()).toEqual(
      ['ann@example.org', 'bob@example.net', 'boss@example.org', 'carol@example.org', 'dave@example.org', 'frank@gmial.com'].sort(),
    );

    // The draft (saved before the send) went with the message.
    expect(await value(app!.api.drafts.list())).toEqual([]);
    await nav('Drafts').click();
    await page.getByText('No drafts.').waitFor();
  });
});

describe.each(BROKEN_RESOLVERS)('composing behind a broken resolver (%s)', (mode) => {
  let broken: TestDnsServer;
  beforeAll(async () => {
    broken = await startBrokenDnsServer(mode);
  });
  afterAll(() => broken?.close());

  it('flags no recipient, says quietly that the domains could not be checked, and sends at once', async () => {
    await start({ dnsServer: broken.server, undoSeconds: 0 });
    await fillComposer(page, { to: 'ann@example.org, bob@gmail.com, carol@gmial.com', cc: 'dave@example.net', subject: `Behind a broken resolver (${mode})` });
    // The check has answered (unknown) before the send: what it says cannot race the click.
    await page.getByTestId('domains-unchecked').filter({ hasText: 'could not be checked' }).waitFor();
    expect(await flagged(page)).toEqual([]);
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const [received] = await app!.smtp.waitForMessages(1);
    expect([...received!.envelope.to].sort()).toEqual(['ann@example.org', 'bob@gmail.com', 'carol@gmial.com', 'dave@example.net']);
    expect(await page.getByRole('group', { name: /recipient domains look wrong/ }).count()).toBe(0);
    expect(broken.questions.length).toBeGreaterThan(0); // the check did ask this resolver
  });
});

describe('a recipient domain that takes no mail', () => {
  it('is flagged with what its DNS says, and Send asks first', async () => {
    await start();
    await fillComposer(page, { to: 'gina@nomail.example', subject: 'Nowhere to go' });
    await page.getByLabel('To', { exact: true }).blur();
    await page.getByTestId('compose-to-error').filter({ hasText: '“nomail.example” exists but takes no mail.' }).waitFor();
    expect(await flagged(page)).toEqual(['gina@nomail.example×']);
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page
      .getByRole('group', { name: /recipient domains look wrong/ })
      .getByRole('button', { name: 'Send anyway' })
      .waitFor();
    expect(await value(app!.api.outbox.list())).toEqual([]);
    expect(app!.smtp.messages).toEqual([]);
  });
});
