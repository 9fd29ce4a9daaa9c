/**
 * The core: everything Outbound does, without Electron. The app, the CLI, the browser host and the
 * tests all open it the same way, on the same data directory.
 */
import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import type { Connectivity, MessageState, OutboxChange } from '../../preload/contract.ts';
import type { DiscoveryOptions } from './accounts/autoconfig.ts';
import { AccountStore } from './accounts/store.ts';
import { osKeychain, type SecretStore } from './accounts/secrets.ts';
import { openDatabase, type Db } from './db/index.ts';
import { OutboxSender, type SenderOptions } from './outbox/sender.ts';
import { OutboxStore } from './outbox/store.ts';
import { databaseFile, defaultHome, messagesDir } from './paths.ts';
import { SettingsStore } from './settings.ts';

export interface CoreOptions {
  /** The data directory; default: OUTBOUND_HOME or the per-OS application-data folder. */
  home?: string;
  secrets?: SecretStore;
  /** PEM certificates trusted besides the system's (an enterprise CA; the tests' CA). */
  extraCaCertificates?: string[];
  /** Where account discovery looks (the tests point it at local DNS and HTTP servers). */
  discovery?: DiscoveryOptions;
  /** Start the background sender (the app and the browser host); the CLI sends explicitly. Default true. */
  autoSend?: boolean;
  sender?: Omit<SenderOptions, 'submit'> & { submit?: Omit<NonNullable<SenderOptions['submit']>, 'extraCaCertificates'> };
}

/** The core's events are the contract's events: the transports forward them by name. */
interface CoreEventMap {
  outboxChanged: [OutboxChange];
  connectivityChanged: [Connectivity];
}

export interface CoreEvents {
  on<E extends keyof CoreEventMap>(event: E, listener: (payload: CoreEventMap[E][0]) => void): () => void;
}

export interface Core {
  readonly home: string;
  readonly db: Db;
  readonly accounts: AccountStore;
  readonly outbox: OutboxStore;
  readonly sender: OutboxSender;
  readonly settings: SettingsStore;
  readonly discovery: DiscoveryOptions;
  readonly events: CoreEvents;
  close(): Promise<void>;
}

export function openCore(options: CoreOptions = {}): Core {
  const home = options.home ?? defaultHome();
  const dir = messagesDir(home);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const db = openDatabase(databaseFile(home));
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  const emit = <E extends keyof CoreEventMap>(event: E, ...payload: CoreEventMap[E]) => emitter.emit(event, ...payload);
  const accounts = new AccountStore(db, options.secrets ?? osKeychain(), { extraCaCertificates: options.extraCaCertificates ?? [] });
  const outbox = new OutboxStore(db, dir, (id: number, state: MessageState) => emit('outboxChanged', { id, state }));
  const sender = new OutboxSender(outbox, accounts, {
    ...options.sender,
    onConnectivity: (online) => emit('connectivityChanged', { online }),
    submit: { ...options.sender?.submit, ...(options.extraCaCertificates ? { extraCaCertificates: options.extraCaCertificates } : {}) },
  });
  void outbox.removeOrphanFiles().catch(() => undefined); // housekeeping: never worth failing a start
  if (options.autoSend ?? true) sender.start();

  let closing: Promise<void> | undefined;
  return {
    home, db, accounts, outbox, sender,
    settings: new SettingsStore(db),
    discovery: { extraCaCertificates: options.extraCaCertificates ?? [], ...options.discovery },
    events: {
      on(event, listener) {
        emitter.on(event, listener);
        return () => emitter.off(event, listener);
      },
    },
    close() {
      closing ??= sender.stop().then(() => {
        db.close();
      });
      return closing;
    },
  };
}
