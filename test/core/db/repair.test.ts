/**
 * A damaged or lost database is repaired, not replaced (issue 17 §4): the damaged file moved aside
 * untouched, what SQLite can still read kept, and every frozen message it no longer knows brought
 * back from its envelope file as uncertain, Bcc included. Real files: a header overwritten, a page of
 * the messages table overwritten, the database deleted.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { MessageView } from '../../../preload/common/contract/index.ts';
import { checkDatabase } from '../../../main/core/db/repair.ts';
import { openCore, type Core } from '../../../main/core/index.ts';
import { databaseFile, messagesDir } from '../../../main/core/paths.ts';
import { repairDatabase } from '../../../main/core/repair.ts';
import { inProcessApi } from '../../../main/hosts/in-process.ts';
import { tempHome, value, withTestDns } from '../../helpers/core.ts';

const open = (home: string, checkDatabase = false): Core => {
  const core = openCore({ ...withTestDns({}), home, autoSend: false, checkDatabase });
  onTestFinished(() => core.close());
  return core;
};

/** A data directory with `count` queued messages from "work", each to ann, cc bob, bcc carol; the core closed again. */
async function homeWithMessages(count: number): Promise<string> {
  const home = tempHome();
  const core = openCore({ ...withTestDns({}), home, autoSend: false });
  const api = inProcessApi(core);
  const { id: accountId } = await value(api.accounts.save({ name: 'work', email: 'me@outbound.test', host: '127.0.0.1', port: 1, security: 'none' }));
  for (let n = 1; n <= count; n++)
    await value(
      api.outbox.send({ accountId, to: ['ann@example.org'], cc: ['bob@example.org'], bcc: ['carol@example.net'], subject: `Message ${n}`, text: 'Hello.' }),
    );
  core.db.pragma('wal_checkpoint(TRUNCATE)');
  await core.close();
  return home;
}

const overwrite = (file: string, at: number, bytes: Buffer) => {
  const fd = openSync(file, 'r+');
  writeSync(fd, bytes, 0, bytes.length, at);
  closeSync(fd);
};
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const summary = (m: MessageView) => ({ subject: m.subject, state: m.state, recipients: m.recipients.map((r) => `${r.kind}:${r.address}`) });
const everyRecipient = ['to:ann@example.org', 'cc:bob@example.org', 'bcc:carol@example.net'];

describe('every frozen message has its envelope beside it', () => {
  it('written with the message, gone with it when it is taken back', async () => {
    const home = await homeWithMessages(1);
    const files = () =>
      readdirSync(messagesDir(home))
        .map((f) => f.replace(/^[0-9a-f-]{36}/, 'ID'))
        .sort();
    expect(files()).toEqual(['ID.eml', 'ID.envelope.json']);
    const api = inProcessApi(open(home));
    const [message] = await value(api.outbox.list());
    await value(api.outbox.takeBack(message!.id));
    expect(files()).toEqual([]);
  });
});

describe('repair', () => {
  it('a sound database: nothing is changed', async () => {
    const home = await homeWithMessages(1);
    const before = sha256(databaseFile(home));
    expect(await repairDatabase(home)).toMatchObject({ sound: true });
    expect(sha256(databaseFile(home))).toBe(before);
  });

  it('its header overwritten: the app refuses it with the way out; repair brings every message back as uncertain, Bcc included', async () => {
    const home = await homeWithMessages(3);
    overwrite(databaseFile(home), 0, Buffer.alloc(100, 0x55));
    const damaged = sha256(databaseFile(home));
    expect(() => open(home, true)).toThrow(/is damaged and cannot be read\. .*Run `outbound repair`/);

    const report = await repairDatabase(home, new Date(Date.UTC(2026, 11, 1, 12, 0, 0)));
    expect(report.damagedCopy).toBe(`${databaseFile(home)}.damaged-2026-12-01T12-00-00-000Z`);
    expect(sha256(report.damagedCopy!)).toBe(damaged); // untouched
    expect(report.broughtBack).toEqual({ count: 3, unreadable: [] });

    const messages = await value(inProcessApi(open(home, true)).outbox.list());
    expect(messages.map(summary).sort((a, b) => a.subject.localeCompare(b.subject))).toEqual(
      [1, 2, 3].map((n) => ({ subject: `Message ${n}`, state: 'uncertain', recipients: everyRecipient })),
    );
    expect(messages[0]!.lastError).toMatch(/^Brought back from its file when the database was repaired: whether it was sent is not known\./);
  });

  it('a page of the messages table overwritten: the readable rows are kept as they were, the rest come back from their files', async () => {
    const home = await homeWithMessages(60);
    const file = databaseFile(home);
    const db = new Database(file, { readonly: true });
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    const leaves = db.prepare(`SELECT pageno FROM dbstat WHERE name = 'messages' AND pagetype = 'leaf' ORDER BY pageno`).pluck().all() as number[];
    db.close();
    expect(leaves.length).toBeGreaterThan(2);
    const hit = leaves[1]!;
    overwrite(file, (hit - 1) * pageSize, Buffer.alloc(pageSize, 0xa5));
    expect(checkDatabase(file)).not.toBe('ok');

    const report = await repairDatabase(home);
    expect(report.tables.find((t) => t.table === 'accounts')).toEqual({ table: 'accounts', kept: 1, lossy: false });
    const kept = report.tables.find((t) => t.table === 'messages')!;
    expect(kept.lossy).toBe(true);
    expect(kept.kept).toBeGreaterThan(0);
    expect(kept.kept + report.broughtBack.count).toBe(60);

    const core = open(home, true);
    const messages = await value(inProcessApi(core).outbox.list());
    expect(messages).toHaveLength(60);
    expect(new Set(messages.map((m) => m.subject)).size).toBe(60);
    for (const m of messages) expect(m.recipients.map((r) => `${r.kind}:${r.address}`)).toEqual(everyRecipient);
    // What the database still knew keeps its state and its account; only the lost ones are uncertain.
    expect(messages.filter((m) => m.state === 'queued')).toHaveLength(kept.kept);
    expect(messages.filter((m) => m.state === 'uncertain')).toHaveLength(report.broughtBack.count);
    expect(new Set(messages.map((m) => m.accountName))).toEqual(new Set(['work']));
    // Those brought back found their account again by its address.
    const [account] = await value(inProcessApi(core).accounts.list());
    expect(new Set(messages.map((m) => m.accountId))).toEqual(new Set([account!.id]));
    // The search index is made again from the rows, kept and brought back alike.
    expect((await value(inProcessApi(core).outbox.page({ search: 'carol message' }))).counts?.total).toBe(60);
  });

  it('the database lost: a new one is made, and the messages come back from their files at once, none deleted as orphans', async () => {
    const home = await homeWithMessages(2);
    for (const suffix of ['', '-wal', '-shm']) rmSync(databaseFile(home) + suffix, { force: true });
    const messages = await value(inProcessApi(open(home)).outbox.list());
    expect(messages.map((m) => [m.state, m.accountId, m.accountName])).toEqual([
      ['uncertain', null, 'work'],
      ['uncertain', null, 'work'],
    ]);
    expect(readdirSync(messagesDir(home)).filter((f) => f.endsWith('.eml'))).toHaveLength(2);
    expect(existsSync(databaseFile(home))).toBe(true);
  });

  it('envelope files that cannot be read are named and their messages left where they are; the others come back as their envelopes say', async () => {
    const home = await homeWithMessages(3);
    const before = await (async () => {
      const core = open(home);
      const views = await value(inProcessApi(core).outbox.list());
      await core.close();
      return views.sort((a, b) => a.subject.localeCompare(b.subject));
    })();
    const dir = messagesDir(home);
    const envelopes = readdirSync(dir)
      .filter((f) => f.endsWith('.envelope.json'))
      .sort();
    const envelopeOf = (subject: string) => envelopes.find((f) => (JSON.parse(readFileSync(join(dir, f), 'utf8')) as { subject: string }).subject === subject)!;
    const [notJson, notAnEnvelope, sound] = [envelopeOf('Message 1'), envelopeOf('Message 2'), envelopeOf('Message 3')];
    writeFileSync(join(dir, notJson), '{"messageId": "<cut off');
    writeFileSync(join(dir, notAnEnvelope), JSON.stringify({ messageId: '' }));
    writeFileSync(join(dir, 'no-message.envelope.json'), readFileSync(join(dir, sound))); // its message file is gone
    for (const suffix of ['', '-wal', '-shm']) rmSync(databaseFile(home) + suffix, { force: true });

    const core = open(home);
    const [back, ...more] = await value(inProcessApi(core).outbox.list());
    expect(more).toEqual([]);
    const was = before[2]!;
    expect(back).toMatchObject({
      subject: 'Message 3',
      state: 'uncertain',
      messageId: was.messageId,
      from: was.from,
      size: was.size,
      createdAt: was.createdAt,
      accountName: 'work',
      recipients: was.recipients.map(({ address, kind }) => ({ address, kind, state: 'pending', reply: null })),
    });
    // Read again, the directory brings nothing back twice, and names the same two files.
    expect(core.outbox.bringBack()).toEqual({
      count: 0,
      unreadable: [notJson, notAnEnvelope].sort().map((name) => expect.stringMatching(new RegExp(`^${name}: .+`))),
    });
    for (const name of [notJson, notAnEnvelope]) expect(existsSync(join(dir, name.replace(/\.envelope\.json$/, '.eml')))).toBe(true);
  });
});
