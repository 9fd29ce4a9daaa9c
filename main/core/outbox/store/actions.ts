/** What the user does to a message in the outbox, and what removing its account does to it. */
import type { BulkResult, BulkTarget, DraftView, MessageState, MessageView, OutboxChange } from '../../../../preload/common/contract/index.ts';
import { toDraftView } from '../../drafts/store.ts';
import { AppError } from '../../app-error.ts';
import { removeFrozen } from './envelope-file.ts';
import type { OutboxDb } from './handle.ts';
import type { MessageRow } from './rows.ts';
import { targetSql } from './search.ts';
import { changeState, stateIn, UNSENT } from './states.ts';
import { row, view } from './views.ts';

/**
 * A choice of the user's on one message: the states it is for (the guard holds it to TRANSITIONS
 * too), and why it is refused from any other the user still decides on (queued, failed, uncertain);
 * from the rest the refusal says where the message is (`beyondChoice`).
 */
interface Choice {
  from: readonly MessageState[];
  to: MessageState;
  /** Other columns it sets. */
  set?: string;
  /** What else it changes, in the same transaction (`@id` is the message). */
  also?: string;
  /** None for a choice open in every such state (cancel). */
  refused?: string;
  /** What else the message must have (an SQL condition on its row), and the refusal without it. */
  needs?: { where: string; refused: string };
}

/** The account that sends for an envelope sender: a message brought back by a repair has none until one matches. */
const ACCOUNT_OF_SENDER = `(SELECT a.id FROM accounts a WHERE a.email = messages.envelope_from COLLATE NOCASE ORDER BY a.is_default DESC, a.id LIMIT 1)`;

/** The user's choices on one message. */
const CHOICES = {
  cancel: { from: ['queued', 'failed', 'uncertain'], to: 'cancelled' },
  /** A queued or failed message due for an attempt right away. */
  retry: { from: ['queued', 'failed'], to: 'queued', refused: 'only queued or failed messages can be retried' },
  /** The user judged an uncertain message lost: the same bytes, the same Message-ID, once more. */
  resend: {
    from: ['uncertain'],
    to: 'queued',
    set: `account_id = coalesce(account_id, ${ACCOUNT_OF_SENDER})`,
    refused: 'only a message whose delivery is uncertain can be sent again this way',
    needs: {
      where: `(account_id IS NOT NULL OR ${ACCOUNT_OF_SENDER} IS NOT NULL)`,
      refused: 'it has no account to send from any more: add an account for its sender first, then send it again',
    },
  },
  /** The user judged an uncertain message delivered: the recipients not yet decided are taken as accepted. */
  markSent: {
    from: ['uncertain'],
    to: 'sent',
    set: 'sent_at = @now',
    refused: 'only a message whose delivery is uncertain can be marked as sent',
    also: `UPDATE recipients SET state = 'accepted', reply = 'Marked as sent by you' WHERE message_id = @id AND state IN ('pending', 'deferred')`,
  },
} as const satisfies Record<string, Choice>;

export const cancel = (h: OutboxDb, id: number, now = h.clock.now()) => decide(h, CHOICES.cancel, id, now);
export const retry = (h: OutboxDb, id: number, now = h.clock.now()) => decide(h, CHOICES.retry, id, now);
export const resend = (h: OutboxDb, id: number, now = h.clock.now()) => decide(h, CHOICES.resend, id, now);
export const markSent = (h: OutboxDb, id: number, now = h.clock.now()) => decide(h, CHOICES.markSent, id, now);

/** The choice made on message `id`, announced once committed; or a conflict that says why not. */
function decide(h: OutboxDb, choice: Choice, id: number, now: number): MessageView {
  h.transaction(choose)(h, choice, id, now);
  h.changed(id, choice.to);
  return view(h, id);
}

function choose(h: OutboxDb, { from, to, set, also, refused, needs }: Choice, id: number, now: number): void {
  const { changes } = h
    .sql(
      changeState({
        to,
        set: `not_before = min(not_before, @now), hold = NULL, updated_at = @now${set ? `, ${set}` : ''}`,
        where: `id = @id AND ${stateIn(from)}${needs ? ` AND ${needs.where}` : ''}`,
      }),
    )
    .run({ id, now });
  if (changes === 0) {
    const message = row(h, id);
    const why = needs && (from as readonly MessageState[]).includes(message.state) ? needs.refused : refused;
    throw new AppError('conflict', beyondChoice(message) ?? `Message ${id} is ${message.state}: ${why}.`);
  }
  if (also) h.sql(also).run({ id });
}

/**
 * Bulk actions: the choice made on every message of the target it applies to (retry: the failed
 * ones; cancel: all it can cancel), in one transaction, each change announced as a single one is.
 */
export const retryAll = (h: OutboxDb, target: BulkTarget, now = h.clock.now()) => decideAll(h, BULK.retry, target, now);
export const cancelAll = (h: OutboxDb, target: BulkTarget, now = h.clock.now()) => decideAll(h, BULK.cancel, target, now);

/** Retrying in bulk is for what failed: a queued message is on its way already, and one held for its time stays held. */
const BULK = { retry: { ...CHOICES.retry, from: ['failed'] }, cancel: CHOICES.cancel } as const satisfies Record<string, Choice>;

function decideAll(h: OutboxDb, choice: Choice, target: BulkTarget, now: number): BulkResult {
  const { changes, size } = h.transaction(chooseAll)(h, choice, target, now);
  for (const id of changes) h.changed(id, choice.to);
  return { changed: changes.length, unchanged: size - changes.length };
}

function chooseAll(h: OutboxDb, { from, to }: Choice, target: BulkTarget, now: number): { changes: number[]; size: number } {
  const { where, params } = targetSql(target);
  const { size } = h.sql(`SELECT count(*) AS size FROM messages WHERE ${where}`).get(...params) as { size: number };
  const changed = h
    .sql(
      changeState({
        to,
        set: 'not_before = min(not_before, ?), hold = NULL, updated_at = ?',
        where: `${where} AND ${stateIn(from)}`,
        returning: 'id',
      }),
    )
    .all(now, now, ...params) as { id: number }[];
  return { changes: changed.map((r) => r.id), size };
}

/**
 * Undo send, or edit from the outbox: the message leaves the outbox (row and file) and its draft
 * goes back to the composer. Refused once an attempt has started or the message was sent.
 */
export async function takeBack(h: OutboxDb, id: number): Promise<DraftView> {
  const taken = h.transaction(takeBackRow)(h, id);
  if (!taken) {
    const message = row(h, id);
    throw new AppError('conflict', beyondChoice(message) ?? `Message ${id} is ${message.state}: it can no longer be taken back.`);
  }
  h.changed(id, 'cancelled');
  await removeFrozen(h.dir, taken.raw_file);
  return toDraftView(JSON.parse(taken.draft ?? 'null') as DraftView);
}

/** Why nothing can be done to a message now, whatever was asked, in words of where it is; undefined while the user decides on it. */
function beyondChoice({ id, state, sent_at }: Pick<MessageRow, 'id' | 'state' | 'sent_at'>): string | undefined {
  if (state === 'sending') return `Message ${id} is being sent right now: wait for the attempt to finish.`;
  if (state === 'sent') return `Message ${id} was sent on ${new Date(sent_at!).toLocaleString()}.`;
  if (state === 'cancelled') return `Message ${id} is already cancelled.`;
  return undefined;
}

function takeBackRow(h: OutboxDb, id: number): { raw_file: string; draft: string | undefined } | undefined {
  // Read before the delete, which cascades to it.
  const draft = h.sql('SELECT content FROM message_drafts WHERE message_id = ?').get(id) as { content: string } | undefined;
  const row = h.sql(`DELETE FROM messages WHERE id = ? AND state IN ('queued', 'failed') RETURNING raw_file`).get(id) as
    Pick<MessageRow, 'raw_file'> | undefined;
  return row && { raw_file: row.raw_file, draft: draft?.content };
}

const CANCEL_WITH_ACCOUNT = changeState({ to: 'cancelled', set: 'hold = NULL, updated_at = ?', where: `account_id = ? AND ${UNSENT}`, returning: 'id, state' });

/**
 * The unsent mail of an account that is being removed, inside the caller's transaction (the
 * account's deletion): cancelled (`to` null; it stays visible as cancelled), or handed to `to`,
 * which sends the same frozen bytes from its own envelope sender. Returns the changes, for
 * `announce` once that transaction has committed. The caller has refused if any is being sent:
 * neither may happen to a message in `sending`.
 */
export function leaveAccount(h: OutboxDb, accountId: number, to: { id: number; name: string; email: string } | null, now = h.clock.now()): OutboxChange[] {
  const changed = to
    ? h
        .sql(`UPDATE messages SET account_id = ?, account_name = ?, envelope_from = ?, updated_at = ? WHERE account_id = ? AND ${UNSENT} RETURNING id, state`)
        .all(to.id, to.name, to.email, now, accountId)
    : h.sql(CANCEL_WITH_ACCOUNT).all(now, accountId);
  return changed as OutboxChange[];
}

/** Tell the listeners of changes made by `leaveAccount`, once the caller's transaction has committed. */
export function announce(h: OutboxDb, changes: readonly OutboxChange[]): void {
  for (const { id, state } of changes) h.changed(id, state);
}
