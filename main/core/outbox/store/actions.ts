/** What the user does to a message in the outbox, and what removing its account does to it. */
import { rm } from 'node:fs/promises';
import type { DraftView, MessageState, MessageView, OutboxChange } from '../../../../preload/common/contract/index.ts';
import { toDraftView } from '../../drafts/store.ts';
import { AppError } from '../../errors.ts';
import type { OutboxDb } from './handle.ts';
import type { MessageRow } from './rows.ts';
import { UNSENT } from './states.ts';
import { row, view } from './views.ts';

export function cancel(h: OutboxDb, id: number, now = h.clock.now()): MessageView {
  transition(h, id, ['queued', 'failed', 'uncertain'], 'cancelled', now, 'it is being sent right now or has already been sent');
  return view(h, id);
}

/** Queue a queued or failed message for an attempt right away. */
export function retry(h: OutboxDb, id: number, now = h.clock.now()): MessageView {
  transition(h, id, ['queued', 'failed'], 'queued', now, 'only queued or failed messages can be retried');
  return view(h, id);
}

/** The user judged an uncertain message lost: the same bytes, the same Message-ID, once more. */
export function resend(h: OutboxDb, id: number, now = h.clock.now()): MessageView {
  transition(h, id, ['uncertain'], 'queued', now, 'only a message whose delivery is uncertain can be sent again this way');
  return view(h, id);
}

/** The user judged an uncertain message delivered. */
export function markSent(h: OutboxDb, id: number, now = h.clock.now()): MessageView {
  h.transaction(markSentRows)(h, id, now);
  return view(h, id);
}

function markSentRows(h: OutboxDb, id: number, now: number): void {
  transition(h, id, ['uncertain'], 'sent', now, 'only a message whose delivery is uncertain can be marked as sent');
  h.sql('UPDATE messages SET sent_at = ? WHERE id = ?').run(now, id);
  h
    .sql(`UPDATE recipients SET state = 'accepted', reply = 'Marked as sent by you' WHERE message_id = ? AND state IN ('pending', 'deferred')`)
    .run(id);
}

/**
 * Undo send, or edit from the outbox: the message leaves the outbox (row and file) and its draft
 * goes back to the composer. Refused once an attempt has started or the message was sent.
 */
export async function takeBack(h: OutboxDb, id: number): Promise<DraftView> {
  const taken = h.transaction(takeBackRow)(h, id);
  if (!taken) {
    const { state } = row(h, id);
    throw new AppError('conflict', `Message ${id} is ${state}: ${state === 'sending' ? 'it is being sent right now' : 'it can no longer be taken back'}.`);
  }
  h.changed(id, 'cancelled');
  await rm(h.fileOf(taken), { force: true });
  return toDraftView(JSON.parse(taken.draft ?? 'null') as DraftView);
}

function takeBackRow(h: OutboxDb, id: number): { raw_file: string; draft: string | undefined } | undefined {
  // Read before the delete, which cascades to it.
  const draft = h.sql('SELECT content FROM message_drafts WHERE message_id = ?').get(id) as { content: string } | undefined;
  const row = h.sql(`DELETE FROM messages WHERE id = ? AND state IN ('queued', 'failed') RETURNING raw_file`).get(id) as Pick<MessageRow, 'raw_file'> | undefined;
  return row && { raw_file: row.raw_file, draft: draft?.content };
}

/**
 * The unsent mail of an account that is being removed, inside the caller's transaction (the
 * account's deletion): cancelled (`to` null; it stays visible as cancelled), or handed to `to`,
 * which sends the same frozen bytes from its own envelope sender. Returns the changes, for
 * `announce` once that transaction has committed.
 */
export function leaveAccount(h: OutboxDb, accountId: number, to: { id: number; name: string; email: string } | null, now = h.clock.now()): OutboxChange[] {
  const changed = to
    ? h.sql(`UPDATE messages SET account_id = ?, account_name = ?, envelope_from = ?, updated_at = ? WHERE account_id = ? AND ${UNSENT} RETURNING id, state`)
      .all(to.id, to.name, to.email, now, accountId)
    : h.sql(`UPDATE messages SET state = 'cancelled', hold = NULL, updated_at = ? WHERE account_id = ? AND ${UNSENT} RETURNING id, state`)
      .all(now, accountId);
  return changed as OutboxChange[];
}

/** Tell the listeners of changes made by `leaveAccount`, once the caller's transaction has committed. */
export function announce(h: OutboxDb, changes: readonly OutboxChange[]): void {
  for (const { id, state } of changes) h.changed(id, state);
}

function transition(h: OutboxDb, id: number, from: MessageState[], to: MessageState, now: number, why: string): void {
  const { changes } = h
    .sql(`UPDATE messages SET state = ?, not_before = min(not_before, ?), hold = NULL, updated_at = ? WHERE id = ? AND state IN (${from.map(() => '?').join(',')})`)
    .run(to, now, now, id, ...from);
  if (changes === 0) {
    const { state } = row(h, id);
    throw new AppError('conflict', `Message ${id} is ${state}: ${why}.`);
  }
  h.changed(id, to);
}
