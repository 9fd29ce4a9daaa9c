/** Enqueue's row: the message, its draft and its recipients, queued. */
import { deliveryReportColumn } from '../../compose/delivery-report.ts';
import { removeFrozen, writeEnvelope } from './envelope-file.ts';
import type { OutboxDb } from './handle.ts';
import type { NewMessage } from './rows.ts';
import { indexMessages } from './search.ts';

/**
 * Durable once it resolves: the envelope file written, the rows committed, then the WAL synced off
 * the event loop. Refused (a full disk, a clash), it leaves neither row nor file behind.
 */
export async function insert(h: OutboxDb, message: NewMessage, now = h.clock.now()): Promise<number> {
  let id: number | undefined;
  try {
    await writeEnvelope(h.dir, message, now);
    id = h.wal.unsynced(() => h.transaction(insertRows)(h, message, now));
    await h.wal.sync();
  } catch (error) {
    // Committed but not yet synced, the row points at the files: they stay.
    if (id === undefined) await removeFrozen(h.dir, message.rawFile);
    throw error;
  }
  h.changed(id, 'queued');
  return id;
}

const INDEX_ONE = indexMessages('m.id = ?');

function insertRows(h: OutboxDb, message: NewMessage, now: number): number {
  const { lastInsertRowid } = h
    .sql(
      `INSERT INTO messages (account_id, account_name, message_id, envelope_from, from_header, subject, raw_file, size, state, not_before,
         hold, submitted_by, delivery_report, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      message.accountId,
      message.accountName,
      message.messageId,
      message.envelopeFrom,
      message.fromHeader,
      message.subject,
      message.rawFile,
      message.size,
      message.notBefore,
      message.hold,
      message.submittedBy ?? null,
      deliveryReportColumn(message.deliveryReport),
      now,
      now,
    );
  h.sql('INSERT INTO message_drafts (message_id, content) VALUES (?, ?)').run(lastInsertRowid, JSON.stringify(message.draft));
  const insertRecipient = h.sql('INSERT INTO recipients (message_id, position, kind, address) VALUES (?, ?, ?, ?)');
  message.recipients.forEach((r, position) => insertRecipient.run(lastInsertRowid, position, r.kind, r.address));
  h.sql(INDEX_ONE).run(lastInsertRowid);
  return Number(lastInsertRowid);
}
