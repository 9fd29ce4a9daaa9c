/** The recipient domain check against a DNS server on a loopback port: MX, A/AAAA fallback, null MX, NXDOMAIN, timeouts, the cache. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainChecker } from '../../main/core/dns/check.ts';
import { startDnsServer, type TestDnsServer } from '../helpers/dns.ts';
import { testCore, value } from '../helpers/core.ts';

let dns: TestDnsServer;
beforeAll(async () => {
  dns = await startDnsServer([
    { type: 'MX', name: 'mail.example', ttl: 60, data: { preference: 10, exchange: 'mx.mail.example' } },
    { type: 'A', name: 'bare.example', ttl: 60, data: '192.0.2.1' },
    { type: 'AAAA', name: 'six.example', ttl: 60, data: '2001:db8::1' },
    { type: 'MX', name: 'nullmx.example', ttl: 60, data: { preference: 0, exchange: '.' } },
    { type: 'TXT', name: 'textonly.example', ttl: 60, data: 'v=spf1 -all' },
    { type: 'MX', name: 'xn--bcher-kva.example', ttl: 60, data: { preference: 10, exchange: 'mx.example' } },
  ], { silent: ['slow.example'] });
});
afterAll(() => dns?.close());

describe('compose.checkDomains', () => {
  it('says ok, no_mail, nxdomain or unknown for each domain', async () => {
    const { api } = testCore(undefined, { domainCheck: { servers: [dns.server], timeoutMs: 200 } });
    const domains = ['mail.example', 'BARE.example.', 'six.example', 'nullmx.example', 'textonly.example', 'gmial.example', 'bücher.example', '[192.0.2.7]', 'slow.example'];
    expect(await value(api.compose.checkDomains(domains))).toEqual([
      { domain: 'mail.example', status: 'ok' },
      { domain: 'BARE.example.', status: 'ok' }, // no MX: the A record takes mail
      { domain: 'six.example', status: 'ok' },
      { domain: 'nullmx.example', status: 'no_mail' }, // RFC 7505
      { domain: 'textonly.example', status: 'no_mail' },
      { domain: 'gmial.example', status: 'nxdomain' },
      { domain: 'bücher.example', status: 'ok' }, // asked as punycode
      { domain: '[192.0.2.7]', status: 'ok' },
      { domain: 'slow.example', status: 'unknown' },
    ]);
  });

  it('caches answers for the process, and forgets a failed lookup sooner', async () => {
    const checker = new DomainChecker({ servers: [dns.server], timeoutMs: 200, unknownTtlMs: 0 });
    const asked = () => dns.questions.filter((q) => q === 'MX mail.example').length;
    const before = asked();
    await Promise.all([checker.check(['mail.example']), checker.check(['mail.example'])]);
    await checker.check(['Mail.Example']);
    expect(asked() - before).toBe(1);
    const slow = () => dns.questions.filter((q) => q === 'MX slow.example').length;
    const slowBefore = slow();
    await checker.check(['slow.example']);
    await checker.check(['slow.example']);
    expect(slow() - slowBefore).toBeGreaterThanOrEqual(2 * 2); // asked again (two tries each)
  });

  it('says unknown when no DNS server answers (offline) instead of failing', async () => {
    const checker = new DomainChecker({ servers: ['127.0.0.1:9'], timeoutMs: 100 });
    expect(await checker.check(['mail.example'])).toEqual([{ domain: 'mail.example', status: 'unknown' }]);
  });
});
