/**
 * Recipient and sender addresses: lists parsed with nodemailer's RFC 5322 address parser (names,
 * quoted strings, groups), each address then checked for a deliverable shape.
 */
import addressparser from 'nodemailer/lib/addressparser';
import { invalid } from '../app-error.ts';

export interface Mailbox {
  name: string;
  address: string;
}

// dot-atom local part (RFC 5322 atext) or a quoted string; non-ASCII allowed for SMTPUTF8.
const LOCAL_DOT_ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\uFFFF-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\uFFFF-]+)*$/;
const LOCAL_QUOTED = /^"([\x20\x21\x23-\x5B\x5D-\x7E\u0080-\uFFFF]|\\[\x20-\x7E])*"$/;
const DOMAIN_LABEL = /^(?!-)[A-Za-z0-9\u0080-\uFFFF-]{1,63}(?<!-)$/;
const ADDRESS_LITERAL = /^\[(\d{1,3}\.){3}\d{1,3}\]$/;

/** Why `address` cannot be sent to, or undefined when it looks deliverable. */
export function addressProblem(address: string): string | undefined {
  const at = address.lastIndexOf('@');
  if (at < 1) return 'needs a name before the @';
  if (at === address.length - 1) return 'needs a domain after the @';
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (address.length > 254) return 'is longer than 254 characters';
  if (local.length > 64) return 'has more than 64 characters before the @';
  if (!LOCAL_DOT_ATOM.test(local) && !LOCAL_QUOTED.test(local)) return 'has characters that are not allowed before the @';
  if (ADDRESS_LITERAL.test(domain)) return undefined;
  const labels = domain.split('.');
  if (labels.length < 2) return `has no dot in the domain "${domain}"`;
  if (!labels.every((label) => DOMAIN_LABEL.test(label))) return `has an invalid domain "${domain}"`;
  return undefined;
}

/** Parse what a person typed ("Ann <ann@x.org>, bob@y.org") into mailboxes; the first bad one is an error on `field`. */
export function parseAddressList(field: string, inputs: readonly string[]): Mailbox[] {
  const mailboxes: Mailbox[] = [];
  for (const input of inputs) {
    if (/[\r\n]/.test(input)) throw invalid(field, `${label(field)}: addresses cannot contain line breaks.`);
    // The parser would quietly drop a NUL or other control character and read something else than was typed.
    if (/[\x00-\x08\x0b-\x1f\x7f]/.test(input)) throw invalid(field, `${label(field)}: addresses cannot contain control characters.`);
    for (const parsed of addressparser(input, { flatten: true })) {
      const address = (parsed.address ?? '').trim();
      const name = (parsed.name ?? '').trim();
      if (!address) {
        if (!name) continue;
        throw invalid(field, `${label(field)}: "${name}" is not an email address.`);
      }
      const problem = addressProblem(address);
      if (problem) throw invalid(field, `${label(field)}: "${address}" is not a valid email address: it ${problem}.`);
      mailboxes.push({ name, address });
    }
  }
  return mailboxes;
}

/** Exactly one mailbox, e.g. an account's own address. */
export function parseMailbox(field: string, input: string): Mailbox {
  const list = parseAddressList(field, [input]);
  if (list.length !== 1) throw invalid(field, `${label(field)}: enter exactly one email address.`);
  return list[0]!;
}

const LABELS: Record<string, string> = { to: 'To', cc: 'Cc', bcc: 'Bcc', email: 'Email address', from: 'From' };
const label = (field: string): string => LABELS[field] ?? field;
