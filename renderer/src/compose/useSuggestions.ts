import { useEffect, useState } from 'react';
import type { AccountView } from '../../../preload/common/contract/index.ts';
import { mailboxLabel } from './from-choices.ts';

/** Addresses to suggest: everyone written to before (Sent), and the person's own addresses. */
export function useSuggestions(accounts: AccountView[] | null): string[] {
  const [sent, setSent] = useState<string[]>([]);
  useEffect(() => {
    void window.outbound.sent.list().then((result) => {
      if (result.ok) setSent(result.value.flatMap((m) => m.recipients.map((r) => r.address)));
    });
  }, []);
  const own = (accounts ?? []).flatMap((a) => [mailboxLabel(a.displayName, a.email), ...a.identities.map((i) => mailboxLabel(i.displayName, i.email))]);
  return [...new Set([...sent, ...own])];
}
