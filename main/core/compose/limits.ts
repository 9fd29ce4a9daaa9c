/**
 * What an account's server said it accepts (EHLO SIZE and SMTPUTF8), remembered from the last
 * connection that saw its EHLO, so the composer can refuse an oversized message before writing it.
 */
import type { SizeLimitView, SmtpCapabilities } from '../../../preload/common/contract/index.ts';
import type { Db } from '../db/index.ts';
import { megabytes, overLimit } from './attachments.ts';

/** When the server has not told us its SIZE: the attachments' total most providers accept. */
export const DEFAULT_ATTACHMENT_LIMIT = 25 * 1024 * 1024;

export interface ServerLimits {
  size: number | null;
  smtpUtf8: boolean;
  /** null: not seen since the version that records it. */
  dsn: boolean | null;
}

export class ServerLimitStore {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  record(accountId: number, capabilities: Pick<SmtpCapabilities, 'size' | 'smtpUtf8'> & Partial<Pick<SmtpCapabilities, 'dsn'>>): void {
    this.db
      .prepare(
        `INSERT INTO server_capabilities (account_id, size, smtp_utf8, dsn, seen_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (account_id) DO UPDATE SET size = excluded.size, smtp_utf8 = excluded.smtp_utf8, dsn = excluded.dsn, seen_at = excluded.seen_at`,
      )
      .run(accountId, capabilities.size, capabilities.smtpUtf8 ? 1 : 0, capabilities.dsn === undefined ? null : Number(capabilities.dsn), Date.now());
  }

  /** undefined: never connected yet. */
  get(accountId: number): ServerLimits | undefined {
    const row = this.db.prepare('SELECT size, smtp_utf8, dsn FROM server_capabilities WHERE account_id = ?').get(accountId) as
      { size: number | null; smtp_utf8: number; dsn: number | null } | undefined;
    return row && { size: row.size, smtpUtf8: row.smtp_utf8 === 1, dsn: row.dsn === null ? null : row.dsn === 1 };
  }

  sizeLimit(accountId: number): SizeLimitView {
    const known = this.get(accountId);
    const deliveryReports = known?.dsn ?? null;
    const size = known?.size;
    // SIZE 0 means "no fixed limit" (RFC 1870): the default still guards against runaway messages.
    if (!size) return { bytes: DEFAULT_ATTACHMENT_LIMIT, source: 'default', attachmentBytes: DEFAULT_ATTACHMENT_LIMIT, deliveryReports };
    return { bytes: size, source: 'server', attachmentBytes: Math.max(0, Math.floor((((size - OVERHEAD) * 3) / 4) * (76 / 78))), deliveryReports };
  }

  /** Why a message of this text and these files is too large for the account, or undefined. */
  problem(accountId: number, host: string, bodyBytes: number, fileSizes: readonly number[]): string | undefined {
    const limit = this.sizeLimit(accountId);
    if (limit.source === 'default') {
      const total = fileSizes.reduce((sum, n) => sum + n, 0);
      return total > limit.bytes ? `The attachments are ${overLimit(total, limit.bytes)}: remove some or share large files as links.` : undefined;
    }
    const size = estimatedSize(bodyBytes, fileSizes);
    return size > limit.bytes
      ? `This message would be about ${megabytes(size)} once encoded, over the ${megabytes(limit.bytes)} that ${host} accepts: remove attachments or share large files as links.`
      : undefined;
  }
}

/** Headers and MIME boundaries, beside the parts themselves. */
const OVERHEAD = 4096;

/**
 * The message's size once encoded, from its parts, before anything is written: base64 makes 3 bytes
 * 4 and adds a CRLF every 76 characters; each part has its own headers.
 */
function estimatedSize(bodyBytes: number, fileSizes: readonly number[]): number {
  const base64 = (n: number) => Math.ceil(n / 3) * 4 * (78 / 76);
  return Math.ceil(bodyBytes + fileSizes.reduce((sum, n) => sum + base64(n) + 512, 0) + OVERHEAD);
}
