/**
 * Which files a message may carry. The renderer is untrusted: it may name only files the user chose
 * in this process (the file dialog), uploaded into the staging folder, or that a stored draft or a
 * taken-back message already held. Anything else — `/etc/shadow` from a hostile page — is refused.
 */
import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, readdir, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { AttachmentView } from '../../../preload/common/contract/index.ts';
import { STAGE_LIMIT_BYTES } from '../../../preload/common/staging.ts';
import type { Db } from '../db/index.ts';
import { AppError, invalid } from '../app-error.ts';
import { UNSENT } from '../outbox/store/index.ts';

/** Where uploaded files wait until sent or discarded. */
export const stagingDir = (home: string): string => join(home, 'staging');

/** Staged files nothing refers to any more are kept this long (a draft being written may not be saved yet). */
const UNUSED_STAGING_AGE_MS = 24 * 3_600_000;

/**
 * Remove staged uploads that no draft and no unsent message refers to (sent messages carry their
 * attachments in the frozen bytes; the staged copy only serves a draft or a take-back).
 */
export async function removeUnusedStaging(home: string, db: Db, now = Date.now()): Promise<void> {
  const dir = stagingDir(home);
  const entries = await readdir(dir).catch(() => [] as string[]);
  const referenced = db.prepare(
    `SELECT 1 FROM drafts WHERE instr(content, @key) > 0
     UNION ALL SELECT 1 FROM messages m JOIN message_drafts d ON d.message_id = m.id
       WHERE ${UNSENT} AND instr(d.content, @key) > 0
     LIMIT 1`,
  );
  for (const entry of entries) {
    const path = join(dir, entry);
    const { mtimeMs } = await stat(path).catch(() => ({ mtimeMs: now }));
    // Each upload has a directory of its own named by a random id: that id in a draft means it is in use.
    if (now - mtimeMs > UNUSED_STAGING_AGE_MS && !referenced.get({ key: entry })) await rm(path, { recursive: true, force: true });
  }
}

/** A name the recipient's client can save safely: no directories, no control or bidi characters. */
export function safeFileName(name: string): string {
  const last = name.split(/[/\\]/).pop() ?? '';
  const clean = last
    .replace(/[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .trim()
    .replace(/^\.+/, '');
  return [...clean].slice(0, 200).join('') || 'attachment';
}

export class AttachmentGate {
  private readonly approved = new Set<string>();
  private readonly staging: string;

  constructor(home: string) {
    this.staging = stagingDir(home);
  }

  /** Files the user picked (or the core itself stored): from now on they may be attached. */
  async approve(paths: readonly string[]): Promise<AttachmentView[]> {
    const views: AttachmentView[] = [];
    for (const path of paths) {
      const view = await describe('attachments', path);
      this.approved.add(view.path);
      views.push(view);
    }
    return views;
  }

  /** Paths a stored draft holds: approved again if they are still there, listed as they were if not. */
  async restore<T extends AttachmentView>(items: readonly T[]): Promise<T[]> {
    return Promise.all(
      items.map(async (item) => {
        try {
          const [view] = await this.approve([item.path]);
          return { ...item, ...view };
        } catch {
          return item; // gone: sending says so
        }
      }),
    );
  }

  /** A file uploaded by the renderer (no file dialog, a drop, a paste), kept under its sanitised name. */
  async stage(name: string, base64: string): Promise<AttachmentView> {
    const data = Buffer.from(base64, 'base64');
    if (data.length > STAGE_LIMIT_BYTES) {
      throw invalid('attachments', `"${safeFileName(name)}" is ${overLimit(data.length, STAGE_LIMIT_BYTES)} for files added this way.`);
    }
    return this.store(name, data);
  }

  /** Bytes the core itself has (an attachment of a sent message, for Edit as new), kept as a staged file. */
  async store(name: string, data: Buffer): Promise<AttachmentView> {
    const dir = join(this.staging, randomUUID());
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const path = join(dir, safeFileName(name));
    await writeFile(path, data, { flag: 'wx', mode: 0o600 });
    const [view] = await this.approve([path]);
    return view!;
  }

  /** The file behind a path the renderer sent: refused unless approved, and still a readable regular file. */
  async check(field: string, path: string): Promise<AttachmentView> {
    let real: string;
    try {
      real = await realpath(path);
    } catch {
      throw invalid(field, `The attachment "${safeFileName(path)}" is no longer there: attach it again.`);
    }
    if (!this.approved.has(real)) throw invalid(field, `"${safeFileName(path)}" was not chosen as an attachment: add it with Attach.`);
    return describe(field, real);
  }
}

async function describe(field: string, path: string): Promise<AttachmentView> {
  const name = safeFileName(basename(path));
  try {
    const real = await realpath(path);
    const info = await stat(real);
    if (!info.isFile()) throw invalid(field, `"${name}" is not a file and cannot be attached.`);
    await access(real, constants.R_OK);
    return { path: real, name, size: info.size };
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw invalid(field, `"${name}" cannot be read: ${(error as NodeJS.ErrnoException).code ?? 'unknown error'}.`);
  }
}

/** "1.2 MB", "20 MB" (as the contract's stage refusal says it). */
export const megabytes = (bytes: number): string => `${Number((bytes / 1024 / 1024).toFixed(1))} MB`;

/**
 * "25.3 MB, over the 20 MB limit"; when both round to the same megabytes, by how much instead
 * ("1 byte over the 20 MB limit"), since "20 MB, over the 20 MB limit" tells nobody what to do.
 */
export function overLimit(bytes: number, limit: number): string {
  const [size, most] = [megabytes(bytes), megabytes(limit)];
  if (size !== most) return `${size}, over the ${most} limit`;
  const excess = bytes - limit;
  const amount = excess < 1024 ? `${excess} ${excess === 1 ? 'byte' : 'bytes'}` : `${Math.ceil(excess / 1024)} KB`;
  return `${amount} over the ${most} limit`;
}
