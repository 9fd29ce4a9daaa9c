/**
 * Setup file of every test file (vitest.config.ts): the host's resolver is out of reach, so that no
 * test depends on what the machine's DNS says (issue 10: one machine answers NXDOMAIN for every
 * name, another never answers). A test resolves names only with a DNS server it started
 * (test/helpers/dns.ts), or with the default one that testCore and startE2eApp hand the core.
 *
 * - getaddrinfo (`dns.lookup`, which net, tls and fetch use) answers only for IP literals and
 *   localhost (from /etc/hosts); any other name fails with ENOTFOUND.
 * - The default servers of `dns.resolve*` and of every new `Resolver` (nodemailer makes one per
 *   connection) are a loopback server that answers REFUSED. Node's `dns.setServers` alone would not
 *   do: a new Resolver starts from /etc/resolv.conf again.
 * Each use is recorded, and fails the test during which it was seen, naming the names.
 */
import dns from 'node:dns';
import { syncBuiltinESMExports } from 'node:module';
import { isIP } from 'node:net';
import { afterAll, afterEach } from 'vitest';
import { startBrokenDnsServer, startDefaultTestDns } from './dns.ts';

/** Names a test may resolve on its own: RFC 6761 keeps localhost on the machine (and out of DNS). */
function isLocal(name: string): boolean {
  const host = name
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
  return isIP(host) !== 0 || host === 'localhost' || host.endsWith('.localhost');
}

const host = await startBrokenDnsServer('refused');
const fallback = await startDefaultTestDns();
const lookups: string[] = [];

function refusedLookup(hostname: string): NodeJS.ErrnoException {
  lookups.push(`getaddrinfo ${hostname}`);
  return Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname} (a test may not use the host's resolver: see test/helpers/no-host-dns.ts)`), {
    code: 'ENOTFOUND',
    syscall: 'getaddrinfo',
    hostname,
  });
}

const { lookup } = dns;
dns.lookup = function guardedLookup(hostname: string, ...rest: unknown[]) {
  if (isLocal(hostname)) return (lookup as (...args: unknown[]) => void)(hostname, ...rest);
  const callback = rest.at(-1) as (error: Error) => void;
  process.nextTick(callback, refusedLookup(hostname));
} as typeof dns.lookup;
const promiseLookup = dns.promises.lookup;
dns.promises.lookup = function guardedPromiseLookup(hostname: string, ...rest: unknown[]) {
  if (isLocal(hostname)) return (promiseLookup as (...args: unknown[]) => Promise<unknown>)(hostname, ...rest);
  return Promise.reject(refusedLookup(hostname));
} as typeof dns.promises.lookup;

class GuardedResolver extends dns.Resolver {
  constructor(options?: dns.ResolverOptions) {
    super(options);
    this.setServers([host.server]);
  }
}
class GuardedPromiseResolver extends dns.promises.Resolver {
  constructor(options?: dns.ResolverOptions) {
    super(options);
    this.setServers([host.server]);
  }
}
dns.Resolver = GuardedResolver;
dns.promises.Resolver = GuardedPromiseResolver;
dns.setServers([host.server]);
// `import { Resolver } from 'node:dns/promises'` sees the guarded class too.
syncBuiltinESMExports();

/** What reached the host's resolver since the last look; localhost questions are answered REFUSED and let through (getaddrinfo then reads /etc/hosts). */
export function takeUses(): string[] {
  const queries = host.questions.splice(0).filter((q) => !isLocal(q.slice(q.indexOf(' ') + 1)));
  return [...lookups.splice(0), ...queries.map((q) => `DNS query ${q}`)];
}

function failOnUses(): void {
  const uses = [...new Set(takeUses())];
  if (uses.length > 0) {
    throw new Error(
      `This test used the host's resolver (${uses.join(', ')}). Start a DNS server in the test (test/helpers/dns.ts) and give the core its address (domainCheck.servers, discovery.dnsServers).`,
    );
  }
}

afterEach(failOnUses);
afterAll(async () => {
  try {
    failOnUses();
  } finally {
    await Promise.all([host.close(), fallback.close()]);
  }
});
