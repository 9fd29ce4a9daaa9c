/**
 * What the recipient fields need to turn typed or pasted text into chips, one per address. The core
 * parses and checks again on send (main/core/compose/address.ts); these rules only let the chips
 * say early what the core would refuse, so they are kept to the same few shape checks.
 */

export interface Mailbox {
  name: string;
  address: string;
}

/**
 * Split a list as people paste it — "Ann <ann@x.org>, bob@y.org; Team: a@x.org, b@x.org;" — into
 * one entry per address: commas and semicolons separate, group names ("Team:") are dropped, and
 * separators inside quotes or angle brackets are part of the entry.
 */
export function splitRecipients(text: string): string[] {
  const entries: string[] = [];
  let current = '';
  let quoted = false;
  let angled = false;
  for (const char of text) {
    if (char === '"' && !angled) quoted = !quoted;
    else if (!quoted && char === '<') angled = true;
    else if (!quoted && char === '>') angled = false;
    if (!quoted && !angled && (char === ',' || char === ';' || char === '\n')) {
      entries.push(current);
      current = '';
    } else if (!quoted && !angled && char === ':') {
      current = ''; // "Team:" names a group; its members become chips of their own.
    } else {
      current += char;
    }
  }
  entries.push(current);
  return entries.map((e) => e.trim()).filter((e) => e !== '');
}

/** One entry ("Ann <ann@x.org>", "\"Doe, Ann\" <ann@x.org>", "ann@x.org") as a name and an address. */
export function parseEntry(entry: string): Mailbox {
  const angled = /^(.*)<([^<>]*)>\s*$/s.exec(entry.trim());
  if (!angled) return { name: '', address: entry.trim() };
  const name = angled[1]!
    .trim()
    .replace(/^"(.*)"$/s, '$1')
    .replace(/\\(.)/g, '$1');
  return { name, address: angled[2]!.trim() };
}

/** The entry as it goes to the core: the name quoted when it holds characters that would split it. */
export function formatMailbox({ name, address }: Mailbox): string {
  if (!name) return address;
  const safeName = /[",;:<>@()[\]\\]/.test(name) ? `"${name.replace(/["\\]/g, '\\$&')}"` : name;
  return `${safeName} <${address}>`;
}

const LOCAL_PART = /^([A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\uFFFF-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\uFFFF-]+)*|"[^"\\\r\n]*")$/;
const DOMAIN_LABEL = /^(?!-)[A-Za-z0-9\u0080-\uFFFF-]{1,63}(?<!-)$/;

/** Why an address cannot be sent to, as the end of a sentence ("needs a domain after the @"), or null. */
export function addressProblem(address: string): string | null {
  if (address === '') return 'is empty';
  if (/\s/.test(address)) return 'contains a space';
  const at = address.lastIndexOf('@');
  if (at < 0) return 'needs an @ and a domain, like name@example.org';
  if (at === 0) return 'needs a name before the @';
  if (at === address.length - 1) return 'needs a domain after the @';
  if (address.length > 254) return 'is longer than 254 characters';
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (local.length > 64) return 'has more than 64 characters before the @';
  if (!LOCAL_PART.test(local)) return 'has characters that are not allowed before the @';
  if (/^\[(\d{1,3}\.){3}\d{1,3}\]$/.test(domain)) return null;
  const labels = domain.split('.');
  if (labels.length < 2) return `has no dot in the domain “${domain}”`;
  if (!labels.every((label) => DOMAIN_LABEL.test(label))) return `has an invalid domain “${domain}”`;
  return null;
}

/** The domain part, lower-cased, as the domain check looks it up. */
export const domainOf = (address: string): string => address.slice(address.lastIndexOf('@') + 1).toLowerCase();

/** A recipient field's state: the chips (one address each, as typed) and what is still being typed. */
export interface Recipients {
  chips: string[];
  pending: string;
}
export const noRecipients: Recipients = { chips: [], pending: '' };

/** Every address of the field, the half-typed one included, as the core takes them. */
export const recipientEntries = (r: Recipients): string[] => [...r.chips, ...splitRecipients(r.pending)];

/** Why a chip cannot be sent to, as a whole sentence, or null when it looks fine. */
export function chipProblem(entry: string, domainWarnings: ReadonlyMap<string, string>): string | null {
  const { address } = parseEntry(entry);
  const problem = addressProblem(address);
  if (problem) return `“${address}” ${problem}.`;
  return domainWarnings.get(domainOf(address)) ?? null;
}
