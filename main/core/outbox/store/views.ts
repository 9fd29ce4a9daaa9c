/** The outbox as the user sees it: messages with their recipients, the two lists (Outbox and Sent) in pages, the attempts. */
import type { AttemptView, MessagePage, MessageView, PageQuery } from '../../../../preload/common/contract/index.ts';
import { deliveryReportOf } from '../../compose/delivery-report.ts';
import { sentCopyViews } from '../copies/store.ts';
import { noSuchMessage, type OutboxDb } from './handle.ts';
import type { AttemptRow, MessageRow, RecipientRow } from './rows.ts';
import { counts, LISTS, pageIds, type MessageList } from './search.ts';

/** Rows per page unless asked otherwise. */
const PAGE = 100;
const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function row(h: OutboxDb, id: number): MessageRow {
  const row = h.sql('SELECT * FROM messages WHERE id = ?').get(id) as MessageRow | undefined;
  if (!row) throw noSuchMessage(id);
  return row;
}

export function view(h: OutboxDb, id: number): MessageView {
  const [view] = views(h, 'SELECT * FROM messages WHERE id = ?', [id]);
  if (!view) throw noSuchMessage(id);
  return view;
}

/** The newest `limit` (or all) of a list, in one answer: for the sender's flush, the CLI, the composer's suggestions. */
export function list(h: OutboxDb, which: MessageList, limit = -1): MessageView[] {
  const { where, time } = LISTS[which];
  return views(h, `SELECT * FROM messages WHERE ${where} ORDER BY ${time} DESC, id DESC LIMIT ?`, [limit]);
}

/** A page of a list, newest first, the page after `query.after`; its counts on the first page. */
export function page(h: OutboxDb, which: MessageList, query: PageQuery): MessagePage {
  // One read transaction: the counts and the page see the same messages.
  return h.transaction(readPage)(h, which, query);
}

function readPage(h: OutboxDb, which: MessageList, { after, limit = PAGE, ...filter }: PageQuery): MessagePage {
  const { ids, next } = pageIds(h, which, filter, after, limit);
  const byId = new Map(views(h, `SELECT * FROM messages WHERE id IN (SELECT value FROM json_each(?))`, [JSON.stringify(ids)]).map((v) => [v.id, v]));
  return { messages: ids.map((id) => byId.get(id)!), next, counts: after ? null : counts(h, which, filter) };
}

/** Messages still to go out (queued, held or sending): how many, and the earliest time one may go. */
export interface Waiting {
  count: number;
  /** Epoch ms; undefined when nothing waits. */
  firstDue: number | undefined;
}

export function waiting(h: OutboxDb): Waiting {
  const row = h.sql(`SELECT count(*) AS count, min(not_before) AS due FROM messages WHERE state IN ('queued', 'sending')`).get() as {
    count: number;
    due: number | null;
  };
  return { count: row.count, firstDue: row.due ?? undefined };
}

/** Newest first. */
export function attempts(h: OutboxDb, id: number): AttemptView[] {
  row(h, id); // an unknown id is an error, not an empty history
  const rows = h
    .sql('SELECT started_at, finished_at, stage, outcome, reply, error, transcript FROM attempts WHERE message_id = ? ORDER BY id DESC')
    .all(id) as AttemptRow[];
  return rows.map((r) => ({
    startedAt: iso(r.started_at)!,
    finishedAt: iso(r.finished_at),
    stage: r.stage,
    outcome: r.outcome,
    reply: r.reply,
    error: r.error,
    transcript: r.transcript ?? '',
  }));
}

function views(h: OutboxDb, sql: string, params: unknown[]): MessageView[] {
  const rows = h.sql(sql).all(...params) as MessageRow[];
  if (rows.length === 0) return [];
  const recipients = h
    .sql(`SELECT * FROM recipients WHERE message_id IN (${rows.map(() => '?').join(',')}) ORDER BY message_id, position`)
    .all(...rows.map((r) => r.id)) as RecipientRow[];
  const byMessage = Map.groupBy(recipients, (r) => r.message_id);
  const copies = sentCopyViews(
    h.sql,
    rows.filter((r) => r.state === 'sent').map((r) => r.id),
  );
  return rows.map((row) => ({
    id: row.id,
    accountId: row.account_id,
    accountName: row.account_name,
    messageId: row.message_id,
    from: row.from_header,
    subject: row.subject,
    state: row.state,
    hold: row.state === 'queued' && row.not_before > h.clock.now() ? row.hold : null,
    recipients: (byMessage.get(row.id) ?? []).map((r) => ({ address: r.address, kind: r.kind, state: r.state, reply: r.reply })),
    createdAt: iso(row.created_at)!,
    notBefore: row.state === 'queued' ? iso(row.not_before) : null,
    sentAt: iso(row.sent_at),
    attempts: row.attempts,
    lastReply: row.last_reply,
    lastStage: row.last_stage,
    lastError: row.last_error,
    size: row.size,
    submittedBy: row.submitted_by,
    deliveryReport: asked(row),
    sentCopy: copies.get(row.id) ?? null,
  }));
}

function asked(row: MessageRow): MessageView['deliveryReport'] {
  const report = deliveryReportOf(row.delivery_report);
  return report && { ...report, dropped: row.delivery_report_dropped === 1 };
}
