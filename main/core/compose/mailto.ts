/**
 * `mailto:` URLs (RFC 6068) → what the composer prefills. Only to, cc, bcc, subject and body are
 * taken; any other header a link names (From, Reply-To, In-Reply-To, X-anything…) is ignored, so a
 * web page cannot make the user send something other than what they see.
 */
import addressparser from 'nodemailer/lib/addressparser';
import type { MailtoView } from '../../../preload/common/contract/index.ts';
import { invalid } from '../app-error.ts';

/** As the contract's recipient lists allow. */
const MAX_RECIPIENTS = 1000;

export function parseMailto(url: string): MailtoView {
  const match = /^mailto:([^?#]*)(?:\?([^#]*))?/i.exec(url.trim());
  if (!match) throw invalid('url', 'This is not a mailto: link.');
  const view: MailtoView = { to: [], cc: [], bcc: [], subject: '', text: '' };
  addRecipients(view.to, decode(match[1]!));
  let subject: string | undefined;
  let body: string | undefined;
  for (const field of (match[2] ?? '').split('&')) {
    if (!field) continue;
    const eq = field.indexOf('=');
    const name = decode(eq < 0 ? field : field.slice(0, eq)).toLowerCase();
    const value = eq < 0 ? '' : decode(field.slice(eq + 1));
    switch (name) {
      case 'to':
      case 'cc':
      case 'bcc':
        addRecipients(view[name], value);
        break;
      case 'subject':
        subject ??= value; // the first one counts, as in most clients
        break;
      case 'body':
        body ??= value;
        break;
      default: // RFC 6068 §3: unknown and unsafe header fields are ignored
    }
  }
  // A subject is one line; the body's line breaks (%0D%0A) become the composer's.
  view.subject = (subject ?? '').replace(/[\r\n]+/g, ' ').trim();
  view.text = (body ?? '').replace(/\r\n?/g, '\n');
  return view;
}

/** Percent-decoding as UTF-8 (RFC 6068 §2); `+` stays a plus. */
function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw invalid('url', 'This mailto: link has broken percent-encoding (e.g. a lone "%").');
  }
}

function addRecipients(list: string[], value: string): void {
  // One line each: a line break must not smuggle anything into the composer's fields.
  for (const { name, address } of addressparser(value.replace(/[\r\n]+/g, ' '), { flatten: true })) {
    if (!address || list.length >= MAX_RECIPIENTS) continue;
    list.push(name ? `"${name.replace(/["\\]/g, '\\$&')}" <${address}>` : address);
  }
}
