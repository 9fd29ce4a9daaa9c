/**
 * The recipient domain check (what a relaying server does first: find the domain's mail servers in
 * DNS). Answers are cached for the process; a lookup that fails for network reasons says `unknown`
 * and is cached only briefly. Sending never waits for it: the composer only flags a chip.
 */
import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';
import type { DomainCheckView, DomainStatus } from '../../../preload/contract.ts';

export interface DomainCheckOptions {
  /** DNS servers (`host` or `host:port`); default: the system's. */
  servers?: string[];
  /** How long an answer is kept. */
  ttlMs?: number;
  /** How long a failed lookup (`unknown`) is kept before asking again. */
  unknownTtlMs?: number;
  timeoutMs?: number;
}

export class DomainChecker {
  private readonly resolver: Resolver;
  private readonly ttlMs: number;
  private readonly unknownTtlMs: number;
  private readonly cache = new Map<string, { status: Promise<DomainStatus>; until: number }>();

  constructor(options: DomainCheckOptions = {}) {
    this.resolver = new Resolver({ timeout: options.timeoutMs ?? 3000, tries: 2 });
    if (options.servers) this.resolver.setServers(options.servers);
    this.ttlMs = options.ttlMs ?? 30 * 60_000;
    this.unknownTtlMs = options.unknownTtlMs ?? 30_000;
  }

  check(domains: readonly string[]): Promise<DomainCheckView[]> {
    return Promise.all(domains.map(async (domain) => ({ domain, status: await this.status(domain) })));
  }

  private status(domain: string): Promise<DomainStatus> {
    const name = domain.trim().toLowerCase().replace(/\.$/, '');
    const cached = this.cache.get(name);
    if (cached && cached.until > Date.now()) return cached.status;
    const status = this.lookup(name);
    // Concurrent checks of one domain share the lookup; the entry's lifetime is set once it is answered.
    this.cache.set(name, { status, until: Infinity });
    void status.then((s) => this.cache.set(name, { status, until: Date.now() + (s === 'unknown' ? this.unknownTtlMs : this.ttlMs) }));
    return status;
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
      if (code !== 'ENODATA') return 'unknown';
    }
    // No MX: mail goes to the address records (RFC 5321 §5.1).
    const fallbacks = await Promise.allSettled([this.resolver.resolve4(ascii), this.resolver.resolve6(ascii)]);
    if (fallbacks.some((r) => r.status === 'fulfilled' && r.value.length > 0)) return 'ok';
    const codes = fallbacks.map((r) => (r.status === 'rejected' ? ((r.reason as NodeJS.ErrnoException).code ?? '') : 'ENODATA'));
    return codes.every((c) => c === 'ENODATA' || c === 'ENOTFOUND') ? 'no_mail' : 'unknown';
  }
}
