/**
 * Header injection through every field a person or a hostile page fills in: the subject, display
 * names and addresses in To/Cc/Bcc, the account's display name and email. A line break (and, in an
 * address field, any control character) is refused at the boundary with a typed error naming the
 * field; anything else (NUL in a subject, Unicode line separators, NEL, vertical tab, form feed) is
 * encoded by MailComposer. Judged on what the SMTP server received: the
 * header names, the envelope, and the raw bytes.
 */
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messagesDir } from '../../main/core/paths.ts';
import type { AccountInput, ComposeInput } from '../../preload/common/contract/index.ts';
import { accountFor, testCore, value } from '../helpers/core.ts';
import { startSmtpServer, type ReceivedMessage, type TestSmtpServer } from '../helpers/smtp.ts';

/** What MailComposer writes for a message with To and Cc; anything else was injected. */
const EXPECTED_HEADERS = ['from', 'to', 'cc', 'subject', 'message-id', 'date', 'mime-version', 'content-type', 'content-transfer-encoding'];
const INJECTED = 'X-Injected: yes';
const SNEAKY = 'evil@example.org';

let server: TestSmtpServer;
beforeAll(async () => {
  server = await startSmtpServer();
});
afterAll(() => server?.close());

const noAuth = (extra: Partial<AccountInput> = {}): AccountInput => accountFor(server, { username: '', passwordCommand: '', ...extra });
const message = (accountId: number, extra: Partial<ComposeInput>): ComposeInput => ({
  accountId,
  to: ['ann@example.org'],
  cc: ['carol@example.com'],
  subject: 'Hello',
  text: 'Body',
  ...extra,
});

/** Header names of the raw header block, in order (continuation lines belong to the header above). */
function headerNames(raw: Buffer): string[] {
  const head = raw.toString('latin1').split('\r\n\r\n', 1)[0]!;
  return head
    .split('\r\n')
    .filter((line) => !/^[ \t]/.test(line))
    .map((line) => line.slice(0, line.indexOf(':')).toLowerCase());
}

function expectNothingInjected(received: ReceivedMessage, envelope: string[]): void {
  expect(received.envelope.to).toEqual(envelope);
  expect(headerNames(received.raw)).toEqual(expect.arrayContaining(['from', 'to', 'subject']));
  expect(headerNames(received.raw).filter((name) => !EXPECTED_HEADERS.includes(name))).toEqual([]);
  expect(received.parsed.headers.has('bcc')).toBe(false);
  expect(received.parsed.headers.has('x-injected')).toBe(false);
  // Only CRLF line ends, no NUL, nothing outside ASCII in the headers.
  const text = received.raw.toString('latin1');
  expect(text).not.toMatch(/\0|\r(?!\n)|(?<!\r)\n/);
  expect(text.split('\r\n\r\n', 1)[0]).toMatch(/^[\x20-\x7e\r\n\t]*$/);
}

describe('line breaks (and controls in address fields) are refused at the boundary, naming the field, and nothing is queued', () => {
  it.each([
    ['subject', { subject: `Hi\r\nBcc: ${SNEAKY}` }],
    ['subject', { subject: `Hi\n${INJECTED}` }],
    ['subject', { subject: `Hi\r${INJECTED}` }],
    ['to', { to: [`"Ann\r\nBcc: ${SNEAKY}" <ann@example.org>`] }],
    ['to', { to: [`ann@example.org\r\nBcc: ${SNEAKY}`] }],
    ['cc', { cc: [`Carol\n${INJECTED} <carol@example.com>`] }],
    ['bcc', { bcc: [`dave@example.org\r${INJECTED}`] }],
    // NUL and other controls in an address field: the parser would drop them and read something else.
    ['to', { to: [`"Ann\0${INJECTED}" <ann@example.org>`] }],
    ['to', { to: ['ann\0@example.org'] }],
    ['cc', { cc: [`ann@example.org>\0Bcc: ${SNEAKY}`] }],
  ])('%s: %j', async (field, fields) => {
    const { core, api } = testCore(server);
    const account = await value(api.accounts.save(noAuth()));
    const result = await api.outbox.send(message(account.id, fields));
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input', field } });
    expect(readdirSync(messagesDir(core.home))).toEqual([]);
    expect(core.db.prepare('SELECT count(*) AS n FROM messages').get()).toEqual({ n: 0 });
  });

  it.each([
    ['displayName', { displayName: `Me\r\nBcc: ${SNEAKY}` }],
    ['displayName', { displayName: `Me\n${INJECTED}` }],
    ['email', { email: `me@outbound.test\r\nBcc: ${SNEAKY}` }],
    ['email', { email: `me@outbound.test\r${INJECTED}` }],
  ])('account %s: %j', async (field, fields) => {
    const { core, api } = testCore(server);
    const result = await api.accounts.save(noAuth(fields));
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input', field } });
    expect(core.db.prepare('SELECT count(*) AS n FROM accounts').get()).toEqual({ n: 0 });
  });
});

describe('other control and separator characters are encoded, and reach no header or envelope', () => {
  it.each([
    ['subject with NUL', {}, { subject: `Hi\0${INJECTED}` }],
    ['subject with U+2028, U+2029 and NEL', {}, { subject: `Hi\u2028Bcc: ${SNEAKY}\u2029${INJECTED}\u0085${INJECTED}` }],
    ['subject with vertical tab and form feed', {}, { subject: `Hi\u000b${INJECTED}\u000cBcc: ${SNEAKY}` }],
    ['a Cc display name with U+2028', {}, { cc: [`"Carol\u2028Bcc: ${SNEAKY}" <carol@example.com>`] }],
    ['the account display name with NUL and U+2028', { displayName: `Me\0${INJECTED}\u2028Bcc: ${SNEAKY}` }, {}],
  ])('%s', async (_case, accountFields, fields) => {
    const before = server.messages.length;
    const { core, api } = testCore(server);
    const account = await value(api.accounts.save(noAuth(accountFields)));
    const queued = await value(api.outbox.send(message(account.id, fields)));
    expect((await core.sender.sendNow(queued.id)).state).toBe('sent');
    const received = (await server.waitForMessages(before + 1))[before]!;
    expectNothingInjected(received, ['ann@example.org', 'carol@example.com']);
  });
});
