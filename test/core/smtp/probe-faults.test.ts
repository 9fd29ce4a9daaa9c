/**
 * The connection test against a server that goes wrong at one step (the fault server): a close
 * before the greeting, NOOP or RSET refused, STARTTLS refused (the verdict quotes the reply), silence
 * at EHLO or at the greeting of an account that does not use STARTTLS — each a failed test with what
 * the server said, never a hang and never "works". And a TLS account on a plain-text port shows no
 * certificate.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../../../main/core/smtp/probe.ts';
import type { SubmitTarget } from '../../../main/core/smtp/submit.ts';
import { startFaultServer, type Fault, type FaultServer } from '../../helpers/fault-server.ts';
import { startSmtpServer } from '../../helpers/smtp.ts';

const TIMEOUTS = { connectMs: 1_000, greetingMs: 500, socketMs: 500 };
const SIGNED_IN: Partial<SubmitTarget> = { security: 'starttls', credentials: { kind: 'password', user: 'me', pass: 's3cret pass' } };

let server: FaultServer;
beforeAll(async () => {
  server = await startFaultServer();
});
afterAll(() => server.close());

function probeWith(fault: Fault, target: Partial<SubmitTarget>) {
  server.setFault(fault);
  return probe({ host: '127.0.0.1', port: server.port, security: 'none', ...target }, { extraCaCertificates: [server.ca], timeouts: TIMEOUTS });
}

describe('the connection test against a server that goes wrong', () => {
  it.each([
    ['without signing in', {}],
    ['signing in', SIGNED_IN],
  ] as const)('says the connection broke when the server closes it before its greeting (%s)', async (_how, target) => {
    expect(await probeWith({ stage: 'greeting', kind: 'drop' }, target)).toMatchObject({
      ok: false,
      verdict: 'The connection broke during the greeting: Connection closed unexpectedly',
      stage: 'greeting',
      code: null,
      reply: null,
    });
  });

  it.each([
    ['NOOP', { stage: 'noop', kind: '5xx' }, 502, '502 5.5.2 NOOP not implemented'],
    ['NOOP', { stage: 'noop', kind: '4xx' }, 421, '421 4.3.2 Shutting down'],
    ['RSET', { stage: 'rset', kind: '5xx' }, 554, '554 5.5.1 RSET refused'],
  ] as const)('fails when the server refuses %s after the login, with its reply', async (_command, fault, code, reply) => {
    const view = await probeWith(fault, SIGNED_IN);
    expect(view).toMatchObject({ ok: false, code, reply, certificateTrusted: true });
    expect(view.verdict).toContain(reply);
  });

  it.each([
    ['5xx', '554 5.7.3 TLS refused'],
    ['4xx', '454 4.7.0 TLS not available now'],
  ] as const)('quotes the reply of a server that refuses STARTTLS (%s), and never goes on in plain text', async (kind, reply) => {
    const view = await probeWith({ stage: 'starttls', kind }, SIGNED_IN);
    expect(view).toMatchObject({ ok: false, stage: 'starttls', reply });
    expect(view.verdict).toBe(
      `127.0.0.1:${server.port} did not agree to STARTTLS (${reply}), so Outbound stopped: it never falls back to an unencrypted connection. Someone may be stripping STARTTLS, or the server wants TLS from the first byte.`,
    );
    expect(view.transcript).not.toMatch(/^C: AUTH/m);
  });

  it('says which step the server stopped answering at', async () => {
    expect(await probeWith({ stage: 'ehlo', kind: 'timeout' }, SIGNED_IN)).toMatchObject({
      ok: false,
      stage: 'ehlo',
      verdict: 'The server stopped answering during EHLO.',
    });
  });

  it('does not take a silent greeting on an account without STARTTLS for a port that wants TLS', async () => {
    expect(await probeWith({ stage: 'greeting', kind: 'timeout' }, {})).toMatchObject({
      ok: false,
      stage: 'greeting',
      verdict: 'The server stopped answering during the greeting.',
    });
  });
});

describe('the connection test of a TLS account on a plain-text port', () => {
  it('says the port wants STARTTLS, and shows no certificate (there is none to fetch)', async () => {
    const plain = await startSmtpServer();
    try {
      const view = await probe({ host: '127.0.0.1', port: plain.port, security: 'tls' }, { extraCaCertificates: [plain.ca], timeouts: TIMEOUTS });
      expect(view).toMatchObject({
        ok: false,
        verdict: `Port ${plain.port} does not speak TLS from the first byte: it probably wants STARTTLS (usually port 587).`,
      });
      expect(view.certificate).toBeNull();
      expect(view.certificateTrusted).toBe(false);
    } finally {
      await plain.close();
    }
  });
});
