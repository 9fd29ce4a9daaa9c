/**
 * Composing like a mail client, judged on what a real SMTP server received (parsed with mailparser):
 * identities, rich text with its plain alternative, attachments streamed from disk byte for byte,
 * IDN, the attachment gate against a hostile page, the size limit, SMTPUTF8, progress.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messagesDir } from '../../../main/core/paths.ts';
import type { AccountInput, ComposeInput, SendProgress } from '../../../preload/common/contract/index.ts';
import { accountFor, tempHome, testCore, value } from '../../helpers/core.ts';
import { startSmtpServer, type ReceivedMessage, type TestSmtpServer } from '../../helpers/smtp.ts';

let server: TestSmtpServer;
beforeAll(async () => {
  server = await startSmtpServer();
});
afterAll(() => server?.close());

const account = (extra: Partial<AccountInput> = {}): AccountInput => accountFor(server, { username: '', passwordCommand: '', ...extra });

/** Queue through the contract, send now, and return what the server received. */
async function sendAndReceive(t: ReturnType<typeof testCore>, input: ComposeInput): Promise<ReceivedMessage> {
  const queued = await value(t.api.outbox.send({ delaySeconds: 0, ...input }));
  const before = server.messages.length;
  const sent = await t.core.sender.sendNow(queued.id);
  expect(sent.state).toBe('sent');
  return (await server.waitForMessages(before + 1))[before]!;
}

function file(dir: string, name: string, data: Buffer | string): string {
  const path = join(dir, name);
  writeFileSync(path, data);
  return path;
}

describe('the message as received', () => {
  it('sends rich text as multipart/alternative with a generated plain text, sanitised, and From/Reply-To from the identity', async () => {
    const t = testCore(server);
    const saved = await value(
      t.api.accounts.save(
        account({
          replyTo: 'account-replies@outbound.test',
          identities: [{ email: 'alias@outbound.test', displayName: 'Ålias Persona', replyTo: 'alias-replies@outbound.test' }],
        }),
      ),
    );
    const identity = saved.identities[0]!;
    const received = await sendAndReceive(t, {
      accountId: saved.id,
      identityId: identity.id,
      to: ['ann@example.org'],
      bcc: ['hidden@example.org'],
      subject: 'Rich',
      html:
        '<p onclick="steal()">Hello <b>bold</b> <i>it</i> <u>u</u></p><script>alert(1)</script><style>p{}</style>' +
        '<ul><li>one</li></ul><blockquote>quoted</blockquote><a href="javascript:alert(1)">bad</a> <a href="https://example.org/x">link</a>' +
        '<img src="https://tracker.example/pixel.png"><iframe src="https://evil.example"></iframe>',
    });
    const mail = received.parsed;
    expect(mail.from?.value).toEqual([{ name: 'Ålias Persona', address: 'alias@outbound.test' }]);
    expect(mail.replyTo?.value).toEqual([{ name: '', address: 'alias-replies@outbound.test' }]);
    expect(received.envelope.from).toBe('alias@outbound.test');
    expect(mail.headers.get('content-type')).toMatchObject({ value: 'multipart/alternative' });
    expect(mail.html).toContain('<b>bold</b>');
    expect(mail.html).toContain('<a href="https://example.org/x">link</a>');
    for (const gone of ['script', 'style', 'onclick', 'javascript:', 'tracker.example', 'iframe', 'alert']) expect(mail.html).not.toContain(gone);
    expect(mail.text).toContain('Hello bold it u');
    expect(mail.text).toContain('link [https://example.org/x]');
    expect(mail.text).toMatch(/\* one/);
    expect(mail.text).toContain('> quoted');
    // Bcc only in the envelope.
    expect(mail.headers.has('bcc')).toBe(false);
    expect(received.raw.toString('latin1')).not.toContain('hidden@example.org');
    expect(received.envelope.to).toEqual(['ann@example.org', 'hidden@example.org']);
  });

  it("keeps the given plain text beside the HTML, and an explicit Reply-To wins over the account's", async () => {
    const t = testCore(server);
    const saved = await value(t.api.accounts.save(account({ replyTo: 'account-replies@outbound.test' })));
    const mail = (
      await sendAndReceive(t, {
        accountId: saved.id,
        to: ['ann@example.org'],
        subject: 'Both',
        text: 'My own plain text',
        html: '<p>Rich</p>',
        replyTo: 'Desk <desk@outbound.test>',
      })
    ).parsed;
    expect(mail.text?.trim()).toBe('My own plain text');
    expect(mail.html).toContain('<p>Rich</p>');
    expect(mail.replyTo?.value).toEqual([{ name: 'Desk', address: 'desk@outbound.test' }]);
    expect(mail.from?.value).toEqual([{ name: 'Me Myself', address: 'me@outbound.test' }]);
  });

  it('attaches files byte for byte (binary, non-ASCII names RFC 2231-encoded) and inline images by cid', async () => {
    const t = testCore(server);
    const saved = await value(t.api.accounts.save(account()));
    const dir = tempHome();
    const binary = randomBytes(300_000);
    const png = randomBytes(2048);
    const picked = await t.core.compose.gate.approve([file(dir, 'data.bin', binary), file(dir, 'Übersicht – März 2026 😀.txt', 'Grüße\n')]);
    const staged = await value(t.api.attachments.stage('pasted.png', png.toString('base64')));
    const received = await sendAndReceive(t, {
      accountId: saved.id,
      to: ['ann@example.org'],
      subject: 'Files — Grüße',
      html: '<p>See <img src="cid:pasted-1" alt="pic"></p>',
      attachments: picked.map(({ path }) => ({ path })),
      inline: [{ cid: 'pasted-1', path: staged.path }],
    });
    const mail = received.parsed;
    expect(mail.subject).toBe('Files — Grüße');
    // Headers stay 7-bit: the subject and the file name are encoded.
    const head = received.raw.toString('latin1').split('\r\n\r\n', 1)[0]!;
    expect(head).toMatch(/^[\x20-\x7e\r\n\t]*$/);
    expect(received.raw.toString('latin1')).toMatch(/filename\*0?\*=utf-8''/i);
    const byName = new Map(mail.attachments.map((a) => [a.filename, a]));
    expect(byName.get('data.bin')!.content.equals(binary)).toBe(true);
    expect(byName.get('Übersicht – März 2026 😀.txt')!.content.toString()).toBe('Grüße\n');
    const inline = mail.attachments.find((a) => a.cid === 'pasted-1')!;
    expect(inline.content.equals(png)).toBe(true);
    expect(inline.contentDisposition).toBe('inline');
    // mailparser inlines cid images as data: URLs; the HTML part as sent references the cid.
    expect(received.raw.toString('latin1')).toMatch(/src=(3D)?"cid:pasted-1"/);
  });

  it('sends IDN domains as punycode in the envelope, and encodes non-ASCII names in headers', async () => {
    const t = testCore(server);
    const saved = await value(t.api.accounts.save(account({ displayName: 'Jörg Ümlaut' })));
    const received = await sendAndReceive(t, { accountId: saved.id, to: ['Zoë <zoe@bücher.example>'], subject: 'IDN', text: 'x' });
    // smtp-server turns punycode back into Unicode for its envelope: the wire is in the transcript.
    const { transcript } = t.core.db.prepare('SELECT transcript FROM attempts').get() as { transcript: string };
    expect(transcript).toContain('C: RCPT TO:<zoe@xn--bcher-kva.example>');
    expect(transcript).not.toMatch(/C: MAIL FROM:.*SMTPUTF8/);
    expect(received.envelope.to).toEqual(['zoe@bücher.example']);
    expect(received.raw.toString('latin1')).toMatch(/^To: =\?UTF-8\?Q\?Zo=C3=AB\?= <zoe@xn--bcher-kva\.example>$/m);
    expect(received.parsed.from?.value[0]?.name).toBe('Jörg Ümlaut');
    expect(received.raw.toString('latin1').split('\r\n\r\n', 1)[0]).toMatch(/^[\x20-\x7e\r\n\t]*$/);
  });

  it('reports progress for a large message: bytes of the frozen file so far, ending at its size', async () => {
    const t = testCore(server);
    const saved = await value(t.api.accounts.save(account()));
    const [big] = await t.core.compose.gate.approve([file(tempHome(), 'big.bin', randomBytes(3_000_000))]);
    const progress: SendProgress[] = [];
    t.core.events.on('sendProgress', (p) => progress.push(p));
    const queued = await value(
      t.api.outbox.send({ accountId: saved.id, to: ['ann@example.org'], subject: 'Big', attachments: [{ path: big!.path }], delaySeconds: 0 }),
    );
    expect((await t.core.sender.sendNow(queued.id)).state).toBe('sent');
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.every((p) => p.id === queued.id && p.total === queued.size)).toBe(true);
    expect(progress.at(-1)!.sent).toBe(queued.size);
    expect(progress.map((p) => p.sent)).toEqual([...progress.map((p) => p.sent)].sort((a, b) => a - b));
  });
});

const nothingWritten = (t: ReturnType<typeof testCore>) => {
  expect(readdirSync(messagesDir(t.core.home))).toEqual([]);
  expect(t.core.outbox.list('outbox')).toEqual([]);
};

describe('what is refused before anything is written', () => {
  it('a path the user did not pick: /etc/shadow, a sibling of a picked file, a directory, a symlink trick', async () => {
    const t = testCore(server);
    const saved = await value(t.api.accounts.save(account()));
    const dir = tempHome();
    await t.core.compose.gate.approve([file(dir, 'ok.txt', 'fine')]);
    file(dir, 'secret.txt', 'not chosen');
    symlinkSync('/etc/passwd', join(dir, 'link.txt'));
    for (const path of ['/etc/shadow', '/etc/passwd', join(dir, 'secret.txt'), join(dir, 'sub', '..', 'secret.txt'), join(dir, 'link.txt'), dir]) {
      for (const field of ['attachments', 'inline'] as const) {
        const entry = field === 'inline' ? { cid: 'x', path } : { path };
        const result = await t.api.outbox.send({ accountId: saved.id, to: ['ann@example.org'], subject: 'x', [field]: [entry] });
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.error).toMatchObject({ code: 'invalid_input', field });
      }
    }
    const draft = await t.api.drafts.save({ accountId: saved.id, attachments: [{ path: '/etc/passwd' }] });
    expect(draft.ok).toBe(false);
    nothingWritten(t);
  });

  it("a message larger than the server's SIZE, naming the size and the limit", async () => {
    const t = testCore(server);
    const saved = await value(t.api.accounts.save(account()));
    t.core.compose.limits.record(saved.id, { size: 1_000_000, smtpUtf8: true });
    expect(await value(t.api.compose.sizeLimit(saved.id))).toEqual({ bytes: 1_000_000, source: 'server', attachmentBytes: 727_776, deliveryReports: null });
    const [big] = await t.core.compose.gate.approve([file(tempHome(), 'big.bin', randomBytes(900_000))]);
    const result = await t.api.outbox.send({ accountId: saved.id, to: ['ann@example.org'], subject: 'x', attachments: [{ path: big!.path }] });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'attachments' } });
    if (!result.ok) expect(result.error.message).toMatch(/about 1\.2 MB once encoded, over the 1 MB that 127\.0\.0\.1 accepts/);
    nothingWritten(t);
  });

  it("the 25 MB default when the server's SIZE is unknown", async () => {
    const t = testCore(server);
    const saved = await value(t.api.accounts.save(account()));
    expect(await value(t.api.compose.sizeLimit(saved.id))).toEqual({
      bytes: 25 * 1024 * 1024,
      source: 'default',
      attachmentBytes: 25 * 1024 * 1024,
      deliveryReports: null,
    });
    const [big] = await t.core.compose.gate.approve([file(tempHome(), 'big.bin', Buffer.alloc(25 * 1024 * 1024 + 1))]);
    const result = await t.api.outbox.send({ accountId: saved.id, to: ['ann@example.org'], subject: 'x', attachments: [{ path: big!.path }] });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'attachments' } });
    if (!result.ok) expect(result.error.message).toBe('The attachments are 1 byte over the 25 MB limit: remove some or share large files as links.');
    nothingWritten(t);
  });

  it('a non-ASCII local part when the server does not offer SMTPUTF8', async () => {
    const t = testCore(server);
    const saved = await value(t.api.accounts.save(account()));
    t.core.compose.limits.record(saved.id, { size: null, smtpUtf8: false });
    const result = await t.api.outbox.send({ accountId: saved.id, to: ['jörg@example.org'], subject: 'x', text: 'x' });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'to' } });
    if (!result.ok) expect(result.error.message).toContain('"jörg@example.org" has non-ASCII characters before the @, which needs a server offering SMTPUTF8');
    nothingWritten(t);
  });

  it('an identity of another account', async () => {
    const t = testCore(server);
    const saved = await value(t.api.accounts.save(account()));
    const result = await t.api.outbox.send({ accountId: saved.id, identityId: 999, to: ['ann@example.org'], subject: 'x' });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'identityId' } });
    nothingWritten(t);
  });
});

describe('an attachment whose file is removed', () => {
  it('before Send: refused naming the file, the draft kept as it was, nothing written', async () => {
    const t = testCore(server);
    const saved = await value(t.api.accounts.save(account()));
    const [picked] = await t.core.compose.gate.approve([file(tempHome(), 'report.pdf', 'the report')]);
    const staged = await value(t.api.attachments.stage('notes.txt', Buffer.from('notes').toString('base64')));
    const fields = {
      accountId: saved.id,
      to: ['ann@example.org'],
      subject: 'With files',
      text: 'See attached.',
      attachments: [{ path: picked!.path }, { path: staged.path }],
    };
    const draft = await value(t.api.drafts.save(fields));
    rmSync(picked!.path);
    expect(await t.api.outbox.send({ ...fields, draftId: draft.id })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', field: 'attachments', message: 'The attachment "report.pdf" is no longer there: attach it again.' },
    });
    expect(await value(t.api.drafts.list())).toEqual([draft]);
    nothingWritten(t);
  });

  it('after Send: the message goes with it all the same, frozen when it was queued', async () => {
    const t = testCore(server);
    const saved = await value(t.api.accounts.save(account()));
    const staged = await value(t.api.attachments.stage('notes.txt', Buffer.from('the notes').toString('base64')));
    const queued = await value(
      t.api.outbox.send({ accountId: saved.id, to: ['ann@example.org'], subject: 'Frozen', text: 'x', attachments: [{ path: staged.path }], delaySeconds: 30 }),
    );
    rmSync(staged.path);
    const before = server.messages.length;
    expect((await t.core.sender.sendNow(queued.id)).state).toBe('sent');
    const [received] = (await server.waitForMessages(before + 1)).slice(before);
    expect(received!.parsed.attachments.map((a) => [a.filename, a.content.toString()])).toEqual([['notes.txt', 'the notes']]);
  });
});

describe('header injection through the new fields', () => {
  it('refuses line breaks in Reply-To; strips them from attachment names; control characters never reach the headers', async () => {
    const t = testCore(server);
    const saved = await value(t.api.accounts.save(account()));
    const refused = await t.api.outbox.send({ accountId: saved.id, to: ['ann@example.org'], replyTo: 'a@b.org\r\nBcc: evil@example.org' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'replyTo' } });
    const withBreak = await t.api.attachments.stage('evil\r\nX-Injected: yes.txt', Buffer.from('data').toString('base64'));
    expect(withBreak).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const staged = await value(t.api.attachments.stage('../../evil\x07\u202eX-Injected: yes.txt', Buffer.from('data').toString('base64')));
    expect(staged.name).toBe('evilX-Injected: yes.txt');
    expect(staged.path.startsWith(join(t.core.home, 'staging'))).toBe(true);
    const received = await sendAndReceive(t, { accountId: saved.id, to: ['ann@example.org'], subject: 'x', text: 'x', attachments: [{ path: staged.path }] });
    expect(received.parsed.headers.has('x-injected')).toBe(false);
    expect(received.parsed.attachments[0]!.filename).toBe('evilX-Injected: yes.txt');
    expect(received.raw.toString('latin1')).not.toMatch(/^X-Injected/m);
  });
});
