import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate, openDatabase } from '../../../main/core/db/index.ts';
import { migrations } from '../../../main/core/db/migrations.ts';
import { UNSENT } from '../../../main/core/outbox/store/index.ts';
import { openCore } from '../../../main/core/index.ts';
import { inProcessApi } from '../../../main/hosts/in-process.ts';
import { tempHome, value } from '../../helpers/core.ts';

const tables = (db: Database.Database) =>
  (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[]).map((t) => t.name);

/** A database migrated up to `version`, holding the named accounts: what the next migration must carry over. */
function databaseAt(version: number, accounts: { name: string; secretSource?: string }[] = []): Database.Database {
  const db = new Database(join(tempHome(), 'db.sqlite'));
  migrate(db, migrations.slice(0, version));
  const insert = db.prepare(`INSERT INTO accounts (name, email, host, port, security, secret_source, secret_ref, created_at, updated_at)
    VALUES (?, 'a@b.c', 'h', 587, 'tls', ?, ?, 0, 0)`);
  accounts.forEach((a, i) => insert.run(a.name, a.secretSource ?? 'none', `r${i + 1}`));
  return db;
}

describe('database', () => {
  it('opens durably: WAL, synchronous=FULL, foreign keys on', () => {
    const db = openDatabase(join(tempHome(), 'db.sqlite'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
  });

  it('migration 1 creates the accounts, messages, recipients and attempts tables', () => {
    const db = new Database(join(tempHome(), 'db.sqlite'));
    migrate(db, migrations.slice(0, 1));
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(tables(db)).toEqual(['accounts', 'attempts', 'messages', 'recipients']);
    // The schema enforces what the code assumes.
    expect(() =>
      db
        .prepare(
          `INSERT INTO accounts (name, email, host, port, security, secret_source, secret_ref, created_at, updated_at)
      VALUES ('a', 'a@b.c', 'h', 70000, 'tls', 'none', 'r', 0, 0)`,
        )
        .run(),
    ).toThrow(/CHECK constraint/);
    db.close();
  });

  it('migration 2 adds holds, drafts, account limits and pause, network waits, settings — keeping existing rows', () => {
    const db = databaseAt(1, [{ name: 'a' }]);
    migrate(db, migrations.slice(0, 2));
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    expect(db.prepare('SELECT paused_reason, max_per_minute, max_connections, retry_days FROM accounts').get()).toEqual({
      paused_reason: null,
      max_per_minute: 30,
      max_connections: 2,
      retry_days: 5,
    });
    const columns = (table: string) => (db.prepare(`SELECT name FROM pragma_table_info('${table}')`).all() as { name: string }[]).map((c) => c.name);
    expect(columns('messages')).toEqual(expect.arrayContaining(['hold', 'draft', 'waiting_for_network']));
    expect(columns('accounts')).toEqual(expect.arrayContaining(['rate_window_start', 'rate_window_count']));
    expect(tables(db)).toContain('settings');
    expect(() => db.prepare(`UPDATE accounts SET max_connections = 0`).run()).toThrow(/CHECK constraint/);
    db.close();
  });

  it('migration 3 adds pinning, the default account, Reply-To, signatures and identities — the oldest account becomes the default', () => {
    const db = databaseAt(2, [{ name: 'first' }, { name: 'second' }]);
    migrate(db, migrations.slice(0, 3));
    expect(db.pragma('user_version', { simple: true })).toBe(3);
    expect(db.prepare('SELECT name, is_default, tls_fingerprint, signature FROM accounts ORDER BY id').all()).toEqual([
      { name: 'first', is_default: 1, tls_fingerprint: null, signature: '' },
      { name: 'second', is_default: 0, tls_fingerprint: null, signature: '' },
    ]);
    expect(() => db.prepare('UPDATE accounts SET is_default = 1').run()).toThrow(/UNIQUE constraint/);
    db.prepare(`INSERT INTO identities (account_id, email, display_name) VALUES (1, 'alias@b.c', 'Alias')`).run();
    expect(() => db.prepare(`INSERT INTO identities (account_id, email) VALUES (1, 'alias@b.c')`).run()).toThrow(/UNIQUE constraint/);
    db.pragma('foreign_keys = ON');
    db.prepare('DELETE FROM accounts WHERE id = 1').run();
    expect(db.prepare('SELECT count(*) AS n FROM identities').get()).toEqual({ n: 0 });
    db.close();
  });

  it('migration 4 adds OAuth2 sign-in (method, provider, client ID): existing accounts keep signing in with a password', () => {
    const db = databaseAt(3, [{ name: 'old', secretSource: 'keychain' }]);
    migrate(db, migrations.slice(0, 4));
    expect(db.pragma('user_version', { simple: true })).toBe(4);
    expect(db.prepare('SELECT auth_method, oauth_provider, oauth_client_id FROM accounts').get()).toEqual({
      auth_method: 'password',
      oauth_provider: null,
      oauth_client_id: null,
    });
    db.prepare(`UPDATE accounts SET auth_method = 'oauth2', oauth_provider = 'microsoft', oauth_client_id = 'client-1'`).run();
    expect(() => db.prepare(`UPDATE accounts SET auth_method = 'kerberos'`).run()).toThrow(/CHECK constraint/);
    expect(() => db.prepare(`UPDATE accounts SET oauth_provider = 'yahoo'`).run()).toThrow(/CHECK constraint/);
    db.close();
  });

  it("migration 5 adds drafts and the servers' announced limits (removed with their account)", () => {
    const db = databaseAt(4, [{ name: 'a' }]);
    migrate(db, migrations.slice(0, 5));
    expect(db.pragma('user_version', { simple: true })).toBe(5);
    expect(tables(db)).toEqual(expect.arrayContaining(['drafts', 'server_capabilities']));
    db.prepare(`INSERT INTO drafts (content, created_at, updated_at) VALUES ('{}', 0, 0)`).run();
    db.prepare('INSERT INTO server_capabilities (account_id, size, smtp_utf8, seen_at) VALUES (1, 1000, 1, 0)').run();
    expect(() => db.prepare('UPDATE server_capabilities SET smtp_utf8 = 2').run()).toThrow(/CHECK constraint/);
    db.pragma('foreign_keys = ON');
    db.prepare('DELETE FROM accounts').run();
    expect(db.prepare('SELECT (SELECT count(*) FROM drafts) AS drafts, (SELECT count(*) FROM server_capabilities) AS limits').get()).toEqual({
      drafts: 1,
      limits: 0,
    });
    db.close();
  });

  it("migration 6 moves each queued message's draft beside it, keeping it for take-back", () => {
    const db = databaseAt(5, [{ name: 'a' }]);
    const insert = db.prepare(`INSERT INTO messages (account_id, account_name, message_id, envelope_from, from_header, subject, raw_file, size, state,
      not_before, draft, created_at, updated_at) VALUES (1, 'a', ?, 'a@b.c', 'a@b.c', 's', ?, 1, 'queued', 0, ?, 0, 0)`);
    insert.run('<1@b.c>', '1.eml', '{"subject":"s","text":"body"}');
    insert.run('<2@b.c>', '2.eml', null);
    migrate(db, migrations.slice(0, 6));
    expect(db.pragma('user_version', { simple: true })).toBe(6);
    expect(db.prepare(`SELECT name FROM pragma_table_info('messages') WHERE name = 'draft'`).all()).toEqual([]);
    expect(db.prepare('SELECT message_id, content FROM message_drafts').all()).toEqual([{ message_id: 1, content: '{"subject":"s","text":"body"}' }]);
    db.pragma('foreign_keys = ON');
    db.prepare('DELETE FROM messages WHERE id = 1').run();
    expect(db.prepare('SELECT count(*) AS n FROM message_drafts').get()).toEqual({ n: 0 });
    db.close();
  });

  it("migration 7 replaces the state indexes with partial ones, which the outbox's queries use", () => {
    const db = databaseAt(6, [{ name: 'a' }]);
    migrate(db, migrations.slice(0, 7));
    expect(db.pragma('user_version', { simple: true })).toBe(7);
    const indexes = (
      db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'messages' AND sql IS NOT NULL ORDER BY name`).all() as { name: string }[]
    ).map((i) => i.name);
    expect(indexes).toEqual(['messages_queued', 'messages_sending', 'messages_unsent']);
    const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join(' | ');
    expect(plan(`SELECT count(*) FROM messages WHERE account_id = 1 AND ${UNSENT}`)).toContain('messages_unsent');
    expect(plan(`SELECT id FROM messages WHERE state = 'queued' ORDER BY not_before LIMIT 1`)).toContain('messages_queued');
    expect(plan(`SELECT count(*) FROM messages WHERE account_id = 1 AND state = 'sending'`)).toContain('messages_sending');
    db.close();
  });

  it('migration 8 records which messages `outbound sendmail` queued: none of those already there', () => {
    const db = databaseAt(7, [{ name: 'a' }]);
    db.prepare(
      `INSERT INTO messages (account_id, account_name, message_id, envelope_from, from_header, subject, raw_file, size, state,
      not_before, created_at, updated_at) VALUES (1, 'a', '<1@b.c>', 'a@b.c', 'a@b.c', 's', '1.eml', 1, 'queued', 0, 0, 0)`,
    ).run();
    migrate(db, migrations.slice(0, 8));
    expect(db.pragma('user_version', { simple: true })).toBe(8);
    expect(db.prepare('SELECT submitted_by FROM messages').all()).toEqual([{ submitted_by: null }]);
    expect(() => db.prepare(`UPDATE messages SET submitted_by = 'other'`).run()).toThrow(/CHECK constraint/);
    db.close();
  });

  it('migration 9 adds delivery report requests: none for the messages and accounts already there, DSN not yet known of their servers', () => {
    const db = databaseAt(8, [{ name: 'a' }]);
    db.prepare(
      `INSERT INTO messages (account_id, account_name, message_id, envelope_from, from_header, subject, raw_file, size, state,
      not_before, created_at, updated_at) VALUES (1, 'a', '<1@b.c>', 'a@b.c', 'a@b.c', 's', '1.eml', 1, 'sent', 0, 0, 0)`,
    ).run();
    db.prepare('INSERT INTO server_capabilities (account_id, size, smtp_utf8, seen_at) VALUES (1, 100, 1, 0)').run();
    migrate(db, migrations.slice(0, 9));
    expect(db.pragma('user_version', { simple: true })).toBe(9);
    expect(db.prepare('SELECT delivery_report, delivery_report_dropped FROM messages').all()).toEqual([{ delivery_report: null, delivery_report_dropped: 0 }]);
    expect(db.prepare('SELECT delivery_report FROM accounts').all()).toEqual([{ delivery_report: null }]);
    expect(db.prepare('SELECT dsn FROM server_capabilities').all()).toEqual([{ dsn: null }]);
    db.close();
  });

  it('migration 10 adds templates, each for any From or an account (and an identity of it), gone with the account', () => {
    const db = databaseAt(9, [{ name: 'a' }]);
    migrate(db, migrations.slice(0, 10));
    expect(db.pragma('user_version', { simple: true })).toBe(10);
    const insert = db.prepare('INSERT INTO templates (name, account_id, identity_id, subject, text, updated_at) VALUES (?, ?, ?, ?, ?, 0)');
    insert.run('any', null, null, 's', 't');
    insert.run('mine', 1, null, 's', 't');
    expect(() => insert.run('half', null, 1, 's', 't')).toThrow(/CHECK constraint/);
    db.pragma('foreign_keys = ON');
    db.prepare('DELETE FROM accounts').run();
    expect(db.prepare('SELECT name FROM templates').pluck().all()).toEqual(['any']);
    db.close();
  });

  it('migration 11 adds IMAP and the copy in Sent (auto for existing accounts); a message recorded sent gets its copy job only with IMAP', () => {
    const db = databaseAt(10, [{ name: 'plain' }, { name: 'imap' }, { name: 'never' }]);
    migrate(db, migrations.slice(0, 11));
    expect(db.prepare(`SELECT sent_copy, imap_host, server_files_sent FROM accounts WHERE name = 'plain'`).get()).toEqual({
      sent_copy: 'auto',
      imap_host: null,
      server_files_sent: null,
    });
    db.prepare(`UPDATE accounts SET imap_host = 'h', imap_port = 993, imap_security = 'tls' WHERE name != 'plain'`).run();
    db.prepare(`UPDATE accounts SET sent_copy = 'never' WHERE name = 'never'`).run();
    expect(() => db.prepare(`UPDATE accounts SET imap_security = 'none'`).run()).toThrow(/CHECK constraint/);
    const insert = db.prepare(`INSERT INTO messages (account_id, account_name, message_id, envelope_from, from_header, subject, raw_file, size, state,
      not_before, created_at, updated_at) VALUES (?, 'x', ?, 'a@b.c', 'a@b.c', 's', 'f', 1, 'sending', 0, 0, 0)`);
    for (const id of [1, 2, 3]) insert.run(id, `<${id}@x>`);
    db.prepare(`UPDATE messages SET state = 'sent', updated_at = 5`).run();
    db.prepare(`UPDATE messages SET subject = 'again', state = 'sent'`).run(); // no second job
    expect(db.prepare('SELECT message_id, state, not_before, reason FROM sent_copies ORDER BY message_id').all()).toEqual([
      { message_id: 2, state: 'pending', not_before: 5, reason: null },
      { message_id: 3, state: 'skipped', not_before: 5, reason: 'The account is set to keep no copy in Sent.' },
    ]);
    db.close();
  });

  it('migration 12 adds the test inbox (one, gone with its account) and what it received', () => {
    const db = databaseAt(11, [{ name: 'test inbox' }]);
    migrate(db, migrations.slice(0, 12));
    db.pragma('foreign_keys = ON');
    db.prepare('INSERT INTO test_inbox (id, account_id, port) VALUES (1, 1, 2525)').run();
    expect(db.prepare('SELECT fault FROM test_inbox').pluck().get()).toBe('none');
    expect(() => db.prepare('INSERT INTO test_inbox (id, account_id, port) VALUES (2, 1, 2526)').run()).toThrow(/CHECK constraint/);
    db.prepare('DELETE FROM accounts').run();
    expect(db.prepare('SELECT count(*) FROM test_inbox').pluck().get()).toBe(0);
    expect(tables(db)).toContain('test_inbox_messages');
    db.close();
  });

  it("migration 13 indexes the messages already there for search (subject, people, body text) and adds the pages' indexes", () => {
    const db = databaseAt(12, [{ name: 'a' }]);
    const insert = db.prepare(`INSERT INTO messages (id, account_id, account_name, message_id, envelope_from, from_header, subject, raw_file, size, state,
      not_before, created_at, updated_at, sent_at) VALUES (?, 1, 'a', ?, 'a@b.c', 'Ann <a@b.c>', ?, 'f', 1, ?, 0, 0, 0, ?)`);
    insert.run(1, '<1@x>', 'Minutes of the meeting', 'sent', 10);
    insert.run(2, '<2@x>', 'Brought back from its file', 'uncertain', null); // no draft: subject and people only
    db.prepare(`INSERT INTO recipients (message_id, position, kind, address) VALUES (1, 0, 'to', 'bob@example.org'), (1, 1, 'bcc', 'eve@example.org')`).run();
    db.prepare(`INSERT INTO message_drafts (message_id, content) VALUES (1, ?)`).run(JSON.stringify({ text: 'The budget was approved.' }));
    migrate(db, migrations.slice(0, 13));
    const found = (query: string) => db.prepare('SELECT rowid FROM messages_search WHERE messages_search MATCH ? ORDER BY rowid').pluck().all(query);
    expect([found('budget'), found('eve'), found('minutes'), found('brought'), found('ann')]).toEqual([[1], [1], [1], [2], [1, 2]]);
    db.prepare('DELETE FROM messages WHERE id = 1').run(); // its entry goes with it
    expect(found('ann')).toEqual([2]);
    const indexes = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE '%_page'`).pluck().all();
    expect(indexes.sort()).toEqual(['messages_sent_page', 'messages_unsent_page']);
    db.close();
  });

  it('opens a data directory written before migration 13: its Sent paged and searchable', async () => {
    const home = tempHome();
    const old = openDatabase(join(home, 'outbound.sqlite'), migrations.slice(0, 12));
    old
      .prepare(
        `INSERT INTO accounts (name, email, host, port, security, secret_source, secret_ref, created_at, updated_at)
      VALUES ('a', 'a@b.c', 'h', 587, 'tls', 'none', 'r', 0, 0)`,
      )
      .run();
    const insert = old.prepare(`INSERT INTO messages (account_id, account_name, message_id, envelope_from, from_header, subject, raw_file, size, state,
      not_before, created_at, updated_at, sent_at) VALUES (1, 'a', ?, 'a@b.c', 'a@b.c', ?, 'f', 1, 'sent', 0, 0, 0, ?)`);
    for (let i = 1; i <= 3; i++) insert.run(`<${i}@x>`, `Report ${i}`, i * 1000);
    old.close();
    const core = openCore({ home, autoSend: false });
    try {
      const api = inProcessApi(core);
      const first = await value(api.sent.page({ limit: 2, search: 'report' }));
      expect([first.messages.map((m) => m.subject), first.counts?.total]).toEqual([['Report 3', 'Report 2'], 3]);
      const rest = await value(api.sent.page({ limit: 2, search: 'report', after: first.next! }));
      expect([rest.messages.map((m) => m.subject), rest.next]).toEqual([['Report 1'], null]);
    } finally {
      await core.close();
    }
  });

  it('is idempotent: reopening runs nothing twice', () => {
    const file = join(tempHome(), 'db.sqlite');
    openDatabase(file).close();
    const db = openDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.at(-1)!.version);
    db.close();
  });

  it('runs all pending migrations in one transaction: a failing one leaves the database as it was', () => {
    const db = new Database(join(tempHome(), 'db.sqlite'));
    const broken = [
      ...migrations,
      { version: migrations.length + 1, up: (d: Database.Database) => d.exec('CREATE TABLE half (x); SELECT nope FROM nowhere;') },
    ];
    expect(() => migrate(db, broken)).toThrow(/no such table: nowhere/);
    expect(db.pragma('user_version', { simple: true })).toBe(0);
    expect(tables(db)).toEqual([]);
    db.close();
  });

  it('refuses a database from the future with a message saying what to do', () => {
    const file = join(tempHome(), 'db.sqlite');
    const db = new Database(file);
    db.pragma('user_version = 999');
    db.close();
    const latest = migrations.at(-1)!.version;
    expect(() => openDatabase(file)).toThrow(`written by a newer Outbound (database version 999; this build knows up to ${latest}). Update Outbound`);
  });
});
