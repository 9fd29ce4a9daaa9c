/**
 * The lists in pages (keyset: newest first by the list's time, then id, on the list's own partial
 * index; never OFFSET), narrowed by account, state and a full-text search (FTS5 `messages_search`,
 * migration 13: subject, people, body text; its rowid is the message's id).
 */
import type { BulkTarget, ListCounts, ListFilter, ListState } from '../../../../preload/common/contract/index.ts';
import type { OutboxDb } from './handle.ts';
import { UNSENT } from './states.ts';

/** Which of the app's two message lists: what is not sent yet, or what is. (Not a mailbox folder.) */
export type MessageList = 'outbox' | 'sent';
/** Each list's rows and the time it is ordered by; `messages_unsent_page` and `messages_sent_page` index exactly these. */
export const LISTS: Record<MessageList, { where: string; time: string }> = {
  outbox: { where: UNSENT, time: 'created_at' },
  sent: { where: `state = 'sent'`, time: 'sent_at' },
};

/**
 * What the index holds of a message: its subject, its From and every recipient, and the plain text
 * of its body (the draft's; at most 100 000 characters). At enqueue, in the insert's transaction;
 * for a message brought back from its file; for every message after a repair.
 */
export const indexMessages = (where: string) => `
  INSERT INTO messages_search (rowid, subject, people, body)
  SELECT m.id, m.subject,
    m.from_header || ' ' || coalesce((SELECT group_concat(r.address, ' ') FROM recipients r WHERE r.message_id = m.id), ''),
    coalesce(substr(json_extract(d.content, '$.text'), 1, 100000), '')
  FROM messages m LEFT JOIN message_drafts d ON d.message_id = m.id
  WHERE ${where}`;

/** After a repair copied the rows: the index made again from them. */
export function reindexAll(h: OutboxDb): void {
  h.transaction(() => {
    h.sql(`DELETE FROM messages_search`).run();
    h.sql(indexMessages('1')).run();
  })();
}

/**
 * The user's words as an FTS5 query: each word (its letters and digits; "bob@example.org" is the
 * phrase "bob example org") must appear, its last part as a prefix, so a search finds as one types.
 */
export function searchQuery(text: string): string | null {
  const words = text
    .split(/\s+/)
    .map((word) => word.match(/[\p{L}\p{N}]+/gu)?.join(' '))
    .filter((word): word is string => word !== undefined);
  return words.length === 0 ? null : words.map((word) => `"${word}"*`).join(' ');
}

interface Sql {
  where: string;
  params: unknown[];
}

const STATE_SQL: Record<ListState, string> = {
  queued: `state = 'queued'`,
  scheduled: `state = 'queued' AND hold = 'scheduled'`,
  sending: `state = 'sending'`,
  failed: `state = 'failed'`,
  uncertain: `state = 'uncertain'`,
  sent: `state = 'sent'`,
};

/** The list's rows the filter finds; `withState` false: all but its state (what the counts per state count). */
export function filterSql(which: MessageList, filter: ListFilter, withState = true): Sql {
  const parts = [LISTS[which].where];
  const params: unknown[] = [];
  if (filter.accountId !== undefined) {
    parts.push('account_id = ?');
    params.push(filter.accountId);
  }
  if (withState && filter.state) parts.push(STATE_SQL[filter.state]);
  const query = searchQuery(filter.search ?? '');
  if (query) {
    parts.push('id IN (SELECT rowid FROM messages_search WHERE messages_search MATCH ?)');
    params.push(query);
  }
  return { where: parts.join(' AND '), params };
}

/** One page of ids, newest first, and the cursor of the next. */
export function pageIds(h: OutboxDb, which: MessageList, filter: ListFilter, after: string | undefined, limit: number): { ids: number[]; next: string | null } {
  const { where, params } = filterSql(which, filter);
  const { time } = LISTS[which];
  const [afterTime, afterId] = after ? after.split(':').map(Number) : [];
  const rows = h
    .sql(`SELECT id, ${time} AS time FROM messages WHERE ${where}${after ? ` AND (${time}, id) < (?, ?)` : ''} ORDER BY ${time} DESC, id DESC LIMIT ?`)
    .all(...params, ...(after ? [afterTime, afterId] : []), limit + 1) as { id: number; time: number }[];
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page.at(-1);
  return { ids: page.map((r) => r.id), next: more && last ? `${last.time}:${last.id}` : null };
}

export function counts(h: OutboxDb, which: MessageList, filter: ListFilter): ListCounts {
  const { where, params } = filterSql(which, filter, false);
  if (which === 'sent') {
    // One state: a count of the list's own index, which holds no other column to read.
    const { n } = h.sql(`SELECT count(*) AS n FROM messages WHERE ${where}`).get(...params) as { n: number };
    return { total: filter.state && filter.state !== 'sent' ? 0 : n, byState: { sent: n } };
  }
  const rows = h.sql(`SELECT state, hold = 'scheduled' AS scheduled, count(*) AS n FROM messages WHERE ${where} GROUP BY 1, 2`).all(...params) as {
    state: ListState;
    scheduled: 0 | 1 | null;
    n: number;
  }[];
  const byState: ListCounts['byState'] = {};
  for (const { state, scheduled, n } of rows) {
    byState[state] = (byState[state] ?? 0) + n;
    if (scheduled) byState.scheduled = (byState.scheduled ?? 0) + n;
  }
  const all = rows.reduce((sum, r) => sum + r.n, 0);
  return { total: filter.state ? (byState[filter.state] ?? 0) : all, byState };
}

/** A bulk action's messages, as SQL on their rows: the chosen ids (wherever they are now), or what the filter finds in the outbox. */
export function targetSql(target: BulkTarget): Sql {
  if ('ids' in target) return { where: 'id IN (SELECT value FROM json_each(?))', params: [JSON.stringify(target.ids)] };
  return filterSql('outbox', target.filter);
}
