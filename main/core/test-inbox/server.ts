/**
 * The test inbox's SMTP server (nodemailer's smtp-server): loopback only, STARTTLS on its own
 * certificate, AUTH with its one password; it relays nothing, and takes mail for any address —
 * or plays the fault it is set to (550 for every recipient but the first, 451 for all).
 */
import { isIP } from 'node:net';
import type { SMTPServer as Server } from 'smtp-server';
import type { TestInboxFault } from '../../../preload/common/contract/index.ts';
import type { KeyPair } from './certificate.ts';

export const TEST_INBOX_USER = 'outbound';
/** What it takes: far more than anyone tries a client with, far less than the memory it is held in. */
const MAX_MESSAGE_BYTES = 50 * 1024 * 1024;

export interface Received {
  envelopeFrom: string;
  envelopeTo: string[];
  bytes: Buffer;
}

export interface ListenOptions extends KeyPair {
  port: number;
  password: string;
  fault: () => TestInboxFault;
  onMessage: (message: Received) => Promise<void>;
}

export interface Listening {
  port: number;
  close(): Promise<void>;
}

/** 127.0.0.0/8 (also as an IPv4-mapped IPv6 address) or ::1. */
const isLoopback = (address: string) => {
  const v4 = address.replace(/^::ffff:/, '');
  return address === '::1' || (isIP(v4) === 4 && v4.startsWith('127.'));
};

const reply = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });

export async function listen(options: ListenOptions): Promise<Listening> {
  const { SMTPServer } = await import('smtp-server');
  const server: Server = new SMTPServer({
    name: 'test-inbox.outbound',
    banner: 'Outbound test inbox: mail is kept here and never relayed',
    key: options.key,
    cert: options.cert,
    size: MAX_MESSAGE_BYTES,
    authMethods: ['PLAIN', 'LOGIN'],
    // AUTH only after STARTTLS, as any careful submission server does.
    allowInsecureAuth: false,
    logger: false,
    onConnect(session, callback) {
      callback(isLoopback(session.remoteAddress) ? undefined : reply(554, '5.7.1 The test inbox takes connections from this computer only'));
    },
    onAuth(auth, _session, callback) {
      if (auth.username === TEST_INBOX_USER && auth.password === options.password) return callback(null, { user: TEST_INBOX_USER });
      callback(reply(535, '5.7.8 Wrong username or password for the test inbox'));
    },
    onRcptTo(address, session, callback) {
      const fault = options.fault();
      if (fault === 'defer') return callback(reply(451, '4.3.0 The test inbox defers every recipient (its fault switch is on)'));
      // One recipient taken, the rest refused: the message goes, and each refusal shows on its recipient.
      if (fault === 'reject' && session.envelope.rcptTo.length > 0)
        return callback(reply(550, `5.1.1 <${address.address}>: the test inbox refuses this recipient (its fault switch is on)`));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) return callback(reply(552, '5.3.4 Too big for the test inbox'));
        const message: Received = {
          envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          envelopeTo: session.envelope.rcptTo.map((r) => r.address),
          bytes: Buffer.concat(chunks),
        };
        options.onMessage(message).then(
          () => callback(null, 'Kept in the Outbound test inbox, relayed nowhere'),
          () => callback(reply(451, '4.3.0 The test inbox could not keep the message: try again')),
        );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', () => undefined); // a client's broken connection is not the server's end
  const address = server.server.address();
  return {
    port: typeof address === 'object' && address ? address.port : options.port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
