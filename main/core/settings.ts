/** User preferences kept in the data directory, so the app and the CLI agree. */
import type { Settings } from '../../preload/common/contract/index.ts';
import type { Db } from './db/index.ts';

const DEFAULTS: Settings = { undoSeconds: 5, sendingPaused: false };
/** The outbox's claim reads this row itself (outbox/store/claim.ts): a pause holds every sender on the data directory. */
export const SENDING_PAUSED_KEY = 'sendingPaused';
/** Questions asked once per data directory live beside the settings, under this prefix (never in `get`). */
const ASKED_PREFIX = 'asked:';

export class SettingsStore {
  private readonly db: Db;
  private readonly changed: (settings: Settings) => void;

  constructor(db: Db, changed: (settings: Settings) => void = () => undefined) {
    this.db = db;
    this.changed = changed;
  }

  get(): Settings {
    const rows = this.db.prepare('SELECT key, value FROM settings').all() as { key: string; value: string }[];
    const stored = Object.fromEntries(rows.filter((r) => Object.hasOwn(DEFAULTS, r.key)).map((r) => [r.key, JSON.parse(r.value)]));
    return { ...DEFAULTS, ...stored };
  }

  save(changes: Partial<Settings>): Settings {
    const upsert = this.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
    this.db.transaction(() => {
      for (const [key, value] of Object.entries(changes)) if (value !== undefined) upsert.run(key, JSON.stringify(value));
    })();
    const settings = this.get();
    this.changed(settings);
    return settings;
  }

  /** True the first time `question` is asked on this data directory, false ever after: for what the app asks only once. */
  firstTime(question: string): boolean {
    return this.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING').run(ASKED_PREFIX + question, 'true').changes === 1;
  }
}
