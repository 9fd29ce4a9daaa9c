import type { AccountView } from '../../../preload/common/contract/index.ts';

export interface FromChoice {
  /** `<account id>:<identity id or empty>`, the <select>'s value. */
  value: string;
  label: string;
  accountId: number;
  identityId: number | null;
  replyTo: string;
  signature: string;
}

/** An address as mail shows it: `Ann <ann@example.org>`, or the bare address. */
export const mailboxLabel = (displayName: string, email: string) => (displayName ? `${displayName} <${email}>` : email);

/** Every address the person can send from: each account's own first, then its identities; the default account first. */
export function fromChoices(accounts: AccountView[]): FromChoice[] {
  const ordered = [...accounts].sort((a, b) => Number(b.isDefault) - Number(a.isDefault));
  return ordered.flatMap((a) => [
    {
      value: `${a.id}:`,
      label: `${mailboxLabel(a.displayName, a.email)} (${a.name})`,
      accountId: a.id,
      identityId: null,
      replyTo: a.replyTo ?? '',
      signature: a.signature,
    },
    ...a.identities.map((i) => ({
      value: `${a.id}:${i.id}`,
      label: `${mailboxLabel(i.displayName || a.displayName, i.email)} (${a.name})`,
      accountId: a.id,
      identityId: i.id,
      replyTo: i.replyTo ?? a.replyTo ?? '',
      signature: i.signature || a.signature,
    })),
  ]);
}
