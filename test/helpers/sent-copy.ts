/**
 * The copy in Sent's tests against a real Dovecot IMAP (test/core/outbox/sent-copy*.test.ts): an SMTP
 * server and a Dovecot on one self-signed certificate, which the accounts pin (only the pin makes them
 * trusted); a core with an account for them; a message sent and its copies in Sent; a proxy that
 * holds back or drops the IMAP server's answers.
 */
import { X509Certificate } from 'node:crypto';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { onTestFinished } from 'vitest';
import type { AccountInput, MessageView } from '../../preload/common/contract/index.ts';
import type { TestClock } from './clock.ts';
import { accountFor, testCore, value, type TestCore } from './core.ts';
import { mailServersForFile, SENT, type TestImapServer } from './imap.ts';
import { startSmtpServer, type ReceivedMessage, type SmtpServerOptions, type TestSmtpServer } from './smtp.ts';

export const USER = { name: 'me', pass: 's3cret pass' };

export type SentCopyCore = TestCore & { account: { id: number } };

/** For the test file that calls this: its servers (started before its tests) and what its tests do with them. */
export function sentCopyServers() {
  const servers = mailServersForFile(USER);

  /** A core that trusts no test CA, with an account on the file's SMTP server (unless `extra` says otherwise) keeping a copy in Sent always. */
  async function setUp(imapPort: number, extra: Partial<AccountInput> = {}, clock?: TestClock): Promise<SentCopyCore> {
    const t = testCore(undefined, { sentCopy: { lookForMs: 2_000, timeoutMs: 5_000 }, ...(clock && { clock }) });
    await value(t.api.settings.save({ undoSeconds: 0 }));
    const account = await value(
      t.api.accounts.save(
        accountFor(servers.smtp, {
          tlsFingerprint: new X509Certificate(servers.certificate.cert).fingerprint256,
          imap: { host: '127.0.0.1', port: imapPort, security: 'starttls' },
          sentCopy: 'always',
          ...extra,
        }),
      ),
    );
    return { ...t, account };
  }

  /** A message sent, and its copy in Sent tried. */
  async function send(t: SentCopyCore, subject: string, bcc = ['boss@example.org']): Promise<MessageView> {
    const queued = await value(t.api.outbox.send({ accountId: t.account.id, to: ['ann@example.org'], bcc, subject, text: 'Hello' }));
    await value(t.api.outbox.flush());
    return value(t.api.outbox.get(queued.id));
  }

  const copiesOf = async (message: Pick<MessageView, 'messageId'>, server: TestImapServer = servers.imap) =>
    (await server.messages(SENT)).filter((m) => m.raw.includes(`Message-ID: ${message.messageId}`));

  /** A provider's submission server on the file's user and certificate, closed after the test. */
  async function provider(options: Omit<SmtpServerOptions, 'auth' | 'certificate'> = {}): Promise<TestSmtpServer> {
    const server = await startSmtpServer({ auth: { user: USER.name, pass: USER.pass }, certificate: servers.certificate, ...options });
    onTestFinished(() => server.close());
    return server;
  }

  /** A provider's `data` hook filing what it was given in the user's Sent folder (the file's Dovecot). */
  const filesInSent = (received: ReceivedMessage): undefined => void servers.imap.append(received.raw.toString());

  return { servers, setUp, send, copiesOf, provider, filesInSent };
}

/** A loopback TCP proxy to `port` (on `listenOn`, default any) that holds back the server's bytes on a connection once the client has sent `holdAfter` bytes, until released. */
export async function holdingProxy(port: number, holdAfter: number, listenOn = 0) {
  let holding = true;
  const held: (() => void)[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(port, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    }
    let up = 0;
    client.on('data', (chunk: Buffer) => {
      up += chunk.length;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => (holding && up > holdAfter ? held.push(() => client.write(chunk)) : client.write(chunk)));
    for (const [a, b] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      a.on('error', () => b.destroy());
      a.on('close', () => b.destroy());
    }
  });
  await new Promise<void>((resolve) => server.listen(listenOn, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    release() {
      holding = false;
      for (const flush of held.splice(0)) flush();
    },
    /** Every connection through it dropped, as a line that dies; it goes on listening. */
    drop() {
      for (const socket of sockets) socket.destroy();
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(resolve);
      }),
  };
}
