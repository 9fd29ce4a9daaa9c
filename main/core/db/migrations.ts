import type { Database } from 'better-sqlite3';

export interface Migration {
  version: number;
  up(db: Database): void;
}

/** Ordered; never edit one that has shipped — add the next. Each has a test in test/core/db/migrations.test.ts. */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    up(db) {
      db.exec(`
        CREATE TABLE accounts (
          id               INTEGER PRIMARY KEY,
          name             TEXT NOT NULL UNIQUE COLLATE NOCASE,
          email            TEXT NOT NULL,
          display_name     TEXT NOT NULL DEFAULT '',
          host             TEXT NOT NULL,
          port             INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
          security         TEXT NOT NULL CHECK (security IN ('tls', 'starttls', 'none')),
          username         TEXT,
          -- where the password is: 'none' (no AUTH), 'keychain' (under secret_ref), 'command'
          secret_source    TEXT NOT NULL CHECK (secret_source IN ('none', 'keychain', 'command')),
          secret_ref       TEXT NOT NULL UNIQUE,
          password_command TEXT,
          created_at       INTEGER NOT NULL,
          updated_at       INTEGER NOT NULL
        );

        CREATE TABLE messages (
          id            INTEGER PRIMARY KEY,
          -- SET NULL keeps the Sent history of a removed account; unsent mail blocks removal (accounts/store/remove.ts)
          account_id    INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
          account_name  TEXT NOT NULL,
          message_id    TEXT NOT NULL UNIQUE,
          envelope_from TEXT NOT NULL,
          from_header   TEXT NOT NULL,
          subject       TEXT NOT NULL,
          raw_file      TEXT NOT NULL,
          size          INTEGER NOT NULL,
          state         TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'uncertain', 'cancelled')),
          not_before    INTEGER NOT NULL,
          lease_owner   TEXT,
          lease_until   INTEGER,
          attempts      INTEGER NOT NULL DEFAULT 0,
          last_stage    TEXT,
          last_reply    TEXT,
          last_error    TEXT,
          created_at    INTEGER NOT NULL,
          sent_at       INTEGER,
          updated_at    INTEGER NOT NULL
        );
        CREATE INDEX messages_due ON messages (state, not_before);

        CREATE TABLE recipients (
          id         INTEGER PRIMARY KEY,
          message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
          position   INTEGER NOT NULL,
          kind       TEXT NOT NULL CHECK (kind IN ('to', 'cc', 'bcc')),
          address    TEXT NOT NULL,
          state      TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'accepted', 'deferred', 'rejected')),
          reply      TEXT,
          UNIQUE (message_id, position)
        );

        CREATE TABLE attempts (
          id          INTEGER PRIMARY KEY,
          message_id  INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
          started_at  INTEGER NOT NULL,
          finished_at INTEGER,
          stage       TEXT,
          outcome     TEXT,
          reply       TEXT,
          error       TEXT,
          -- the SMTP dialogue with AUTH payloads redacted and no message content
          transcript  TEXT
        );
        CREATE INDEX attempts_message ON attempts (message_id);
      `);
    },
  },
  {
    version: 2,
    up(db) {
      db.exec(`
        -- why a queued message waits on purpose: the undo window or a schedule ('flush' never overrides these)
        ALTER TABLE messages ADD COLUMN hold TEXT CHECK (hold IN ('undo', 'scheduled'));
        -- what the composer needs to take the message back (JSON: accountId, to, cc, bcc, subject, text)
        ALTER TABLE messages ADD COLUMN draft TEXT;
        -- an authentication failure pauses the account's queue until its credentials change
        ALTER TABLE accounts ADD COLUMN paused_reason TEXT;
        ALTER TABLE accounts ADD COLUMN max_per_minute INTEGER NOT NULL DEFAULT 30 CHECK (max_per_minute >= 1);
        ALTER TABLE accounts ADD COLUMN max_connections INTEGER NOT NULL DEFAULT 2 CHECK (max_connections >= 1);
        ALTER TABLE accounts ADD COLUMN retry_days REAL NOT NULL DEFAULT 5 CHECK (retry_days > 0);
        -- set while a message waits for the network to return: it is retried the moment it does
        ALTER TABLE messages ADD COLUMN waiting_for_network INTEGER NOT NULL DEFAULT 0;
        -- max_per_minute is counted in fixed one-minute windows, claimed with the message (outbox/store/claim.ts)
        ALTER TABLE accounts ADD COLUMN rate_window_start INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE accounts ADD COLUMN rate_window_count INTEGER NOT NULL DEFAULT 0;
        -- claiming looks up an account's queued and sending messages
        CREATE INDEX messages_account_state ON messages (account_id, state, not_before);
        CREATE TABLE settings (
          key   TEXT PRIMARY KEY,
          value TEXT NOT NULL
        );
      `);
    },
  },
  {
    version: 3,
    up(db) {
      db.exec(`
        -- a pinned certificate (msmtp's tls_fingerprint): its SHA-256 in colon hex, and the PEM that becomes the only trust anchor
        ALTER TABLE accounts ADD COLUMN tls_fingerprint TEXT;
        ALTER TABLE accounts ADD COLUMN tls_certificate TEXT;
        ALTER TABLE accounts ADD COLUMN is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1));
        CREATE UNIQUE INDEX accounts_one_default ON accounts (is_default) WHERE is_default = 1;
        ALTER TABLE accounts ADD COLUMN reply_to TEXT;
        ALTER TABLE accounts ADD COLUMN signature TEXT NOT NULL DEFAULT '';
        -- the oldest account becomes the default one
        UPDATE accounts SET is_default = 1 WHERE id = (SELECT min(id) FROM accounts);

        -- From aliases: each with its own display name, Reply-To and signature
        CREATE TABLE identities (
          id           INTEGER PRIMARY KEY,
          account_id   INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
          email        TEXT NOT NULL,
          display_name TEXT NOT NULL DEFAULT '',
          reply_to     TEXT,
          signature    TEXT NOT NULL DEFAULT '',
          UNIQUE (account_id, email)
        );
      `);
    },
  },
  {
    version: 4,
    up(db) {
      db.exec(`
        -- OAuth2 (XOAUTH2) sign-in: the refresh token is in the keychain under secret_ref, the access token only in memory
        ALTER TABLE accounts ADD COLUMN auth_method TEXT NOT NULL DEFAULT 'password' CHECK (auth_method IN ('password', 'oauth2'));
        ALTER TABLE accounts ADD COLUMN oauth_provider TEXT CHECK (oauth_provider IN ('google', 'microsoft'));
        ALTER TABLE accounts ADD COLUMN oauth_client_id TEXT;
      `);
    },
  },
  {
    version: 5,
    up(db) {
      db.exec(`
        -- drafts autosaved by the composer: the DraftView as JSON (recipients as typed, sanitised HTML, attached files)
        CREATE TABLE drafts (
          id         INTEGER PRIMARY KEY,
          content    TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        );
        CREATE INDEX drafts_updated ON drafts (updated_at);
        -- what the account's server announced in its last EHLO: the composer refuses a message over SIZE before writing it
        CREATE TABLE server_capabilities (
          account_id INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
          size       INTEGER,
          smtp_utf8  INTEGER NOT NULL CHECK (smtp_utf8 IN (0, 1)),
          seen_at    INTEGER NOT NULL
        );
      `);
    },
  },
  {
    version: 6,
    up(db) {
      db.exec(`
        -- the composer's copy of a queued message (undo, edit) moves beside it: a draft with its body overflows
        -- the row into several pages, which every state change of the outbox would rewrite
        CREATE TABLE message_drafts (
          message_id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
          content    TEXT NOT NULL
        );
        INSERT INTO message_drafts (message_id, content) SELECT id, draft FROM messages WHERE draft IS NOT NULL;
        ALTER TABLE messages DROP COLUMN draft;
      `);
    },
  },
  {
    version: 7,
    up(db) {
      db.exec(`
        -- partial indexes: each holds only the messages in the states it serves, so a message moving through
        -- the outbox touches a few small index pages rather than two indexes spanning every message ever sent
        DROP INDEX messages_due;
        DROP INDEX messages_account_state;
        -- the next due message
        CREATE INDEX messages_queued ON messages (not_before) WHERE state = 'queued';
        -- connections in use per account
        CREATE INDEX messages_sending ON messages (account_id, lease_owner) WHERE state = 'sending';
        -- the outbox screen, and each account's waiting mail (the WHERE must match outbox/store/states.ts's UNSENT)
        CREATE INDEX messages_unsent ON messages (account_id) WHERE state IN ('queued', 'sending', 'failed', 'uncertain');
      `);
    },
  },
  {
    version: 8,
    up(db) {
      // how a message came in when not from the composer: `outbound sendmail` (shown in the Outbox and Sent)
      db.exec(`ALTER TABLE messages ADD COLUMN submitted_by TEXT CHECK (submitted_by IN ('sendmail'))`);
    },
  },
  {
    version: 9,
    up(db) {
      db.exec(`
        -- delivery status notifications (RFC 3461): the request as JSON ({"notify":…,"returns":…}), or NULL for none
        ALTER TABLE messages ADD COLUMN delivery_report TEXT;
        -- the server did not offer DSN, so the request never reached it
        ALTER TABLE messages ADD COLUMN delivery_report_dropped INTEGER NOT NULL DEFAULT 0;
        -- what each message of the account asks for unless the composer says otherwise
        ALTER TABLE accounts ADD COLUMN delivery_report TEXT;
        -- whether the server offered DSN in its last EHLO (NULL: not seen by this version yet)
        ALTER TABLE server_capabilities ADD COLUMN dsn INTEGER;
      `);
    },
  },
  {
    version: 10,
    up(db) {
      db.exec(`
        -- templates to start a message from: for any From, or one account's identity (NULL: its own address)
        CREATE TABLE templates (
          id          INTEGER PRIMARY KEY,
          name        TEXT NOT NULL,
          account_id  INTEGER REFERENCES accounts(id) ON DELETE CASCADE,
          identity_id INTEGER REFERENCES identities(id) ON DELETE CASCADE,
          subject     TEXT NOT NULL,
          text        TEXT NOT NULL,
          html        TEXT,
          updated_at  INTEGER NOT NULL,
          CHECK (identity_id IS NULL OR account_id IS NOT NULL)
        );
      `);
    },
  },
  {
    version: 11,
    up(db) {
      db.exec(`
        -- the copy in Sent (IMAP): the server, with the SMTP login and secret unless imap_username is set apart
        ALTER TABLE accounts ADD COLUMN imap_host TEXT;
        ALTER TABLE accounts ADD COLUMN imap_port INTEGER CHECK (imap_port BETWEEN 1 AND 65535);
        ALTER TABLE accounts ADD COLUMN imap_security TEXT CHECK (imap_security IN ('tls', 'starttls'));
        ALTER TABLE accounts ADD COLUMN imap_username TEXT;
        -- IMAP's own pin, for an IMAP host other than the SMTP host (on the same host the account's pin applies)
        ALTER TABLE accounts ADD COLUMN imap_tls_fingerprint TEXT;
        ALTER TABLE accounts ADD COLUMN imap_tls_certificate TEXT;
        -- the folder copies go to (NULL: found at the first copy, then kept here)
        ALTER TABLE accounts ADD COLUMN sent_folder TEXT;
        ALTER TABLE accounts ADD COLUMN sent_copy TEXT NOT NULL DEFAULT 'auto' CHECK (sent_copy IN ('auto', 'always', 'never'));
        -- what 'auto' found at the first copy: 1 the server files submitted mail itself, 0 it does not, NULL not known yet
        ALTER TABLE accounts ADD COLUMN server_files_sent INTEGER CHECK (server_files_sent IN (0, 1));

        -- one copy job per sent message of an account with IMAP, made in the transaction that records it sent
        CREATE TABLE sent_copies (
          message_id  INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
          state       TEXT NOT NULL CHECK (state IN ('pending', 'saved', 'failed', 'skipped')),
          not_before  INTEGER NOT NULL,
          attempts    INTEGER NOT NULL DEFAULT 0,
          lease_owner TEXT,
          lease_until INTEGER,
          folder      TEXT,
          uid         INTEGER,
          uidvalidity INTEGER,
          -- why it is pending (the last try), failed or skipped: a sentence for the user
          reason      TEXT,
          updated_at  INTEGER NOT NULL
        );
        CREATE INDEX sent_copies_pending ON sent_copies (not_before) WHERE state = 'pending';
        CREATE TRIGGER messages_sent_copy AFTER UPDATE OF state ON messages
        WHEN NEW.state = 'sent' AND OLD.state <> 'sent'
        BEGIN
          INSERT OR IGNORE INTO sent_copies (message_id, state, not_before, reason, updated_at)
          SELECT NEW.id, CASE a.sent_copy WHEN 'never' THEN 'skipped' ELSE 'pending' END, NEW.updated_at,
            CASE a.sent_copy WHEN 'never' THEN 'The account is set to keep no copy in Sent.' END, NEW.updated_at
          FROM accounts a WHERE a.id = NEW.account_id AND a.imap_host IS NOT NULL;
        END;
      `);
    },
  },
  {
    version: 12,
    up(db) {
      db.exec(`
        -- the built-in test inbox: its account (a real one, on 127.0.0.1), the port it last listened on, the fault it plays
        CREATE TABLE test_inbox (
          id         INTEGER PRIMARY KEY CHECK (id = 1),
          account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
          port       INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
          fault      TEXT NOT NULL DEFAULT 'none' CHECK (fault IN ('none', 'reject', 'defer', 'away'))
        );
        -- what it received, each message's bytes in test-inbox/<file>
        CREATE TABLE test_inbox_messages (
          id            INTEGER PRIMARY KEY,
          envelope_from TEXT NOT NULL,
          -- JSON array of the RCPT TO addresses it accepted
          envelope_to   TEXT NOT NULL,
          from_header   TEXT NOT NULL,
          subject       TEXT NOT NULL,
          size          INTEGER NOT NULL,
          file          TEXT NOT NULL UNIQUE,
          received_at   INTEGER NOT NULL
        );
      `);
    },
  },
  {
    version: 13,
    up(db) {
      db.exec(`
        -- full-text search of the lists: the subject, the people (From and every recipient, Bcc too) and the body's plain
        -- text (the draft's, at most 100 000 characters); rowid is the message's id. Contentless: the text stays in the
        -- messages and their drafts, and a deleted message's entry goes with it (the trigger)
        CREATE VIRTUAL TABLE messages_search USING fts5(subject, people, body, content = '', contentless_delete = 1,
          tokenize = 'unicode61 remove_diacritics 2');
        CREATE TRIGGER messages_search_delete AFTER DELETE ON messages BEGIN
          DELETE FROM messages_search WHERE rowid = OLD.id;
        END;
        INSERT INTO messages_search (rowid, subject, people, body)
        SELECT m.id, m.subject,
          m.from_header || ' ' || coalesce((SELECT group_concat(r.address, ' ') FROM recipients r WHERE r.message_id = m.id), ''),
          coalesce(substr(json_extract(d.content, '$.text'), 1, 100000), '')
        FROM messages m LEFT JOIN message_drafts d ON d.message_id = m.id;
        -- the lists' pages, newest first, by keyset (the WHERE must match outbox/store/search.ts's LISTS)
        CREATE INDEX messages_sent_page ON messages (sent_at, id) WHERE state = 'sent';
        CREATE INDEX messages_unsent_page ON messages (created_at, id) WHERE state IN ('queued', 'sending', 'failed', 'uncertain');
      `);
    },
  },
];
