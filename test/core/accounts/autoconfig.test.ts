/**
 * Discovery from an address against local servers only: an HTTP server serving Thunderbird
 * autoconfig XML, a DNS server answering RFC 6186 SRV questions, and real SMTP servers confirming
 * guesses by EHLO over TLS. Each source is tried in order, and the answer says which one answered;
 * the IMAP server for the copy in Sent comes from the preset, the same autoconfig file, SRV, or a
 * guess that a real Dovecot confirms.
 */
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { discover, oauthProviderOf, parseAutoconfig, parseImapAutoconfig } from '../../../main/core/accounts/autoconfig.ts';
import { missingDovecotImap, startImapServer } from '../../helpers/imap.ts';
import { closedPort } from '../../helpers/net.ts';
import { testCertificates } from '../../helpers/tls.ts';
import { BROKEN_RESOLVERS, startBrokenDnsServer } from '../../helpers/dns.ts';
import { startDnsServer, type TestDnsServer } from './dns.ts';
import { startAccountsServer, type AccountsServer } from './servers.ts';

const XML = (host: string, port: number, socketType: string) => `<?xml version="1.0"?>
<clientConfig version="1.1">
  <emailProvider id="example.test">
    <incomingServer type="imap"><hostname>imap.example.test</hostname><port>993</port><socketType>SSL</socketType></incomingServer>
    <outgoingServer type="smtp">
      <hostname>plain.example.test</hostname><port>25</port><socketType>plain</socketType>
    </outgoingServer>
    <outgoingServer type="smtp">
      <hostname>${host}</hostname>
      <port>${port}</port>
      <socketType>${socketType}</socketType>
      <authentication>password-cleartext</authentication>
      <username>%EMAILLOCALPART%</username>
    </outgoingServer>
  </emailProvider>
</clientConfig>`;

let http: Server | undefined;
let dns: TestDnsServer | undefined;
let smtp: AccountsServer | undefined;
afterEach(async () => {
  await new Promise((resolve) => (http ? http.close(resolve) : resolve(null)));
  await dns?.close();
  await smtp?.close();
  http = dns = smtp = undefined;
});

/** Serves `files` by path; anything else is a 404. */
async function serve(files: Record<string, string>): Promise<string> {
  http = createServer((request, response) => {
    const body = files[(request.url ?? '').replace(/\?.*$/, '')];
    response.writeHead(body ? 200 : 404, { 'content-type': 'text/xml' }).end(body ?? 'not here');
  });
  await new Promise<void>((resolve) => http!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(http.address() as { port: number }).port}`;
}

const nowhere = async () => `http://127.0.0.1:${await closedPort()}`;

describe('finding the server from the address', () => {
  it('uses a built-in preset for the big providers without touching the network', async () => {
    const found = await discover('Ann <ann@gmail.com>', { fetch: () => Promise.reject(new Error('no network')) });
    expect(found).toMatchObject({
      source: 'preset',
      from: 'gmail.com',
      host: 'smtp.gmail.com',
      port: 465,
      security: 'tls',
      username: 'ann@gmail.com',
      oauth2: 'google',
      imap: { host: 'imap.gmail.com', port: 993, security: 'tls', from: 'gmail.com' },
    });
  });

  it('says Google or Microsoft 365 wants OAuth2 sign-in wherever their servers are found (a company domain hosted there)', () => {
    expect(['smtp.gmail.com', 'smtp.office365.com', 'smtp-mail.outlook.com', 'smtp.example.test', 'gmail.com.example.test'].map(oauthProviderOf)).toEqual([
      'google',
      'microsoft',
      'microsoft',
      null,
      null,
    ]);
  });

  it('reads autoconfig XML (autoconfig.<domain> first, then .well-known), skipping plain-text servers', async () => {
    const base = await serve({ '/.well-known/autoconfig/mail/config-v1.1.xml': XML('smtp.example.test', 587, 'STARTTLS') });
    const found = await discover('ann@example.test', {
      autoconfigUrls: (domain, address) => [`${base}/autoconfig/${domain}?emailaddress=${address}`, `${base}/.well-known/autoconfig/mail/config-v1.1.xml`],
      dnsServers: [],
    });
    expect(found).toMatchObject({
      source: 'autoconfig',
      from: `${base}/.well-known/autoconfig/mail/config-v1.1.xml`,
      host: 'smtp.example.test',
      port: 587,
      security: 'starttls',
      username: 'ann',
      // The same file's incomingServer type="imap", for the copy in Sent.
      imap: { host: 'imap.example.test', port: 993, security: 'tls', from: `${base}/.well-known/autoconfig/mail/config-v1.1.xml` },
    });
    expect(found.tried.map((t) => [t.source, t.result])).toEqual([
      ['autoconfig', 'HTTP 404'],
      ['autoconfig', 'smtp.example.test:587 (starttls)'],
    ]);
    expect(parseAutoconfig(XML('x.example.test', 25, 'plain'), 'a@b.c', 'f')).toBeUndefined();
    expect(
      parseImapAutoconfig(
        '<incomingServer type="imap"><hostname>i.example.test</hostname><port>143</port><socketType>plain</socketType></incomingServer>',
        'f',
      ),
    ).toBeNull();
  });

  it('falls back to RFC 6186 SRV records, preferring _submissions (implicit TLS) and the lowest priority', async () => {
    dns = await startDnsServer([
      { name: '_submissions._tcp.example.test', priority: 20, weight: 0, port: 465, target: 'backup.example.test' },
      { name: '_submissions._tcp.example.test', priority: 10, weight: 0, port: 465, target: 'mail.example.test' },
      { name: '_submission._tcp.example.test', priority: 0, weight: 0, port: 587, target: 'starttls.example.test' },
      // IMAP by RFC 6186 too: _imaps._tcp declared unavailable ("."), so _imap._tcp with STARTTLS.
      { name: '_imaps._tcp.example.test', priority: 0, weight: 0, port: 0, target: '.' },
      { name: '_imap._tcp.example.test', priority: 0, weight: 0, port: 143, target: 'imap.example.test' },
    ]);
    const found = await discover('ann@example.test', { autoconfigUrls: () => [], dnsServers: [dns.server], timeoutMs: 2000 });
    expect(found).toMatchObject({ source: 'srv', from: '_submissions._tcp.example.test', host: 'mail.example.test', port: 465, security: 'tls' });
    expect(found.imap).toEqual({ host: 'imap.example.test', port: 143, security: 'starttls', from: '_imap._tcp.example.test' });
    expect(dns.questions).toEqual(['SRV _submissions._tcp.example.test', 'SRV _imaps._tcp.example.test', 'SRV _imap._tcp.example.test']);
  });

  it('guesses last, keeping only a server that answers EHLO over TLS with a valid certificate, and says what it tried', async () => {
    smtp = await startAccountsServer({ secure: true });
    dns = await startDnsServer([]);
    const unreachable = `${await nowhere()}/config.xml`;
    const found = await discover('ann@example.test', {
      // A name the test's DNS does not know, and the server's address (no name: nothing to resolve).
      guessHosts: (domain) => [`smtp.${domain}`, '127.0.0.1'],
      autoconfigUrls: () => [unreachable],
      dnsServers: [dns.server],
      guessPorts: [
        { port: await closedPort(), security: 'starttls' },
        { port: smtp.port, security: 'tls' },
      ],
      extraCaCertificates: [(await testCertificates()).ca],
      timeoutMs: 2000,
    });
    expect(found).toMatchObject({ source: 'guess', host: '127.0.0.1', port: smtp.port, security: 'tls', username: 'ann@example.test' });
    expect(found.tried.map((t) => t.source)).toEqual(['autoconfig', 'srv', 'srv', 'guess', 'guess', 'guess', 'guess']);
    expect(found.tried[3]!.result).toBe('the server name could not be found in DNS');
    expect(found.tried.at(-1)!.result).toBe(`127.0.0.1:${smtp.port} (tls)`);
    expect(dns.questions).toEqual(expect.arrayContaining(['A smtp.example.test', 'AAAA smtp.example.test']));
  });

  it('says plainly when nothing answered, listing what it tried', async () => {
    dns = await startDnsServer([]);
    const unreachable = `${await nowhere()}/x`;
    await expect(
      discover('ann@nothing.invalid', { autoconfigUrls: () => [unreachable], dnsServers: [dns.server], guessPorts: [], timeoutMs: 1000 }),
    ).rejects.toThrow(
      /^No server settings were found for nothing\.invalid\. Enter the server by hand .* Tried: .*_submissions\._tcp\.nothing\.invalid: no such record/,
    );
  });
});

describe.each(BROKEN_RESOLVERS)('discovery with a resolver that is broken (%s)', (mode) => {
  it('says why each SRV record and guessed name was not found, and still finds the server at its address', async () => {
    smtp = await startAccountsServer({ secure: true });
    dns = await startBrokenDnsServer(mode);
    const timeoutMs = 500;
    const found = await discover('ann@example.test', {
      autoconfigUrls: () => [],
      dnsServers: [dns.server],
      guessHosts: (domain) => [`smtp.${domain}`, '127.0.0.1'],
      guessPorts: [{ port: smtp.port, security: 'tls' }],
      extraCaCertificates: [(await testCertificates()).ca],
      timeoutMs,
    });
    expect(found).toMatchObject({ source: 'guess', host: '127.0.0.1', port: smtp.port, security: 'tls' });
    const why = {
      nxdomain: ['no such record', 'the server name could not be found in DNS'],
      silent: ['no answer within 0.5 s', 'no answer within 0.5 s'],
      refused: ['the DNS server refused to answer', 'the DNS server refused to answer'],
    }[mode];
    expect(found.tried.map((t) => [t.from, t.result])).toEqual([
      ['_submissions._tcp.example.test', why[0]],
      ['_submission._tcp.example.test', why[0]],
      [`smtp.example.test:${smtp.port}`, why[1]],
      [`127.0.0.1:${smtp.port}`, `127.0.0.1:${smtp.port} (tls)`],
    ]);
  });
});

describe.skipIf(missingDovecotImap() !== undefined)('IMAP guessed', () => {
  it('when no other source names one: the first guess where IMAP answers over verified TLS, not a port where something else does', async () => {
    const submission = (smtp = await startAccountsServer({ secure: true }));
    dns = await startDnsServer([]);
    const { ca, key, cert } = await testCertificates();
    const dovecot = await startImapServer({ user: { name: 'ann', pass: 'unused' }, certificate: { key, cert } });
    const nothing = await closedPort();
    try {
      const found = await discover('ann@example.test', {
        autoconfigUrls: () => [],
        dnsServers: [dns.server],
        guessHosts: () => ['127.0.0.1'],
        guessPorts: [{ port: submission.port, security: 'tls' }],
        imapGuesses: (domain) => [
          { host: `imap.${domain}`, port: dovecot.port, security: 'starttls' }, // not in DNS
          { host: '127.0.0.1', port: nothing, security: 'tls' }, // nothing listens
          { host: '127.0.0.1', port: submission.port, security: 'tls' }, // SMTP, not IMAP
          { host: '127.0.0.1', port: dovecot.port, security: 'starttls' },
        ],
        extraCaCertificates: [ca],
        timeoutMs: 3000,
      });
      expect(found.imap).toEqual({ host: '127.0.0.1', port: dovecot.port, security: 'starttls', from: `127.0.0.1:${dovecot.port}` });
    } finally {
      await dovecot.stop();
    }
  });
});
