import { useEffect, useMemo, useRef, useState } from 'react';
import type { DomainStatus } from '../../../preload/common/contract/index.ts';
import { addressProblem, domainOf, parseEntry } from './recipient-text.ts';

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
  const domains = [
    ...new Set(
      entries
        .map((e) => parseEntry(e).address)
        .filter((a) => addressProblem(a) === null)
        .map(domainOf),
    ),
  ].sort();
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
