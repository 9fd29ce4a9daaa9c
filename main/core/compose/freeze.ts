/**
 * Freezing a message: build the RFC 5322 bytes once (Message-ID and Date fixed) with nodemailer's
 * MailComposer and make them durable before enqueue returns. Every attempt then submits these exact
 * bytes, so a retry is byte-identical and recognisable by its Message-ID.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Mailbox } from './address.ts';

export interface Draft {
  from: Mailbox;
  replyTo?: Mailbox | undefined;
  to: Mailbox[];
  cc: Mailbox[];
  bcc: Mailbox[];
  subject: string;
  text: string;
  /** Sanitised HTML: the message becomes multipart/alternative. */
  html?: string | undefined;
  /** Files streamed from disk into the message, never held in memory. */
  attachments?: { path: string; name: string }[];
  inline?: { cid: string; path: string; name: string }[];
}

export interface FrozenMessage {
  messageId: string;
  /** File name inside the messages directory. */
  file: string;
  size: number;
  date: Date;
}

export function newMessageId(from: Mailbox): string {
  const domain = from.address.slice(from.address.lastIndexOf('@') + 1).toLowerCase() || 'outbound.invalid';
  return `<${randomUUID()}@${domain}>`;
}

export async function freezeMessage(dir: string, draft: Draft, date = new Date()): Promise<FrozenMessage> {
  const messageId = newMessageId(draft.from);
  // Loaded when a message is frozen, not when the core opens: a command that sends nothing never needs it.
  const { default: MailComposer } = await import('nodemailer/lib/mail-composer');
  const composer = new MailComposer({
    from: draft.from,
    ...(draft.replyTo ? { replyTo: draft.replyTo } : {}),
    to: draft.to,
    cc: draft.cc,
    bcc: draft.bcc, // MailComposer leaves Bcc out of the headers; the envelope carries it
    subject: draft.subject,
    text: draft.text,
    ...(draft.html !== undefined ? { html: draft.html } : {}),
    // `path` makes MailComposer stream each file while the message is written; names are RFC 2231 encoded.
    attachments: [
      ...(draft.attachments ?? []).map((a) => ({ path: a.path, filename: a.name })),
      ...(draft.inline ?? []).map((a) => ({ path: a.path, filename: a.name, cid: a.cid, contentDisposition: 'inline' as const })),
    ],
    messageId,
    date,
  });
  return { messageId, date, ...(await writeFrozen(dir, composer.compile().createReadStream())) };
}

/**
 * Write a message's bytes, with canonical CRLF line endings, to a new file in the messages directory
 * and make the file and its directory entry durable before resolving.
 */
export async function writeFrozen(dir: string, source: Readable): Promise<{ file: string; size: number }> {
  await mkdir(dir, { recursive: true });
  const name = `${randomUUID()}.eml`;
  const file = join(dir, name);
  // `flush`: fsync'd before the stream closes. The new directory entry is fsync'd at the same time, as
  // both must be durable before the row that points at the file is committed. A crash half-way leaves
  // a file without a row, which removeOrphanFiles deletes.
  const out = createWriteStream(file, { flags: 'wx', flush: true });
  try {
    await Promise.all([pipeline(source, canonicalLineEndings(), out), once(out, 'open').then(() => fsync(dir))]);
  } catch (error) {
    await rm(file, { force: true });
    throw error;
  }
  return { file: name, size: out.bytesWritten };
}

/**
 * SMTP carries CRLF lines; nodemailer's DATA stream would fix bare LFs on the wire. Fixing them here
 * instead makes the file exactly the bytes every attempt transmits, ending in CRLF.
 */
function canonicalLineEndings(): Transform {
  let carry = ''; // a CR at the end of a chunk may be the first half of a CRLF
  let last = '';
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      // MailComposer's own lines (headers, base64 of attachments) are CRLF already: pass those chunks
      // through untouched, without turning megabytes of attachment into strings.
      if (!carry && chunk.length > 0 && isCanonical(chunk)) {
        last = chunk.subarray(-1).toString('latin1');
        return callback(null, chunk);
      }
      let text = carry + chunk.toString('latin1'); // latin1 maps bytes 1:1
      carry = text.endsWith('\r') ? '\r' : '';
      if (carry) text = text.slice(0, -1);
      if (text) last = text.slice(-1);
      callback(null, Buffer.from(text.replace(/\r\n|\r|\n/g, '\r\n'), 'latin1'));
    },
    flush(callback: TransformCallback) {
      if (carry) return callback(null, Buffer.from('\r\n'));
      return callback(null, last === '\n' ? undefined : Buffer.from('\r\n'));
    },
  });
}

/** Every CR followed by LF and every LF preceded by CR, and no CR at the end (it may pair with the next chunk). */
function isCanonical(chunk: Buffer): boolean {
  if (chunk[chunk.length - 1] === 0x0d || chunk[0] === 0x0a) return false;
  for (let cr = chunk.indexOf(0x0d); cr !== -1; cr = chunk.indexOf(0x0d, cr + 1)) {
    if (chunk[cr + 1] !== 0x0a) return false;
  }
  for (let lf = chunk.indexOf(0x0a); lf !== -1; lf = chunk.indexOf(0x0a, lf + 1)) {
    if (chunk[lf - 1] !== 0x0d) return false;
  }
  return true;
}

/** A file's (or a directory's entries') writes, durable. */
export async function fsync(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
