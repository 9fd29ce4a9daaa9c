/**
 * Fetching the certificate a server presents, for the user to judge before pinning it: over
 * implicit TLS, after SMTP's STARTTLS and after IMAP's; a refusal on the way (the greeting, EHLO,
 * STARTTLS) is said with the server's reply, silence within the time allowed, and an account without
 * TLS has no certificate to fetch.
 */
import { X509Certificate } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchCertificate } from '../../../main/core/smtp/tls.ts';
import { startFaultServer, type Fault, type FaultServer } from '../../helpers/fault-server.ts';
import { startSmtpServer } from '../../helpers/smtp.ts';
import { testCertificates } from '../../helpers/tls.ts';

const fingerprint = async () => new X509Certificate((await testCertificates()).cert).fingerprint256;

let faulty: FaultServer;
beforeAll(async () => {
  faulty = await startFaultServer();
});
afterAll(() => faulty.close());

/** An IMAP server's plain-text start (greeting, then `a STARTTLS`, answered in `replies`), then TLS on the test certificate. */
async function imapStartTls(replies: { greeting: string; starttls: string }): Promise<{ port: number; close(): Promise<void> }> {
  const { key, cert } = await testCertificates();
  const server: Server = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.write(`${replies.greeting}\r\n`);
    socket.once('data', () => {
      socket.write(`${replies.starttls}\r\n`);
      if (replies.starttls.startsWith('a OK')) new TLSSocket(socket, { isServer: true, key, cert }).on('error', () => undefined);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('the certificate a server presents', () => {
  it.each([
    ['implicit TLS', true, 'tls'],
    ["SMTP's STARTTLS", false, 'starttls'],
  ] as const)('is fetched over %s', async (_how, secure, security) => {
    const server = await startSmtpServer({ secure });
    try {
      const certificate = await fetchCertificate({ host: '127.0.0.1', port: server.port, security });
      expect(certificate).toMatchObject({ fingerprint: await fingerprint(), subject: 'CN=localhost', selfSigned: false });
      expect(server.messages).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it("is fetched after IMAP's STARTTLS", async () => {
    const server = await imapStartTls({ greeting: '* OK [CAPABILITY IMAP4rev1 STARTTLS] ready', starttls: 'a OK Begin TLS negotiation now' });
    try {
      expect(await fetchCertificate({ host: '127.0.0.1', port: server.port, security: 'starttls', protocol: 'imap' })).toMatchObject({
        fingerprint: await fingerprint(),
      });
    } finally {
      await server.close();
    }
  });

  it('is not fetched when the IMAP server refuses STARTTLS, which is said with its reply', async () => {
    const server = await imapStartTls({ greeting: '* OK ready', starttls: 'a NO STARTTLS not available' });
    try {
      await expect(fetchCertificate({ host: '127.0.0.1', port: server.port, security: 'starttls', protocol: 'imap' })).rejects.toThrow(
        'The server answered a STARTTLS with: a NO STARTTLS not available',
      );
    } finally {
      await server.close();
    }
  });

  it.each([
    [{ stage: 'greeting', kind: '5xx' }, 'The server answered the greeting with: 554 5.3.2 No SMTP service here'],
    [{ stage: 'ehlo', kind: '5xx' }, 'The server answered EHLO outbound.invalid with: 550 5.7.1 You are not welcome'],
    [{ stage: 'starttls', kind: '4xx' }, 'The server answered STARTTLS with: 454 4.7.0 TLS not available now'],
  ] as const)('is not fetched when the SMTP server refuses a step: %o', async (fault: Fault, message) => {
    faulty.setFault(fault);
    await expect(fetchCertificate({ host: '127.0.0.1', port: faulty.port, security: 'starttls' })).rejects.toThrow(message);
  });

  it('is given up on when the server stays silent, saying for how long', async () => {
    faulty.setFault({ stage: 'greeting', kind: 'timeout' });
    await expect(fetchCertificate({ host: '127.0.0.1', port: faulty.port, security: 'starttls' }, 300)).rejects.toThrow(
      `No TLS handshake with 127.0.0.1:${faulty.port} within 0.3 s.`,
    );
  });

  it('is not asked for when the account does not use TLS', async () => {
    await expect(fetchCertificate({ host: '127.0.0.1', port: faulty.port, security: 'none' })).rejects.toThrow('This account does not use TLS.');
  });
});
