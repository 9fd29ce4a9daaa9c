/**
 * What the user takes out of a sent message (issue 14 §2): its .eml (the frozen bytes exactly), an
 * attachment (the bytes attached, under a name that cannot leave the folder it is saved in), and
 * Edit as new (a new draft with everything, sent again to a real SMTP server).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountInput } from '../../../preload/common/contract/index.ts';
import { accountFor, tempHome, testCore, value, type TestCore } from '../../helpers/core.ts';
import { rawWithAttachments } from '../../helpers/mime.ts';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.ts';

let server: TestSmtpServer;
beforeAll(async () => {
  server = await startSmtpServer();
});
afterAll(() => server?.close());

const account = (extra: Partial<AccountInput> = {}): AccountInput => accountFor(server, { username: '', passwordCommand: '', ...extra });
const binary = randomBytes(70_000);
const png = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da6364f8ffbf1e0005fe02fea7d6a4a10000000049454e44ae426082',
  'hex',
);

/** A rich message from an identity, with To, Cc, Bcc, an explicit Reply-To, two attachments and an inline image, sent. */
async function sentMessage(t: TestCore) {
  const saved = await value(
    t.api.accounts.save(account({ identities: [{ email: 'alias@outbound.test', displayName: 'Ålias', replyTo: 'alias-replies@outbound.test' }] })),
  );
  const dir = tempHome();
  writeFileSync(join(dir, 'data.bin'), binary);
  writeFileSync(join(dir, 'Übersicht.txt'), 'Grüße\n');
  const picked = await t.core.compose.gate.approve([join(dir, 'data.bin'), join(dir, 'Übersicht.txt')]);
  const image = await value(t.api.attachments.stage('pasted.png', png.toString('base64')));
  const queued = await value(
    t.api.outbox.send({
      accountId: saved.id,
      identityId: saved.identities[0]!.id,
      to: ['Smith, Ann <ann@example.org>'],
      cc: ['bob@example.net'],
      bcc: ['hidden@example.org'],
      replyTo: 'answers@outbound.test',
      subject: 'Q1/Q2 report',
      html: '<p>Hello <b>there</b></p><p><img src="cid:pic-1@outbound" alt="pic"></p>',
      attachments: picked.map(({ path }) => ({ path })),
      inline: [{ cid: 'pic-1@outbound', path: image.path }],
      delaySeconds: 0,
    }),
  );
  const before = server.messages.length;
  expect((await t.core.sender.sendNow(queued.id)).state).toBe('sent');
  const [received] = (await server.waitForMessages(before + 1)).slice(before);
  return { id: queued.id, account: saved, received: received!, frozen: readFileSync(t.core.outbox.fileOf(t.core.outbox.row(queued.id))) };
}

describe('taking a sent message out', () => {
  it('exports the frozen bytes exactly, with no Bcc, named after the subject (its slash not a folder)', async () => {
    const t = testCore(server);
    const { id, frozen, received } = await sentMessage(t);
    const eml = await value(t.api.sent.eml(id));
    expect(eml).toMatchObject({ name: 'Q1-Q2 report.eml', contentType: 'message/rfc822' });
    const bytes = Buffer.from(eml.base64, 'base64');
    expect(bytes.equals(frozen)).toBe(true);
    expect(bytes.equals(received.raw)).toBe(true);
    expect(bytes.toString('latin1')).not.toContain('hidden@example.org');
  });

  it('gives each attachment its bytes as attached, in the order content lists them; a number past the last is refused', async () => {
    const t = testCore(server);
    const { id } = await sentMessage(t);
    const content = await value(t.api.sent.content(id));
    const copies = await Promise.all(content.attachments.map((_, i) => value(t.api.sent.attachment(id, i))));
    expect(copies.map((c) => c.name)).toEqual(content.attachments.map((a) => a.filename));
    const byName = new Map(copies.map((c) => [c.name, Buffer.from(c.base64, 'base64')]));
    expect(byName.get('data.bin')?.equals(binary)).toBe(true);
    expect(byName.get('Übersicht.txt')?.toString('utf8')).toBe('Grüße\n');
    expect(byName.get('pasted.png')?.equals(png)).toBe(true);
    expect(await t.api.sent.attachment(id, 3)).toEqual({
      ok: false,
      error: { code: 'not_found', message: 'That message has 3 attachments, so there is no attachment number 4.' },
    });
    expect(await t.api.sent.attachment(id, -1)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it('names a hostile attachment so that it stays in the folder it is saved in: no directories, control or bidi characters', async () => {
    const t = testCore(server);
    await value(t.api.accounts.save(account()));
    const raw = rawWithAttachments('../../.bashrc', 'hi', [
      { filename: '../../../.ssh/authorized_keys\u202etxt.sh', content: 'ssh-ed25519 AAAA evil' },
      { filename: '..\\\\..\\\\win.ini', content: 'x' },
    ]);
    const queued = await value(
      t.api.outbox.submitRaw({ raw: Buffer.from(raw).toString('base64'), recipients: [], readRecipients: true, readEnvelopeFrom: true }),
    );
    const names = await Promise.all([0, 1].map(async (i) => (await value(t.api.sent.attachment(queued.id, i))).name));
    expect(names).toEqual(['authorized_keystxt.sh', 'win.ini']);
    expect((await value(t.api.sent.eml(queued.id))).name).toBe('-..-.bashrc.eml');
  });

  it('edits as new: a saved draft with From, To, Cc, Bcc, Reply-To, subject, HTML and every file staged anew; the message untouched; sent, the files arrive alike', async () => {
    const t = testCore(server);
    const { id, account: saved, frozen } = await sentMessage(t);
    const before = await value(t.api.outbox.get(id));
    const draft = await value(t.api.sent.editAsNew(id));
    expect(draft).toMatchObject({
      accountId: saved.id,
      identityId: saved.identities[0]!.id,
      to: ['"Smith, Ann" <ann@example.org>'],
      cc: ['bob@example.net'],
      bcc: ['hidden@example.org'],
      replyTo: 'answers@outbound.test',
      subject: 'Q1/Q2 report',
    });
    expect(draft.html).toContain('<b>there</b>');
    expect(draft.html).toContain('src="cid:pic-1@outbound"');
    expect(draft.text).toContain('Hello there');
    expect(draft.attachments.map((a) => [a.name, a.size])).toEqual([
      ['data.bin', binary.length],
      ['Übersicht.txt', Buffer.byteLength('Grüße\n')],
    ]);
    expect(draft.inline).toMatchObject([{ cid: 'pic-1@outbound', name: 'pasted.png', size: png.length }]);
    expect(readFileSync(draft.attachments[0]!.path).equals(binary)).toBe(true);
    expect((await value(t.api.drafts.list())).map((d) => d.id)).toEqual([draft.id]);
    expect(await value(t.api.outbox.get(id))).toEqual(before);
    expect(readFileSync(t.core.outbox.fileOf(t.core.outbox.row(id))).equals(frozen)).toBe(true);

    // As the composer sends it: the draft's fields, and the draft it was written in.
    const again = await value(
      t.api.outbox.send({
        ...draft,
        html: draft.html ?? '',
        identityId: draft.identityId!,
        replyTo: draft.replyTo!,
        draftId: draft.id,
        delaySeconds: 0,
      }),
    );
    const count = server.messages.length;
    expect((await t.core.sender.sendNow(again.id)).state).toBe('sent');
    const [received] = (await server.waitForMessages(count + 1)).slice(count);
    const mail = await simpleParser(received!.raw);
    expect(mail.from?.value).toEqual([{ name: 'Ålias', address: 'alias@outbound.test' }]);
    expect(mail.replyTo?.value).toEqual([{ name: '', address: 'answers@outbound.test' }]);
    expect(received!.envelope.to).toEqual(['ann@example.org', 'bob@example.net', 'hidden@example.org']);
    expect(mail.attachments.find((a) => a.filename === 'data.bin')?.content.equals(binary)).toBe(true);
    expect(mail.attachments.find((a) => a.cid === 'pic-1@outbound')?.content.equals(png)).toBe(true);
  });

  it('edits a cancelled message as new too, and keeps the identity’s own Reply-To implicit', async () => {
    const t = testCore(server);
    const saved = await value(t.api.accounts.save(account({ replyTo: 'replies@outbound.test' })));
    const queued = await value(t.api.outbox.send({ accountId: saved.id, to: ['ann@example.org'], subject: 'Plain', text: 'Just text.\n', delaySeconds: 30 }));
    await value(t.api.outbox.cancel(queued.id));
    const draft = await value(t.api.sent.editAsNew(queued.id));
    expect(draft).toMatchObject({ accountId: saved.id, identityId: null, to: ['ann@example.org'], html: null, replyTo: null, attachments: [] });
    expect(draft.text).toBe('Just text.\n');
  });
});
