/**
 * The recipient domain check against DNS servers on loopback ports: MX, A/AAAA fallback, null MX,
 * NXDOMAIN, timeouts, the cache; and a negative answer believed only when the same DNS finds the
 * sending account's own domain or server (the control), so that a broken resolver (NXDOMAIN for
 * everything, silent, refusing) never says a domain does not exist.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlNames, DomainChecker } from '../../../main/core/dns/check.ts';
import { BROKEN_RESOLVERS, startBrokenDnsServer, startDnsServer, type TestDnsServer } from '../../helpers/dns.ts';
import { accountFor, testCore, value } from '../../helpers/core.ts';
import type { DomainCheckOptions } from '../../../main/core/dns/check.ts';

const mx = (name: string, exchange = `mx.${name}`) => ({ type: 'MX' as const, name, ttl: 60, data: { preference: 10, exchange } });

let dns: TestDnsServer;
beforeAll(async () => {
  dns = await startDnsServer(
    [
      mx('mail.example'),
      mx('outbound.test'), // the accounts' own domain: the control
      { type: 'A', name: 'smtp.hosted.example', ttl: 60, data: '192.0.2.25' },
      { type: 'A', name: 'bare.example', ttl: 60, data: '192.0.2.1' },
      { type: 'AAAA', name: 'six.example', ttl: 60, data: '2001:db8::1' },
      mx('nullmx.example', '.'),
      { type: 'TXT', name: 'textonly.example', ttl: 60, data: 'v=spf1 -all' },
      mx('xn--bcher-kva.example', 'mx.example'),
    ],
    { silent: ['slow.example'] },
  );
});
afterAll(() => dns?.close());

/** A core whose domain check asks `server`, with an account (me@outbound.test unless told) to check for. */
async function checkerFor(server: string, account: { email?: string; host?: string } = {}, domainCheck: DomainCheckOptions = {}) {
  const { api } = testCore(undefined, { domainCheck: { servers: [server], timeoutMs: 200, ...domainCheck } });
  const { id } = await value(api.accounts.save(accountFor({ host: account.host ?? '127.0.0.1', port: 587 }, account.email ? { email: account.email } : {})));
  return (domains: string[]) => value(api.compose.checkDomains(domains, { accountId: id }));
}

describe('compose.checkDomains', () => {
  it('says ok, no_mail, nxdomain or unknown for each domain', async () => {
    const check = await checkerFor(dns.server);
    const domains = [
      'mail.example',
      'BARE.example.',
      'six.example',
      'nullmx.example',
      'textonly.example',
      'gmial.example',
      'bücher.example',
      '[192.0.2.7]',
      'slow.example',
    ];
    expect(await check(domains)).toEqual([
      { domain: 'mail.example', status: 'ok' },
      { domain: 'BARE.example.', status: 'ok' }, // no MX: the A record takes mail
      { domain: 'six.example', status: 'ok' },
      { domain: 'nullmx.example', status: 'no_mail' }, // RFC 7505
      { domain: 'textonly.example', status: 'no_mail' },
      { domain: 'gmial.example', status: 'nxdomain' }, // believed: the same DNS found outbound.test
      { domain: 'bücher.example', status: 'ok' }, // asked as punycode
      { domain: '[192.0.2.7]', status: 'ok' },
      { domain: 'slow.example', status: 'unknown' },
    ]);
  });

  it('takes the account’s server as the control when its own domain is not in DNS', async () => {
    const check = await checkerFor(dns.server, { email: 'me@nodns.example', host: 'smtp.hosted.example' });
    expect(await check(['gmial.example'])).toEqual([{ domain: 'gmial.example', status: 'nxdomain' }]);
  });

  it('believes no negative answer when DNS finds neither the account’s domain nor its server: unknown', async () => {
    const check = await checkerFor(dns.server, { email: 'me@nodns.example', host: '127.0.0.1' });
    expect(await check(['mail.example', 'gmial.example', 'textonly.example'])).toEqual([
      { domain: 'mail.example', status: 'ok' }, // an answer that finds mail servers is believed
      { domain: 'gmial.example', status: 'unknown' },
      { domain: 'textonly.example', status: 'unknown' },
    ]);
  });

  describe.each(BROKEN_RESOLVERS)('with a resolver that is broken (%s)', (mode) => {
    let broken: TestDnsServer;
    beforeAll(async () => {
      broken = await startBrokenDnsServer(mode);
    });
    afterAll(() => broken?.close());

    it('says unknown for every domain, the typo included: nothing is said not to exist', async () => {
      const check = await checkerFor(broken.server, {}, { timeoutMs: 100 });
      const domains = ['mail.example', 'gmail.com', 'gmial.example'];
      expect(await check(domains)).toEqual(domains.map((domain) => ({ domain, status: 'unknown' })));
      // NXDOMAIN for everything: the control outbound.test was asked, and not found either.
      if (mode === 'nxdomain') expect(broken.questions).toContain('MX outbound.test');
    });
  });

  it('refuses an account that does not exist', async () => {
    const { api } = testCore(undefined, { domainCheck: { servers: [dns.server] } });
    const result = await api.compose.checkDomains(['mail.example'], { accountId: 2 ** 31 });
    expect(result).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});

describe('the domain checker', () => {
  it('takes the account’s domain and its server’s name as controls, never an IP literal or a bare name', () => {
    expect(controlNames({ email: 'Me@Outbound.Test', host: '127.0.0.1' })).toEqual(['outbound.test']);
    expect(controlNames({ email: 'me@example.org', host: 'SMTP.example.org.' })).toEqual(['example.org', 'smtp.example.org']);
    expect(controlNames({ email: 'me@example.org', host: 'example.org' })).toEqual(['example.org']);
    expect(controlNames({ email: 'me@localhost', host: 'localhost' })).toEqual([]);
  });

  it('caches answers for the process, and forgets a failed lookup sooner', async () => {
    const checker = new DomainChecker({ servers: [dns.server], timeoutMs: 200, unknownTtlMs: 0 });
    const asked = () => dns.questions.filter((q) => q === 'MX mail.example').length;
    const before = asked();
    await Promise.all([checker.check(['mail.example'], []), checker.check(['mail.example'], [])]);
    await checker.check(['Mail.Example'], []);
    expect(asked() - before).toBe(1);
    const slow = () => dns.questions.filter((q) => q === 'MX slow.example').length;
    const slowBefore = slow();
    await checker.check(['slow.example'], []);
    await checker.check(['slow.example'], []);
    expect(slow() - slowBefore).toBeGreaterThanOrEqual(2 * 2); // asked again (two tries each)
  });

  it('asks the control once for many negative answers, and again once its answer is old', async () => {
    const controls = () => dns.questions.filter((q) => q === 'MX outbound.test').length;
    const cached = new DomainChecker({ servers: [dns.server], timeoutMs: 200 });
    const before = controls();
    await cached.check(['gone1.example', 'gone2.example'], ['outbound.test']);
    await cached.check(['gone3.example'], ['outbound.test']);
    expect(controls() - before).toBe(1);

    const brief = new DomainChecker({ servers: [dns.server], timeoutMs: 200, controlTtlMs: 0 });
    const briefBefore = controls();
    await brief.check(['gone1.example'], ['outbound.test']);
    await brief.check(['gone2.example'], ['outbound.test']);
    expect(controls() - briefBefore).toBe(2);
  });

  it('says unknown when no DNS server answers (offline) instead of failing', async () => {
    const checker = new DomainChecker({ servers: ['127.0.0.1:9'], timeoutMs: 100 });
    expect(await checker.check(['mail.example'], ['outbound.test'])).toEqual([{ domain: 'mail.example', status: 'unknown' }]);
  });
});
