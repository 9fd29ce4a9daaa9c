/**
 * The recipient domain check (what a relaying server does first: find the domain's mail servers in
 * DNS). Answers are cached for the process; a lookup that fails for network reasons says `unknown`
 * and is cached only briefly. Sending never waits for it: the composer only flags a chip.
 *
 * Offline, behind a captive portal or a broken resolver, every name can come back NXDOMAIN (or
 * empty). So a negative answer (`nxdomain`, `no_mail`) is believed only when the same resolver
 * finds a control name at that moment: the sending account's own domain or its server. Otherwise
 * the domain is `unknown`, as it is when the resolver refuses, fails or does not answer.
 */
import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';
import type { DomainCheckView, DomainStatus } from '../../../preload/common/contract/index.ts';

export interface DomainCheckOptions {
  /** DNS servers (`host` or `host:port`); default: the system's. */
  servers?: string[];
  /** How long an answer is kept. */
  ttlMs?: number;
  /** How long a failed lookup (`unknown`) is kept before asking again. */
  unknownTtlMs?: number;
  /** How long a control name's answer is kept: the resolver may break (go offline) at any time. */
  controlTtlMs?: number;
  timeoutMs?: number;
}

type Cache = Map<string, { status: Promise<DomainStatus>; until: number }>;

/** The names that show whether the resolver works for an account: its domain and its server's name (an IP literal proves nothing). */
export function controlNames(account: { email: string; host: string }): string[] {
  const domain = account.email.slice(account.email.lastIndexOf('@') + 1);
  return [...new Set([domain, account.host].map(normalized))].filter((name) => name.includes('.') && isIP(name) === 0);
}

const normalized = (domain: string) => domain.trim().toLowerCase().replace(/\.$/, '');

export class DomainChecker {
  private readonly resolver: Resolver;
  private readonly ttlMs: number;
  private readonly unknownTtlMs: number;
  private readonly controlTtlMs: number;
  private readonly answers: Cache = new Map();
  private readonly controls: Cache = new Map();

  constructor(options: DomainCheckOptions = {}) {
    this.resolver = new Resolver({ timeout: options.timeoutMs ?? 3000, tries: 2 });
    if (options.servers) this.resolver.setServers(options.servers);
    this.ttlMs = options.ttlMs ?? 30 * 60_000;
    this.unknownTtlMs = options.unknownTtlMs ?? 30_000;
    this.controlTtlMs = options.controlTtlMs ?? 60_000;
  }

  /** `controls`: names that exist (see controlNames); without one that resolves, no domain is said not to exist. */
  check(domains: readonly string[], controls: readonly string[]): Promise<DomainCheckView[]> {
    return Promise.all(domains.map(async (domain) => ({ domain, status: await this.status(normalized(domain), controls) })));
  }

  private status(name: string, controls: readonly string[]): Promise<DomainStatus> {
    return remembered(
      this.answers,
      name,
      (s) => (s === 'unknown' ? this.unknownTtlMs : this.ttlMs),
      async () => {
        const found = await this.lookup(name);
        if (found === 'ok' || found === 'unknown') return found;
        return (await this.resolverWorks(controls)) ? found : 'unknown';
      },
    );
  }

  private async resolverWorks(controls: readonly string[]): Promise<boolean> {
    const answers = await Promise.all(
      controls.map((name) =>
        remembered(
          this.controls,
          name,
          () => this.controlTtlMs,
          () => this.lookup(name),
        ),
      ),
    );
    return answers.includes('ok');
  }

  private async lookup(name: string): Promise<DomainStatus> {
    if (/^\[.*\]$/.test(name) && isIP(name.slice(1, -1))) return 'ok';
    const ascii = domainToASCII(name);
    if (!ascii) return 'nxdomain';
    try {
      const mx = await this.resolver.resolveMx(ascii);
      // A null MX (RFC 7505: one record, exchange ".") says the domain takes no mail.
      return mx.every((r) => r.exchange === '' || r.exchange === '.') ? 'no_mail' : 'ok';
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (code === 'ENOTFOUND') return 'nxdomain';
      // REFUSED, SERVFAIL, a timeout, no server reachable: the resolver said nothing about the name.
      if (code !== 'ENODATA') return 'unknown';
    }
    // No MX: mail goes to the address records (RFC 5321 §5.1).
    const fallbacks = await Promise.allSettled([this.resolver.resolve4(ascii), this.resolver.resolve6(ascii)]);
    if (fallbacks.some((r) => r.status === 'fulfilled' && r.value.length > 0)) return 'ok';
    const codes = fallbacks.map((r) => (r.status === 'rejected' ? ((r.reason as NodeJS.ErrnoException).code ?? '') : 'ENODATA'));
    return codes.every((c) => c === 'ENODATA' || c === 'ENOTFOUND') ? 'no_mail' : 'unknown';
  }
}

/** Concurrent asks for one name share the lookup; the entry's lifetime is set once it is answered. */
function remembered(cache: Cache, name: string, ttlMs: (status: DomainStatus) => number, look: () => Promise<DomainStatus>): Promise<DomainStatus> {
  const cached = cache.get(name);
  if (cached && cached.until > Date.now()) return cached.status;
  const status = look();
  cache.set(name, { status, until: Infinity });
  void status.then((s) => cache.set(name, { status, until: Date.now() + ttlMs(s) }));
  return status;
}
