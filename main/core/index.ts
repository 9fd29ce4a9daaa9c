/**
 * The core: everything Outbound does, without Electron. The app, the CLI, the browser host and the
 * tests all open it the same way, on the same data directory.
 */
import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import type { EventName, EventPayload, MessageState, SendProgress } from '../../preload/common/contract/index.ts';
import type { DiscoveryOptions } from './accounts/autoconfig.ts';
import { OAuth, type OAuthOptions } from './accounts/oauth.ts';
import { AccountStore } from './accounts/store/index.ts';
import { osKeychain, type SecretStore } from './accounts/secrets.ts';
import { AttachmentGate, removeUnusedStaging } from './compose/attachments.ts';
import type { Clock } from './clock.ts';
import { ServerLimitStore } from './compose/limits.ts';
import { parseMailto } from './compose/mailto.ts';
import { openDatabase, type Db } from './db/index.ts';
import { checkOpen } from './db/repair.ts';
import { DomainChecker, type DomainCheckOptions } from './dns/check.ts';
import { DraftStore } from './drafts/store.ts';
import { TemplateStore } from './drafts/templates.ts';
import { CopyStore } from './outbox/copies/store.ts';
import { SentCopier, type CopierOptions } from './outbox/copies/copier.ts';
import { isDeadOwner, OutboxSender, type SenderOptions } from './outbox/sender.ts';
import { OutboxStore } from './outbox/store/index.ts';
import { databaseFile, defaultHome, messagesDir } from './paths.ts';
import { damagedDatabase, isDamage } from './repair.ts';
import { SettingsStore } from './settings.ts';
import { SecretsWithMemory, TestInbox } from './test-inbox/index.ts';

export interface CoreOptions {
  /** The data directory; default: OUTBOUND_HOME or the per-OS application-data folder. */
  home?: string;
  secrets?: SecretStore;
  /** PEM certificates trusted besides the system's (an enterprise CA; the tests' CA). */
  extraCaCertificates?: string[];
  /** Where account discovery looks (the tests point it at local DNS and HTTP servers). */
  discovery?: DiscoveryOptions;
  /**
   * OAuth2 sign-in: the app injects the system browser (`openExternal`); the CLI prints the URL; the
   * tests point the endpoints and the HTTP fetch at a local OAuth2 server.
   */
  oauth?: OAuthOptions;
  /** The recipient domain check's DNS (the tests point it at a local DNS server). */
  domainCheck?: DomainCheckOptions;
  /**
   * The file dialog: the Electron shell's, or the CLI's (the files named with `send --attach`); without
   * it (the browser host) `attachments.pick` is unavailable. What files may be attached: compose/attachments.ts.
   */
  pickFiles?: () => Promise<string[]>;
  /** What the outbox goes by (due times, backoff, leases, giving up, the sender's wake-ups); default the real clock. */
  clock?: Clock;
  /** Start the background sender (the app and the browser host); the CLI sends explicitly. Default true. */
  autoSend?: boolean;
  sender?: Omit<SenderOptions, 'submit'> & { submit?: Omit<NonNullable<SenderOptions['submit']>, 'extraCaCertificates'> };
  /** The copy in Sent: how long `auto` looks for the server's own copy, IMAP timeouts, backoff. */
  sentCopy?: Omit<CopierOptions, 'extraCaCertificates' | 'isDeadOwner' | 'onChanged'>;
  /**
   * Check the database (`PRAGMA quick_check`) before using it, and refuse a damaged one with the way
   * to repair it: the app and the daemon, which run for long; a one-off command relies on SQLite's
   * own errors, to start fast.
   */
  checkDatabase?: boolean;
}

/** The core's events are the contract's events (its `events`): the transports forward them by name. */
export interface CoreEvents {
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

export interface Core {
  readonly home: string;
  readonly db: Db;
  readonly accounts: AccountStore;
  readonly outbox: OutboxStore;
  readonly sender: OutboxSender;
  /** The copies in Sent (IMAP), after sending. */
  readonly copier: SentCopier;
  readonly settings: SettingsStore;
  readonly drafts: DraftStore;
  readonly templates: TemplateStore;
  /** Outbound's own SMTP server on 127.0.0.1, to try sending with (issue 18). */
  readonly testInbox: TestInbox;
  /** What composing needs beyond the stores: the files the user chose, the servers' limits, DNS, the file dialog. */
  readonly compose: {
    readonly gate: AttachmentGate;
    readonly limits: ServerLimitStore;
    readonly domains: DomainChecker;
    readonly pickFiles: (() => Promise<string[]>) | undefined;
    /** A mailto: URL the system handed to the app: parsed (RFC 6068) and announced to the composer. */
    openMailto(url: string): void;
  };
  readonly discovery: DiscoveryOptions;
  readonly events: CoreEvents;
  close(): Promise<void>;
}

/** The database, or the sentence that says it is damaged and how to repair it. */
function openOrRefuse(home: string): Db {
  try {
    return openDatabase(databaseFile(home));
  } catch (error) {
    throw isDamage(error) ? damagedDatabase(home, error) : error;
  }
}

export function openCore(options: CoreOptions = {}): Core {
  const home = options.home ?? defaultHome();
  const dir = messagesDir(home);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // A database created anew over a messages directory knows no rows yet: its messages come back from their files.
  const fresh = !existsSync(databaseFile(home)) || statSync(databaseFile(home)).size === 0;
  const db = openOrRefuse(home);
  const complaint = options.checkDatabase ? checkOpen(db) : 'ok';
  if (complaint !== 'ok') {
    db.close();
    throw damagedDatabase(home, complaint);
  }
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  const emit = <E extends EventName>(event: E, payload: EventPayload<E>) => emitter.emit(event, payload);
  const secrets = new SecretsWithMemory(options.secrets ?? osKeychain());
  const outbox = new OutboxStore(
    db,
    dir,
    (id: number, state: MessageState) => {
      emit('outboxChanged', { id, state });
      if (state === 'sent') copier.kick(); // its copy job was made with the record
    },
    options.clock,
  );
  const accounts = new AccountStore(db, secrets, outbox, { extraCaCertificates: options.extraCaCertificates ?? [], oauth: new OAuth(secrets, options.oauth) });
  const limits = new ServerLimitStore(db);
  const copier: SentCopier = new SentCopier(outbox, accounts, new CopyStore(db, outbox.clock), {
    ...options.sentCopy,
    extraCaCertificates: options.extraCaCertificates ?? [],
    isDeadOwner,
    onChanged: (id) => emit('outboxChanged', { id, state: 'sent' }),
  });
  const sender = new OutboxSender(outbox, accounts, {
    ...options.sender,
    onConnectivity: (online) => {
      if (online) copier.kick();
      emit('connectivityChanged', { online });
    },
    onCapabilities: (accountId, capabilities) => limits.record(accountId, capabilities),
    beforeConnect: () => testInbox.start(),
    onProgress: progressReporter((progress) => emit('sendProgress', progress)),
    submit: {
      ...options.sender?.submit,
      ...(options.extraCaCertificates ? { extraCaCertificates: options.extraCaCertificates } : {}),
    },
  });
  const testInbox = new TestInbox(db, home, accounts, secrets, () => emit('testInboxChanged', null));
  const settings = new SettingsStore(db, (changed) => {
    emit('settingsChanged', changed);
    sender.kick(); // sending may have been resumed
  });
  // Housekeeping, never worth failing a start over.
  if (fresh) outbox.bringBack();
  else void outbox.removeOrphanFiles().catch(() => undefined);
  void removeUnusedStaging(home, db).catch(() => undefined);
  // The test inbox's server, where this data directory has one (a failure shows when sending to it).
  void testInbox.start().catch(() => undefined);
  if (options.autoSend ?? true) {
    sender.start();
    copier.start();
  }

  let closing: Promise<void> | undefined;
  return {
    home,
    db,
    accounts,
    outbox,
    sender,
    copier,
    testInbox,
    settings,
    drafts: new DraftStore(db),
    templates: new TemplateStore(db),
    compose: {
      gate: new AttachmentGate(home),
      limits,
      domains: new DomainChecker(options.domainCheck),
      pickFiles: options.pickFiles,
      openMailto: (url) => emit('mailtoOpened', parseMailto(url)),
    },
    discovery: { extraCaCertificates: options.extraCaCertificates ?? [], ...options.discovery },
    events: {
      on(event, listener) {
        emitter.on(event, listener);
        return () => emitter.off(event, listener);
      },
    },
    close() {
      closing ??= Promise.all([sender.stop(), copier.stop()])
        .then(() => testInbox.stop())
        .then(() => outbox.close())
        .then(() => {
          db.close();
        });
      return closing;
    },
  };
}

/** Progress events for the message being sent: at most every 100 ms and 64 KB, and always the last one. */
function progressReporter(emit: (progress: SendProgress) => void): (id: number, sent: number, total: number) => void {
  const last = new Map<number, { sent: number; at: number }>();
  return (id, sent, total) => {
    const seen = last.get(id) ?? { sent: 0, at: 0 };
    const now = Date.now();
    const done = sent >= total;
    if (!done && (sent - seen.sent < 64 * 1024 || now - seen.at < 100)) return;
    if (done) last.delete(id);
    else last.set(id, { sent, at: now });
    emit({ id, sent, total });
  };
}
