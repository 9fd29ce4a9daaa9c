/**
 * The connection test called directly against the in-process SMTP server: the whole view it returns
 * for each kind of security, with and without signing in, and for a refused password, an untrusted
 * certificate and a closed port; and the capabilities read from an EHLO transcript.
 * test/core/accounts/security.test.ts drives it through the API against more kinds of server.
 */
import { X509Certificate } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { capabilitiesOf, probe } from '../../../main/core/smtp/probe.ts';
import type { SubmitTarget } from '../../../main/core/smtp/submit.ts';
import { closedPort } from '../../helpers/net.ts';
import { startSmtpServer, type SmtpServerOptions, type TestSmtpServer } from '../../helpers/smtp.ts';
import { testCertificates } from '../../helpers/tls.ts';

const AUTH = { user: 'ann', pass: 'probe pass' };
let server: TestSmtpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function probeOf(options: SmtpServerOptions, target: Partial<SubmitTarget>, trusted = true) {
  server = await startSmtpServer(options);
  return probe({ host: '127.0.0.1', port: server.port, security: 'starttls', ...target }, trusted ? { extraCaCertificates: [server.ca] } : {});
}

const testFingerprint = async () => new X509Certificate((await testCertificates()).cert).fingerprint256;

describe('the connection test', () => {
  it('over STARTTLS with a password: works, with the reply to NOOP, the capabilities and the certificate that passed', async () => {
    const view = await probeOf({ auth: AUTH }, { credentials: { kind: 'password', ...AUTH } });
    expect(view).toMatchObject({
      ok: true,
      verdict: `Everything works: connected to 127.0.0.1:${server!.port} with STARTTLS, signed in as ann, and the server is ready to send.`,
      code: 250,
      reply: expect.stringMatching(/^250 /),
      stage: 'auth',
      certificateTrusted: true,
      capabilities: { starttls: true, auth: ['PLAIN', 'LOGIN'], pipelining: true },
    });
    expect(view.certificate?.fingerprint).toBe(await testFingerprint());
    expect(view.transcript).toMatch(/^C: NOOP$/m);
    expect(view.transcript).toMatch(/^C: RSET$/m);
  });

  it('without encryption and without signing in: says both, and shows no certificate', async () => {
    const view = await probeOf({}, { security: 'none' });
    expect(view).toMatchObject({
      ok: true,
      verdict: `Everything works: connected to 127.0.0.1:${server!.port} without encryption (plain text), without signing in, and the server is ready to send.`,
      certificate: null,
      certificateTrusted: false,
    });
  });

  it('over implicit TLS', async () => {
    const view = await probeOf({ secure: true }, { security: 'tls' });
    expect(view).toMatchObject({ ok: true, certificateTrusted: true, verdict: expect.stringContaining(`:${server!.port} with TLS, without signing in`) });
  });

  it('says "Password rejected" with the reply, after a certificate that passed', async () => {
    const view = await probeOf({ auth: AUTH }, { credentials: { kind: 'password', user: 'ann', pass: 'wrong' } });
    expect(view).toMatchObject({ ok: false, stage: 'auth', code: 535, certificateTrusted: true });
    expect(view.reply).toMatch(/^535 /);
    expect(view.verdict).toBe(`Password rejected: ${view.reply}`);
    expect(view.certificate?.fingerprint).toBe(await testFingerprint());
  });

  it('shows the certificate of a server it does not trust, fetched for the person to judge', async () => {
    const view = await probeOf({}, {}, false);
    expect(view).toMatchObject({
      ok: false,
      code: null,
      reply: null,
      certificateTrusted: false,
      certificate: { fingerprint: await testFingerprint(), selfSigned: false },
    });
    expect(view.verdict).toBe(
      `The certificate of 127.0.0.1:${server!.port} is not signed by an authority this system trusts. If this is your server, compare its SHA-256 fingerprint ${await testFingerprint()} and pin it.`,
    );
  });

  it('says that a STARTTLS account on a port that waits for TLS got no greeting, and where to look instead', async () => {
    server = await startSmtpServer({ secure: true });
    const view = await probe({ host: '127.0.0.1', port: server.port, security: 'starttls' }, { timeouts: { greetingMs: 300 } });
    expect(view).toMatchObject({
      ok: false,
      stage: 'greeting',
      verdict: `127.0.0.1:${server.port} sent no greeting: it probably expects TLS from the first byte (usually port 465).`,
    });
  });

  it('says that nothing listens on a closed port, with no certificate and no reply', async () => {
    const port = await closedPort();
    const view = await probe({ host: '127.0.0.1', port, security: 'starttls' });
    expect(view).toMatchObject({
      ok: false,
      verdict: 'The server refused the connection: nothing is listening on that port.',
      code: null,
      reply: null,
      stage: 'connect',
      capabilities: null,
      certificate: null,
      certificateTrusted: false,
    });
  });
});

describe('the capabilities in a transcript', () => {
  it('are those of the last EHLO, whatever its case; replies before any EHLO do not count', () => {
    const lines = [
      'S: 250 greeting-like line before any EHLO',
      'C: ehlo laptop',
      'S: 250-mx.example.org',
      'S: 250-SIZE 1000',
      'S: 250 STARTTLS',
      'C: STARTTLS',
      'C: EHLO laptop',
      'S: 250-mx.example.org Hello',
      'S: 250-size 35882577',
      'S: 250-auth plain LOGIN xoauth2',
      'S: 250-PIPELINING',
      'S: 250-8BITMIME',
      'S: 250-SMTPUTF8',
      'S: 250 DSN',
    ];
    expect(capabilitiesOf(lines)).toEqual({
      size: 35882577,
      starttls: true,
      auth: ['PLAIN', 'LOGIN', 'XOAUTH2'],
      pipelining: true,
      eightBitMime: true,
      smtpUtf8: true,
      dsn: true,
    });
  });

  it('say what is missing: no SIZE (or not a number), no STARTTLS, no AUTH; nothing at all without an EHLO reply', () => {
    expect(capabilitiesOf(['C: EHLO laptop', 'S: 250-mx.example.org', 'S: 250 SIZE'])).toEqual({
      size: null,
      starttls: false,
      auth: [],
      pipelining: false,
      eightBitMime: false,
      smtpUtf8: false,
      dsn: false,
    });
    expect(capabilitiesOf(['C: EHLO laptop', 'S: 250-mx', 'S: 250 SIZE 10M'])?.size).toBeNull();
    expect(capabilitiesOf(['C: EHLO laptop', 'S: 550 no'])).toBeNull();
    expect(capabilitiesOf(['S: 250-mx', 'S: 250 SIZE 10'])).toBeNull();
  });
});
