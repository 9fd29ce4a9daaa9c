/** User preferences kept in the data directory, so the app and the CLI agree. */
import type { Settings } from '../../preload/common/contract/index.ts';
import type { Db } from './db/index.ts';

const DEFAULTS: Settings = { undoSeconds: 5 };

export class SettingsStore {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
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
    return this.get();
  }
}
