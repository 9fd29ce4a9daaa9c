/**
 * Drafts the composer autosaves: one row each, the DraftView as JSON, so a draft written before a
 * crash or a restart comes back as it was.
 */
import type { DraftPageQuery, DraftView, SavedDraftView } from '../../../preload/common/contract/index.ts';
import type { Db } from '../db/index.ts';
import { notFound } from '../app-error.ts';

interface DraftRow {
  id: number;
  content: string;
  updated_at: number;
}

/**
 * A stored draft as the composer restores it. Messages queued before rich text and attachments
 * existed stored only accountId, recipients, subject and text: the rest gets its empty value.
 */
export function toDraftView(stored: Partial<DraftView> & Pick<DraftView, 'accountId'>): DraftView {
  return {
    accountId: stored.accountId,
    identityId: stored.identityId ?? null,
    to: stored.to ?? [],
    cc: stored.cc ?? [],
    bcc: stored.bcc ?? [],
    subject: stored.subject ?? '',
    text: stored.text ?? '',
    html: stored.html ?? null,
    replyTo: stored.replyTo ?? null,
    attachments: stored.attachments ?? [],
    inline: stored.inline ?? [],
  };
}

const toSaved = (row: DraftRow): SavedDraftView => ({
  ...toDraftView(JSON.parse(row.content) as DraftView),
  id: row.id,
  updatedAt: new Date(row.updated_at).toISOString(),
});

export class DraftStore {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  /** Create (no id) or replace a draft's content. */
  save(id: number | undefined, draft: DraftView, now = Date.now()): SavedDraftView {
    const content = JSON.stringify(draft);
    if (id === undefined) {
      const { lastInsertRowid } = this.db.prepare('INSERT INTO drafts (content, created_at, updated_at) VALUES (?, ?, ?)').run(content, now, now);
      return this.get(Number(lastInsertRowid));
    }
    const { changes } = this.db.prepare('UPDATE drafts SET content = ?, updated_at = ? WHERE id = ?').run(content, now, id);
    if (changes === 0) throw missing(id);
    return this.get(id);
  }

  /** Newest first. */
  list(): SavedDraftView[] {
    return (this.db.prepare('SELECT id, content, updated_at FROM drafts ORDER BY updated_at DESC, id DESC').all() as DraftRow[]).map(toSaved);
  }

  /** A page, newest first, by keyset on `drafts_updated` (its rows carry the id): the page after `after`. */
  page({ after, limit = 100 }: DraftPageQuery): { drafts: SavedDraftView[]; next: string | null; total: number } {
    const [time, id] = after ? after.split(':').map(Number) : [];
    const rows = this.db
      .prepare(`SELECT id, content, updated_at FROM drafts ${after ? 'WHERE (updated_at, id) < (?, ?)' : ''} ORDER BY updated_at DESC, id DESC LIMIT ?`)
      .all(...(after ? [time, id] : []), limit + 1) as DraftRow[];
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const total = this.db.prepare('SELECT count(*) FROM drafts').pluck().get() as number;
    return { drafts: page.map(toSaved), next: rows.length > limit && last ? `${last.updated_at}:${last.id}` : null, total };
  }

  get(id: number): SavedDraftView {
    const row = this.db.prepare('SELECT id, content, updated_at FROM drafts WHERE id = ?').get(id) as DraftRow | undefined;
    if (!row) throw missing(id);
    return toSaved(row);
  }

  discard(id: number): void {
    if (this.db.prepare('DELETE FROM drafts WHERE id = ?').run(id).changes === 0) throw missing(id);
  }
}

const missing = (id: number) => notFound(`There is no draft ${id}; it may have been sent or discarded.`);
