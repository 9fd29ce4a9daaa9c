/** Templates: a name, a subject and a body to start a message from, for any From or one identity. */
import type { TemplateView } from '../../../preload/common/contract/index.ts';
import { notFound } from '../app-error.ts';
import type { Db } from '../db/index.ts';

interface TemplateRow {
  id: number;
  name: string;
  account_id: number | null;
  identity_id: number | null;
  subject: string;
  text: string;
  html: string | null;
  updated_at: number;
}

export type TemplateFields = Omit<TemplateView, 'id' | 'updatedAt'>;

const toView = (row: TemplateRow): TemplateView => ({
  id: row.id,
  name: row.name,
  accountId: row.account_id,
  identityId: row.identity_id,
  subject: row.subject,
  text: row.text,
  html: row.html,
  updatedAt: new Date(row.updated_at).toISOString(),
});

export class TemplateStore {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  list(): TemplateView[] {
    return (this.db.prepare('SELECT * FROM templates ORDER BY name COLLATE NOCASE, id').all() as TemplateRow[]).map(toView);
  }

  /** No id: a new template; an id: that one replaced. */
  save(id: number | undefined, fields: TemplateFields, now = Date.now()): TemplateView {
    const values = { ...fields, now, id: id ?? null };
    if (id === undefined) {
      const { lastInsertRowid } = this.db
        .prepare(
          `INSERT INTO templates (name, account_id, identity_id, subject, text, html, updated_at)
           VALUES (@name, @accountId, @identityId, @subject, @text, @html, @now)`,
        )
        .run(values);
      return this.get(Number(lastInsertRowid));
    }
    const { changes } = this.db
      .prepare(
        `UPDATE templates SET name = @name, account_id = @accountId, identity_id = @identityId, subject = @subject, text = @text, html = @html,
           updated_at = @now WHERE id = @id`,
      )
      .run(values);
    if (changes === 0) throw missing(id);
    return this.get(id);
  }

  get(id: number): TemplateView {
    const row = this.db.prepare('SELECT * FROM templates WHERE id = ?').get(id) as TemplateRow | undefined;
    if (!row) throw missing(id);
    return toView(row);
  }

  remove(id: number): void {
    if (this.db.prepare('DELETE FROM templates WHERE id = ?').run(id).changes === 0) throw missing(id);
  }
}

const missing = (id: number) => notFound(`There is no template ${id}; it may have been removed.`);
