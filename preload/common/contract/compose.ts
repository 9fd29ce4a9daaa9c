/** `compose`: what a message is made of, and what the composer asks while it is written. */
import * as z from 'zod/mini';
import { filePath } from './attachments.ts';
import { INLINE_CID } from '../mail-html.ts';
import { DSN_NOTIFY } from './choices.ts';
import { id, line, method, text } from './method.ts';

/** What a `mailto:` URL asks for (RFC 6068); the composer picks the account. */
export interface MailtoView {
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  text: string;
}

/**
 * A recipient domain's DNS answer: `ok` has MX (or A/AAAA), `no_mail` exists but takes no mail (null
 * MX, or no MX/A/AAAA), `nxdomain` does not exist, `unknown` could not be told (offline, timeout, DNS
 * refused or failed, or DNS that did not find the sending account's own domain either).
 */
export const DOMAIN_STATUSES = ['ok', 'no_mail', 'nxdomain', 'unknown'] as const;
export type DomainStatus = (typeof DOMAIN_STATUSES)[number];

export interface DomainCheckView {
  domain: string;
  status: DomainStatus;
}

/** The largest message an account's server takes: its EHLO SIZE when known, else a default for the attachments. */
export interface SizeLimitView {
  /** `server`: the SIZE of the whole encoded message; `default`: 25 MB of attachments. */
  bytes: number;
  source: 'server' | 'default';
  /** What the attachments may add up to (their file sizes, before base64): compare the composer's total with this. */
  attachmentBytes: number;
  /** Whether the server offers delivery reports (EHLO DSN); null: not connected yet. */
  deliveryReports: boolean | null;
}

export { DSN_NOTIFY };
export type DsnNotify = (typeof DSN_NOTIFY)[number];

/**
 * A delivery status notification request (RFC 3461): when the servers on the way report back
 * (`never`: not even on failure), and whether a report returns the message's headers or all of it.
 */
export const DeliveryReport = z.object({
  notify: z.union([z.literal('never'), z.array(z.enum(DSN_NOTIFY)).check(z.minLength(1), z.maxLength(3))]),
  returns: z._default(z.enum(['headers', 'full']), 'headers'),
});
export type DeliveryReport = z.output<typeof DeliveryReport>;

const recipientList = z._default(z.array(text(4096)).check(z.maxLength(1000)), []);

/** What a message (ComposeInput) and a draft (DraftInput) are made of. */
export const messageFields = {
  accountId: id,
  /** A From alias of the account (AccountView.identities); absent: the account's own address. */
  identityId: z.optional(id),
  /** Each entry is one address or a comma-separated list as a person types it. */
  to: recipientList,
  cc: recipientList,
  bcc: recipientList,
  subject: z._default(line(998), ''),
  /** The plain text; with `html` and empty, generated from the HTML. */
  text: z._default(text(20_000_000), ''),
  /** Rich text; sanitised by the core (bold, italic, underline, lists, links, quotes, paragraphs). */
  html: z.optional(text(20_000_000)),
  /** Overrides the identity's (or the account's) Reply-To. */
  replyTo: z.optional(line(998)),
  attachments: z._default(z.array(z.object({ path: filePath })).check(z.maxLength(100)), []),
  /** Images the HTML references as `cid:<cid>`. */
  inline: z._default(
    z
      .array(
        z.object({
          cid: z.string().check(z.regex(INLINE_CID, 'must be letters, digits, dots, dashes or underscores')),
          path: filePath,
        }),
      )
      .check(z.maxLength(100)),
    [],
  ),
};

export const composeMethods = {
  /**
   * Look up each recipient domain's mail servers (cached); never needed to send. A domain is said
   * not to exist (or to take no mail) only when the same DNS finds the sending account's own
   * domain or server just then; otherwise, as when DNS fails or does not answer, it is `unknown`.
   */
  checkDomains: method(z.tuple([z.array(line(253)).check(z.maxLength(100)), z.object({ accountId: id })])).returns<DomainCheckView[]>(),
  /** Parse a `mailto:` URL (RFC 6068) into what the composer prefills. */
  fromMailto: method(z.tuple([text(100_000)])).returns<MailtoView>(),
  /** How large a message the account's server takes, and what that leaves for attachments. */
  sizeLimit: method(z.tuple([id])).returns<SizeLimitView>(),
} as const;
