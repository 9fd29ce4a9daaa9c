/**
 * Server settings from an address alone, as Thunderbird finds them: built-in presets for the big
 * providers, the provider's autoconfig XML (autoconfig.<domain>, then <domain>/.well-known), RFC
 * 6186/8314 SRV records (_submissions._tcp for TLS, _submission._tcp for STARTTLS), then guesses
 * (smtp.<domain>, mail.<domain>, <domain> on 465 and 587) kept only when the server answers EHLO over
 * TLS with a valid certificate. Each source has a short timeout; the answer says which one answered.
 * Plain-text settings are never suggested. The network endpoints are injectable for the tests.
 */
import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { DiscoverySource, DiscoveryView, ImapSecurity, OAuthProvider, Security } from '../../../preload/common/contract/index.ts';
import { parseMailbox } from '../compose/address.ts';
import { AppError } from '../app-error.ts';
import { answersImap } from '../imap/client.ts';
import { probe } from '../smtp/probe.ts';
import { OAUTH_PRESETS } from './oauth.ts';

export interface Preset {
  host: string;
  port: number;
  security: Security;
  /** The provider signs in with OAuth2 (see oauth.ts) rather than a password. */
  oauth2?: OAuthProvider;
  /** Its IMAP server (always implicit TLS on 993 for these), for the copy in Sent. */
  imap?: string;
}

const GMAIL: Preset = { ...OAUTH_PRESETS.google.server, oauth2: 'google', imap: 'imap.gmail.com' };
const MICROSOFT_CONSUMER: Preset = { host: 'smtp-mail.outlook.com', port: 587, security: 'starttls', oauth2: 'microsoft', imap: 'outlook.office365.com' };
const ICLOUD: Preset = { host: 'smtp.mail.me.com', port: 587, security: 'starttls', imap: 'imap.mail.me.com' };
const GMX: Preset = { host: 'mail.gmx.net', port: 465, security: 'tls', imap: 'imap.gmx.net' };

/** By the address's domain. Microsoft 365 business domains are found by autoconfig or chosen by hand. */
export const PRESETS: Readonly<Record<string, Preset>> = {
  'gmail.com': GMAIL,
  'googlemail.com': GMAIL,
  'outlook.com': MICROSOFT_CONSUMER,
  'hotmail.com': MICROSOFT_CONSUMER,
  'live.com': MICROSOFT_CONSUMER,
  'msn.com': MICROSOFT_CONSUMER,
  'office365.com': { ...OAUTH_PRESETS.microsoft.server, oauth2: 'microsoft', imap: 'outlook.office365.com' },
  'icloud.com': ICLOUD,
  'me.com': ICLOUD,
  'mac.com': ICLOUD,
  'yahoo.com': { host: 'smtp.mail.yahoo.com', port: 465, security: 'tls', imap: 'imap.mail.yahoo.com' },
  'aol.com': { host: 'smtp.aol.com', port: 465, security: 'tls', imap: 'imap.aol.com' },
  'fastmail.com': { host: 'smtp.fastmail.com', port: 465, security: 'tls', imap: 'imap.fastmail.com' },
  'gmx.net': GMX,
  'gmx.de': GMX,
  'web.de': { host: 'smtp.web.de', port: 587, security: 'starttls', imap: 'imap.web.de' },
  'posteo.de': { host: 'posteo.de', port: 465, security: 'tls', imap: 'posteo.de' },
  'mailbox.org': { host: 'smtp.mailbox.org', port: 465, security: 'tls', imap: 'imap.mailbox.org' },
  // Proton's IMAP is its Bridge on the user's own machine: nothing to preset.
  'proton.me': { host: 'smtp.protonmail.ch', port: 587, security: 'starttls' },
  'zoho.com': { host: 'smtp.zoho.com', port: 465, security: 'tls', imap: 'imap.zoho.com' },
};

export interface DiscoveryOptions {
  /** Per source, in milliseconds. */
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
  /** The autoconfig XML locations to try for a domain, in order. */
  autoconfigUrls?: (domain: string, address: string) => string[];
  /**
   * DNS servers for the SRV look-ups, as `ip` or `ip:port` (default: the system's). When given, they
   * also vet the guessed host names: a name they do not resolve is not tried (one they resolve is
   * then connected to as sending would, through the system's resolver).
   */
  dnsServers?: string[];
  /** The host names to guess for a domain (default: smtp.<domain>, mail.<domain>, <domain>). */
  guessHosts?: (domain: string) => string[];
  /** The guesses' ports (default: 465 with TLS, then 587 with STARTTLS). */
  guessPorts?: { port: number; security: Security }[];
  /** The IMAP servers to guess when no other source names one (default: imap., mail. and the domain itself, on 993 with TLS, then 143 with STARTTLS). */
  imapGuesses?: (domain: string) => { host: string; port: number; security: ImapSecurity }[];
  /** PEM certificates trusted besides the system's when confirming a guess. */
  extraCaCertificates?: readonly string[];
}

type Found = Omit<DiscoveryView, 'tried' | 'oauth2' | 'imap'>;

/** Google's and Microsoft's servers refuse passwords (or soon will): found elsewhere than the presets, they still want OAuth2. */
export function oauthProviderOf(host: string): OAuthProvider | null {
  if (/(^|\.)(gmail|googlemail|google)\.com$/.test(host)) return 'google';
  if (/(^|\.)(office365|outlook)\.com$/.test(host)) return 'microsoft';
  return null;
}
type Tried = DiscoveryView['tried'][number];

const defaultAutoconfigUrls = (domain: string, address: string): string[] => [
  `https://autoconfig.${domain}/mail/config-v1.1.xml?emailaddress=${encodeURIComponent(address)}`,
  `https://${domain}/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=${encodeURIComponent(address)}`,
];

/** The SMTP server as below, then an IMAP server from the same kind of source: the preset's, the autoconfig file's, else RFC 6186 SRV. */
export async function discover(input: string, options: DiscoveryOptions = {}): Promise<DiscoveryView> {
  const address = parseMailbox('email', input).address;
  const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
  const timeoutMs = options.timeoutMs ?? 4000;
  const resolver = new Resolver({ timeout: timeoutMs, tries: 1 });
  if (options.dnsServers) resolver.setServers(options.dnsServers);
  const fromXml: { imap?: DiscoveryView['imap'] } = {};
  const smtp = await discoverSmtp(address, domain, timeoutMs, resolver, options, fromXml);
  const preset = PRESETS[domain]?.imap;
  const imap = preset
    ? { host: preset, port: 993, security: 'tls' as const, from: domain }
    : (fromXml.imap ?? (await imapBySrv(resolver, domain)) ?? (await imapByGuess(resolver, domain, timeoutMs, options)));
  return { ...smtp, imap };
}

/** Guesses, all at once, each confirmed by an IMAP server answering over verified TLS; the first in order that does; null: none. */
async function imapByGuess(resolver: Resolver, domain: string, timeoutMs: number, options: DiscoveryOptions): Promise<DiscoveryView['imap']> {
  const guesses =
    options.imapGuesses?.(domain) ??
    [`imap.${domain}`, `mail.${domain}`, domain].flatMap((host) => [
      { host, port: 993, security: 'tls' as const },
      { host, port: 143, security: 'starttls' as const },
    ]);
  const answers = await Promise.all(
    guesses.map(async (g) => {
      if (options.dnsServers && (await addressProblem(resolver, g.host, timeoutMs))) return false;
      return (await answersImap(g, { extraCaCertificates: options.extraCaCertificates ?? [], timeoutMs })) === null;
    }),
  );
  const found = guesses.find((_, i) => answers[i]);
  return found ? { ...found, from: `${found.host}:${found.port}` } : null;
}

/** RFC 6186 for IMAP: _imaps._tcp (implicit TLS) first, then _imap._tcp (STARTTLS); null when neither names a server. */
async function imapBySrv(resolver: Resolver, domain: string): Promise<DiscoveryView['imap']> {
  for (const [service, security] of [
    ['_imaps._tcp', 'tls'],
    ['_imap._tcp', 'starttls'],
  ] as const) {
    const best = await bestSrv(resolver, `${service}.${domain}`).catch(() => undefined);
    if (best) return { host: best.name.replace(/\.$/, '').toLowerCase(), port: best.port, security, from: `${service}.${domain}` };
  }
  return null;
}

/** The SRV record to use: the lowest priority, then the highest weight; none for "not offered here" (RFC 2782's "."). */
async function bestSrv(resolver: Resolver, name: string) {
  const records = (await resolver.resolveSrv(name)).filter((r) => r.name !== '' && r.name !== '.');
  records.sort((a, b) => a.priority - b.priority || b.weight - a.weight);
  return records[0];
}

async function discoverSmtp(
  address: string,
  domain: string,
  timeoutMs: number,
  resolver: Resolver,
  options: DiscoveryOptions,
  fromXml: { imap?: DiscoveryView['imap'] },
): Promise<Omit<DiscoveryView, 'imap'>> {
  const tried: Tried[] = [];
  const attempt = async (source: DiscoverySource, from: string, look: () => Promise<Found | string>): Promise<Omit<DiscoveryView, 'imap'> | undefined> => {
    let result: Found | string;
    try {
      result = await look();
    } catch (error) {
      result = shortReason(error, timeoutMs);
    }
    if (typeof result === 'string') {
      tried.push({ source, from, result });
      return undefined;
    }
    tried.push({ source, from, result: `${result.host}:${result.port} (${result.security})` });
    return { ...result, oauth2: oauthProviderOf(result.host), tried };
  };

  const preset = PRESETS[domain];
  if (preset)
    return {
      source: 'preset',
      from: domain,
      host: preset.host,
      port: preset.port,
      security: preset.security,
      username: address,
      oauth2: preset.oauth2 ?? null,
      tried: [{ source: 'preset', from: domain, result: `${preset.host}:${preset.port} (${preset.security})` }],
    };

  const fetcher = options.fetch ?? globalThis.fetch;
  for (const url of (options.autoconfigUrls ?? defaultAutoconfigUrls)(domain, address)) {
    const found = await attempt('autoconfig', url.replace(/\?.*$/, ''), async () => {
      const response = await fetcher(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
      if (!response.ok) return `HTTP ${response.status}`;
      const xml = await response.text();
      const smtp = parseAutoconfig(xml, address, url.replace(/\?.*$/, ''));
      if (smtp) fromXml.imap = parseImapAutoconfig(xml, url.replace(/\?.*$/, ''));
      return smtp ?? 'no usable SMTP server (TLS or STARTTLS) in it';
    });
    if (found) return found;
  }

  for (const [service, security] of [
    ['_submissions._tcp', 'tls'],
    ['_submission._tcp', 'starttls'],
  ] as const) {
    const name = `${service}.${domain}`;
    const found = await attempt('srv', name, async () => {
      const best = await bestSrv(resolver, name);
      if (!best) return 'the service is declared unavailable';
      return { source: 'srv', from: name, host: best.name.replace(/\.$/, '').toLowerCase(), port: best.port, security, username: address };
    });
    if (found) return found;
  }

  // Guesses, all at once (each bounded by the timeout); the first in this order that answers wins.
  const ports = options.guessPorts ?? [
    { port: 465, security: 'tls' },
    { port: 587, security: 'starttls' },
  ];
  const hosts = options.guessHosts?.(domain) ?? [`smtp.${domain}`, `mail.${domain}`, domain];
  const guesses = hosts.flatMap((host) => ports.map((p) => ({ host, ...p })));
  const timeouts = { connectMs: timeoutMs, greetingMs: timeoutMs, socketMs: timeoutMs };
  const vetted = new Map(hosts.map((host) => [host, options.dnsServers ? addressProblem(resolver, host, timeoutMs) : Promise.resolve(null)]));
  const answers = await Promise.all(
    guesses.map(async (g) => {
      const problem = await vetted.get(g.host);
      if (problem) return problem;
      const result = await probe(g, { extraCaCertificates: options.extraCaCertificates ?? [], timeouts });
      return result.ok ? 'answers EHLO over TLS' : result.verdict;
    }),
  );
  for (const [index, guess] of guesses.entries()) {
    const from = `${guess.host}:${guess.port}`;
    const found = await attempt('guess', from, async () =>
      answers[index] === 'answers EHLO over TLS' ? { source: 'guess', from, ...guess, username: address } : answers[index]!,
    );
    if (found) return found;
  }
  throw new AppError(
    'not_found',
    `No server settings were found for ${domain}. Enter the server by hand (your provider's help pages name it). Tried: ${tried.map((t) => `${t.from}: ${t.result}`).join('; ')}.`,
    { field: 'email' },
  );
}

/** The first TLS or STARTTLS SMTP server in a Thunderbird autoconfig file (clientConfig 1.1). */
export function parseAutoconfig(xml: string, address: string, from: string): Found | undefined {
  const [local = '', domain = ''] = [address.slice(0, address.lastIndexOf('@')), address.slice(address.lastIndexOf('@') + 1)];
  for (const [, body = ''] of xml.matchAll(/<outgoingServer\s+type=["']smtp["']\s*>([\s\S]*?)<\/outgoingServer>/gi)) {
    const server = serverOf(body);
    if (!server) continue;
    const { host, port, security, field } = server;
    const placeholders: Record<string, string> = { '%EMAILADDRESS%': address, '%EMAILLOCALPART%': local, '%EMAILDOMAIN%': domain };
    const username = field('username').replace(/%EMAIL(ADDRESS|LOCALPART|DOMAIN)%/g, (p) => placeholders[p] ?? p);
    return { source: 'autoconfig', from, host, port, security, username: username || null };
  }
  return undefined;
}

/** The first IMAP server with TLS or STARTTLS in an autoconfig file (`incomingServer type="imap"`); null: none. */
export function parseImapAutoconfig(xml: string, from: string): DiscoveryView['imap'] {
  for (const [, body = ''] of xml.matchAll(/<incomingServer\s+type=["']imap["']\s*>([\s\S]*?)<\/incomingServer>/gi)) {
    const server = serverOf(body);
    if (server) return { ...server, from };
  }
  return null;
}

/** A server element's host, port and security; undefined for plain text or a malformed one. */
function serverOf(body: string): { host: string; port: number; security: 'tls' | 'starttls'; field: (name: string) => string } | undefined {
  const field = (name: string) => new RegExp(`<${name}>\\s*([^<]*?)\\s*</${name}>`, 'i').exec(body)?.[1] ?? '';
  const socketType = field('socketType').toUpperCase();
  const security = socketType === 'SSL' ? 'tls' : socketType === 'STARTTLS' ? 'starttls' : undefined;
  const port = Number(field('port'));
  const host = field('hostname').toLowerCase();
  if (!security || !host || !Number.isInteger(port) || port < 1 || port > 65535) return undefined;
  return { host, port, security, field };
}

/** Why a guessed host cannot be tried, as the discovery's DNS servers see it; null when it has an address (or is one). */
async function addressProblem(resolver: Resolver, host: string, timeoutMs: number): Promise<string | null> {
  if (isIP(host) !== 0) return null;
  const [v4, v6] = await Promise.allSettled([resolver.resolve4(host), resolver.resolve6(host)]);
  if ((v4.status === 'fulfilled' && v4.value.length > 0) || (v6.status === 'fulfilled' && v6.value.length > 0)) return null;
  const failed = [v4, v6].find((r) => r.status === 'rejected' && !NO_SUCH_NAME.has((r.reason as { code?: string }).code ?? ''));
  return failed?.status === 'rejected' ? shortReason(failed.reason, timeoutMs) : 'the server name could not be found in DNS';
}

/** DNS answers that say the name (or the record) does not exist, as opposed to DNS failing. */
const NO_SUCH_NAME = new Set(['ENOTFOUND', 'ENODATA']);

/** What a DNS server that did not help said, in words. */
const DNS_FAILURES: Readonly<Record<string, string>> = {
  EREFUSED: 'the DNS server refused to answer',
  ESERVFAIL: 'the DNS server failed to answer',
  ECONNREFUSED: 'no DNS server could be reached',
};

function shortReason(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.code === 'ETIMEOUT') return `no answer within ${timeoutMs / 1000} s`;
  if (NO_SUCH_NAME.has(e.code ?? '')) return 'no such record';
  return DNS_FAILURES[e.code ?? ''] ?? e.cause?.code ?? e.code ?? e.message ?? String(error);
}
