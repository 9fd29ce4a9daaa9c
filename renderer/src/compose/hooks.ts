import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { AccountView, DomainStatus, DraftInput, SavedDraftView } from '../../../preload/common/contract/index.ts';
import { addressProblem, domainOf, parseEntry } from './addresses.ts';

/** What the person is told about a domain the DNS check found wrong. */
const DOMAIN_WARNINGS: Partial<Record<DomainStatus, (domain: string) => string>> = {
  nxdomain: (d) => `No such domain: “${d}” does not exist. Check the spelling.`,
  no_mail: (d) => `“${d}” exists but takes no mail.`,
};

export interface DomainCheck {
  /** Domains the check found wrong, with what to tell the person. */
  warnings: ReadonlyMap<string, string>;
  /** Some domain on screen could not be checked (DNS offline, failing, or not trustworthy just now). */
  unchecked: boolean;
}

/**
 * The DNS check of the recipients' domains on screen: each new domain is looked up a moment after
 * typing stops (the core caches too), for the From account, whose own domain and server tell the
 * core whether DNS works. An unknown answer warns about nothing and is asked again when the
 * recipients or From change.
 */
export function useDomainCheck(entries: readonly string[], accountId: number | null): DomainCheck {
  const statuses = useRef(new Map<string, DomainStatus>());
  const [known, setKnown] = useState<ReadonlyMap<string, DomainStatus>>(new Map());
  const domains = [...new Set(entries.map((e) => parseEntry(e).address).filter((a) => addressProblem(a) === null).map(domainOf))].sort();
  const key = domains.join(' ');

  useEffect(() => {
    const unanswered = key.split(' ').filter((d) => d !== '' && (statuses.current.get(d) ?? 'unknown') === 'unknown');
    if (unanswered.length === 0 || accountId === null) return;
    const timer = setTimeout(() => {
      void window.outbound.compose.checkDomains(unanswered.slice(0, 100), { accountId }).then((result) => {
        if (!result.ok) return;
        for (const { domain, status } of result.value) statuses.current.set(domain, status);
        setKnown(new Map(statuses.current));
      });
    }, 400);
    return () => clearTimeout(timer);
  }, [key, accountId]);

  const warnings = useMemo(() => {
    const found = new Map<string, string>();
    for (const [domain, status] of known) {
      const warn = DOMAIN_WARNINGS[status];
      if (warn) found.set(domain, warn(domain));
    }
    return found;
  }, [known]);
  return { warnings, unchecked: domains.some((d) => known.get(d) === 'unknown') };
}

export interface FromChoice {
  /** `<account id>:<identity id or empty>`, the <select>'s value. */
  value: string;
  label: string;
  accountId: number;
  identityId: number | null;
  replyTo: string;
  signature: string;
}

const mailboxLabel = (displayName: string, email: string) => (displayName ? `${displayName} <${email}>` : email);

/** Every address the person can send from: each account's own first, then its identities; the default account first. */
export function fromChoices(accounts: AccountView[]): FromChoice[] {
  const ordered = [...accounts].sort((a, b) => Number(b.isDefault) - Number(a.isDefault));
  return ordered.flatMap((a) => [
    { value: `${a.id}:`, label: `${mailboxLabel(a.displayName, a.email)} (${a.name})`, accountId: a.id, identityId: null, replyTo: a.replyTo ?? '', signature: a.signature },
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

/** The key under which the composer remembers its open draft, to reopen it after a reload or a crash. */
const OPEN_DRAFT = 'outbound.openDraft';
export const rememberOpenDraft = (id: number | null) => (id === null ? localStorage.removeItem(OPEN_DRAFT) : localStorage.setItem(OPEN_DRAFT, String(id)));
export const openDraftId = (): number | null => {
  const id = Number(localStorage.getItem(OPEN_DRAFT));
  return Number.isSafeInteger(id) && id > 0 ? id : null;
};

/**
 * Autosave: `message` (null until the person changed something) is saved a second after it last
 * changed, one save at a time so that the first save's new id is used by the next, and at once when
 * the composer closes within that second.
 */
export function useAutosave(message: DraftInput | null, initialId: number | null, onSaved: (draft: SavedDraftView) => void, onError: (message: string) => void) {
  const id = useRef<number | null>(initialId);
  const queue = useRef<Promise<void>>(Promise.resolve());
  /** While a send is under way: a save then would bring the draft back (or make a new one). */
  const paused = useRef(false);
  const pending = useRef<string | null>(null);
  const report = useRef({ onSaved, onError });
  report.current = { onSaved, onError };
  const key = message ? JSON.stringify(message) : null;

  const save = useCallback((json: string) => {
    queue.current = queue.current.then(async () => {
      if (paused.current) return;
      const input = JSON.parse(json) as DraftInput;
      const result = await window.outbound.drafts.save(id.current === null ? input : { ...input, id: id.current });
      if (!result.ok) return report.current.onError(result.error.message);
      id.current = result.value.id;
      rememberOpenDraft(result.value.id);
      report.current.onSaved(result.value);
    });
  }, []);

  useEffect(() => {
    pending.current = key;
    if (key === null) {
      paused.current = false; // a fresh message after a send
      return;
    }
    const timer = setTimeout(() => {
      pending.current = null;
      save(key);
    }, 1000);
    return () => clearTimeout(timer);
  }, [key, save]);

  useEffect(
    () => () => {
      if (pending.current !== null) save(pending.current);
    },
    [save],
  );

  return {
    /** Stop saving and wait for a save under way: the draft's id, for the send to discard it. */
    async pause(): Promise<number | null> {
      paused.current = true;
      await queue.current;
      return id.current;
    },
    /** The send failed: the draft stays and saving goes on. */
    resume: () => void (paused.current = false),
    /** The message was sent (the core discarded its draft) or taken away: the next one is a new draft. */
    forget() {
      id.current = null;
      rememberOpenDraft(null);
    },
  };
}
