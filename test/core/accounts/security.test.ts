/**
 * Security modes, certificate pinning and the connection test against real SMTP servers: STARTTLS
 * is required (a stripping server is refused, never plain text), certificates are verified (a
 * wrong-name or self-signed one is refused unless pinned), each password mechanism signs in.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { accountFor, testCore, value } from '../../helpers/core.ts';
import { testCertificates } from '../../helpers/tls.ts';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Core } from '../../../main/core/index.ts';
import { probe } from '../../../main/core/smtp/probe.ts';
import { submit } from '../../../main/core/smtp/submit.ts';
import { accountsTestCa, caSignedFor, selfSigned, startAccountsServer, type AccountsServer } from './servers.ts';

const AUTH = { user: 'me', pass: 's3cret pass' };
let server: AccountsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** One submission with the account's saved settings, as the outbox makes it. */
async function submitTo(core: Core, id: number) {
  const dir = mkdtempSync(join(tmpdir(), 'outbound-pin-'));
  const file = join(dir, 'm.eml');
  writeFileSync(file, 'From: me@outbound.test\r\nTo: ann@example.org\r\nSubject: pinned\r\n\r\nx\r\n');
  try {
    return await submit(await core.accounts.target(core.accounts.get(id)), { from: 'me@outbound.test', to: ['ann@example.org'] }, file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const fingerprintOf = (pem: string) => new X509Certificate(pem).fingerprint256;
const localhost = (port: number) => ({ host: '127.0.0.1', port });

async function coreTrusting() {
  return testCore({ ca: (await testCertificates()).ca }, { extraCaCertificates: [(await testCertificates()).ca, await accountsTestCa()] });
}

describe('the connection test', () => {
  it('walks EHLO, STARTTLS, AUTH, NOOP, RSET, QUIT and shows the capabilities, with the password nowhere in the transcript', async () => {
    server = await startAccountsServer({ auth: AUTH });
    const { api } = await coreTrusting();
    const account = await value(api.accounts.save(accountFor(localhost(server.port))));
    const result = await value(api.accounts.test(account.id));
    expect(result).toMatchObject({ ok: true, code: 250, stage: 'auth' });
    expect(result.verdict).toMatch(/^Everything works: connected to 127\.0\.0\.1:\d+ with STARTTLS, signed in as me/);
    expect(result.capabilities).toEqual({
      size: 10485760,
      starttls: true,
      auth: ['PLAIN', 'LOGIN'],
      pipelining: true,
      eightBitMime: true,
      smtpUtf8: true,
      dsn: false,
    });
    expect(result.certificate?.fingerprint).toBe(fingerprintOf((await testCertificates()).cert));
    for (const command of ['C: EHLO', 'C: STARTTLS', 'C: AUTH PLAIN [redacted]', 'C: NOOP', 'C: RSET', 'C: QUIT']) expect(result.transcript).toContain(command);
    expect(result.transcript).not.toContain('s3cret');
    expect(result.transcript).not.toContain(Buffer.from('\u0000me\u0000s3cret pass').toString('base64'));
    expect(server.logins).toEqual([{ method: 'PLAIN', user: 'me' }]);
  });

  it.each(['PLAIN', 'LOGIN', 'CRAM-MD5'] as const)('signs in with %s when that is what the server offers', async (method) => {
    server = await startAccountsServer({ auth: { ...AUTH, methods: [method] } });
    const { api } = await coreTrusting();
    const account = await value(api.accounts.save(accountFor(localhost(server.port))));
    expect(await value(api.accounts.test(account.id))).toMatchObject({ ok: true });
    expect(server.logins).toEqual([{ method, user: 'me' }]);
  });

  it('signs in with an OAuth2 access token (XOAUTH2), and says "Sign-in rejected" for a token the server refuses', async () => {
    server = await startAccountsServer({ auth: { user: 'me@gmail.example', pass: 'unused', methods: ['XOAUTH2'] }, accessToken: 'ya29.token' });
    const extraCaCertificates = [(await testCertificates()).ca];
    const target = (accessToken: string) => ({
      ...localhost(server!.port),
      security: 'starttls' as const,
      credentials: { kind: 'oauth2' as const, user: 'me@gmail.example', accessToken },
    });
    expect(await probe(target('ya29.token'), { extraCaCertificates })).toMatchObject({ ok: true });
    expect(server.logins).toEqual([{ method: 'XOAUTH2', user: 'me@gmail.example' }]);
    const refused = await probe(target('expired'), { extraCaCertificates });
    expect(refused.verdict).toMatch(/^Sign-in rejected: /);
    expect(refused.transcript).not.toContain('expired');
    expect(refused.transcript).not.toContain('ya29');
  });

  it('says "Password rejected" with the reply code for a wrong password', async () => {
    server = await startAccountsServer({ auth: AUTH });
    const { api } = await coreTrusting();
    const account = await value(api.accounts.save(accountFor(localhost(server.port), { passwordCommand: 'printf wrong' })));
    const result = await value(api.accounts.test(account.id));
    expect(result).toMatchObject({ ok: false, code: 535, stage: 'auth' });
    expect(result.verdict).toMatch(/^Password rejected: 535 5\.7\.8 Authentication credentials invalid/);
    expect(result.transcript).not.toContain('wrong');
  });

  it('works over implicit TLS, and says that a STARTTLS port does not speak TLS from the first byte', async () => {
    server = await startAccountsServer({ auth: AUTH, secure: true });
    const { api } = await coreTrusting();
    const tls = await value(api.accounts.save(accountFor(localhost(server.port), { security: 'tls' })));
    expect(await value(api.accounts.test(tls.id))).toMatchObject({ ok: true });
    await server.close();

    server = await startAccountsServer({ auth: AUTH });
    const wrongMode = await value(api.accounts.save(accountFor(localhost(server.port), { name: 'Wrong mode', security: 'tls' })));
    const result = await value(api.accounts.test(wrongMode.id));
    expect(result.ok).toBe(false);
    expect(result.verdict).toMatch(/does not speak TLS from the first byte: it probably wants STARTTLS/);
  });
});

/** The lines of `transcript`'s AUTH exchange: from `C: AUTH` up to the server's first answer that is not a challenge (334). */
function authExchange(transcript: string): string[] {
  const lines = transcript.split('\n');
  const start = lines.findIndex((line) => line.startsWith('C: AUTH'));
  const end = lines.findIndex((line, i) => i > start && line.startsWith('S: ') && !line.startsWith('S: 334'));
  return start === -1 || end === -1 ? [] : lines.slice(start, end + 1);
}

describe('transcripts of AUTH', () => {
  it.each([
    ['PLAIN', ['C: AUTH PLAIN [redacted]']],
    ['LOGIN', ['C: AUTH LOGIN', 'C: [redacted]', 'C: [redacted]']],
    ['CRAM-MD5', ['C: AUTH CRAM-MD5', 'C: [redacted]']],
  ] as const)("redact every client line of AUTH %s, in the connection test and in a sent message's attempt", async (method, clientLines) => {
    server = await startAccountsServer({ auth: { ...AUTH, methods: [method] } });
    const { core, api } = await coreTrusting();
    const account = await value(api.accounts.save(accountFor(localhost(server.port))));
    const tested = await value(api.accounts.test(account.id));
    const queued = await value(api.outbox.send({ accountId: account.id, to: ['ann@example.org'], subject: 'x', text: 'x', delaySeconds: 0 }));
    expect((await core.sender.sendNow(queued.id)).state).toBe('sent');
    const [attempt] = await value(api.outbox.attempts(queued.id));
    expect(server.logins).toEqual([
      { method, user: 'me' },
      { method, user: 'me' },
    ]);
    for (const transcript of [tested.transcript, attempt!.transcript]) {
      const exchange = authExchange(transcript);
      expect(exchange.filter((line) => line.startsWith('C: '))).toEqual(clientLines);
      expect(exchange.at(-1)).toMatch(/^S: 235 /);
      for (const secret of [AUTH.pass, Buffer.from(AUTH.pass).toString('base64')]) expect(transcript).not.toContain(secret);
    }
  });
});

describe('STARTTLS is required on a STARTTLS account', () => {
  it('refuses a server that strips STARTTLS — the test and sending alike — and never sends the password in plain text', async () => {
    server = await startAccountsServer({ auth: AUTH, stripStartTls: true });
    const { core, api } = await coreTrusting();
    const account = await value(api.accounts.save(accountFor(localhost(server.port))));
    const result = await value(api.accounts.test(account.id));
    expect(result).toMatchObject({ ok: false, stage: 'starttls' });
    expect(result.verdict).toMatch(/did not agree to STARTTLS .*never falls back to an unencrypted connection/);
    expect(result.transcript).not.toMatch(/C: AUTH/);

    const queued = await value(api.outbox.send({ accountId: account.id, to: ['ann@example.org'], subject: 'x', text: 'x', delaySeconds: 0 }));
    const after = await core.sender.sendNow(queued.id);
    expect(after.state).not.toBe('sent');
    expect(after.lastStage).toBe('starttls');
    expect(server.logins).toEqual([]);
  });
});

describe('certificates', () => {
  it('refuses a certificate for another name, saying which name it is for; pinning its fingerprint makes exactly it pass', async () => {
    const certificate = await caSignedFor('mail.example.com');
    server = await startAccountsServer({ auth: AUTH, certificate });
    const { core, api } = await coreTrusting();
    const account = await value(api.accounts.save(accountFor(localhost(server.port))));
    const refused = await value(api.accounts.test(account.id));
    expect(refused.ok).toBe(false);
    expect(refused.verdict).toBe('Certificate is for mail.example.com, not 127.0.0.1. Use that name as the server, or pin this certificate if you trust it.');
    expect(refused.certificate?.fingerprint).toBe(fingerprintOf(certificate.cert));

    const pinned = await value(
      api.accounts.save({ ...accountFor(localhost(server.port)), id: account.id, tlsFingerprint: refused.certificate!.fingerprint.toLowerCase() }),
    );
    expect(pinned.tlsFingerprint).toBe(fingerprintOf(certificate.cert));
    expect(await value(api.accounts.test(account.id))).toMatchObject({ ok: true });
    // Sending connects exactly as the test does.
    const sent = await submitTo(core, account.id);
    expect(sent.failure).toBeUndefined();
    expect(sent.accepted).toEqual(['ann@example.org']);
  });

  it('refuses a self-signed certificate and shows its fingerprint; the pin trusts that certificate and no other', async () => {
    const certificate = await selfSigned('self.example.net');
    server = await startAccountsServer({ auth: AUTH, certificate });
    const { core, api } = await coreTrusting();
    const account = await value(api.accounts.save(accountFor(localhost(server.port))));
    const refused = await value(api.accounts.test(account.id));
    expect(refused.verdict).toMatch(
      /not signed by an authority this system trusts \(it is self-signed\)\. .*SHA-256 fingerprint ([0-9A-F]{2}:){31}[0-9A-F]{2} and pin it/,
    );

    const wrong = await api.accounts.save({ ...accountFor(localhost(server.port)), id: account.id, tlsFingerprint: 'AB'.repeat(32) });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'smtp_tls', field: 'tlsFingerprint' } });
    expect(await api.accounts.save({ ...accountFor(localhost(server.port)), id: account.id, tlsFingerprint: 'not a fingerprint' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', field: 'tlsFingerprint' },
    });

    await value(api.accounts.save({ ...accountFor(localhost(server.port)), id: account.id, tlsFingerprint: refused.certificate!.fingerprint }));
    expect(await value(api.accounts.test(account.id))).toMatchObject({ ok: true });

    // Another certificate with the same name where the pinned one was: refused, for the test and for sending.
    const pinned = core.accounts.get(account.id);
    await server.close();
    server = await startAccountsServer({ auth: AUTH, certificate: await selfSigned('self.example.net') });
    const impostor = await probe({ ...(await core.accounts.target(pinned)), port: server.port });
    expect(impostor.ok).toBe(false);
    expect(impostor.verdict).toMatch(/^The server's certificate \(SHA-256 [0-9A-F:]+\) is not the pinned one \([0-9A-F:]+\)\. Someone may be intercepting/);
    const sent = await submit(
      { ...(await core.accounts.target(pinned)), port: server.port },
      { from: 'me@outbound.test', to: ['a@example.org'] },
      '/nonexistent',
    );
    expect(sent.failure?.kind).toBe('tls');
    expect(server.logins).toEqual([]);
  });
});
