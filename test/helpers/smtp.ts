/**
 * A real SMTP server in-process (nodemailer's smtp-server) for tests: STARTTLS (or implicit TLS) on a
 * certificate made at test time, optional AUTH, and what arrived parsed with mailparser.
 * `rcpt` and `mail` hooks let a test script the server's answers.
 */
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { testCertificates } from './tls.ts';

export interface ReceivedMessage {
  envelope: { from: string; to: string[] };
  raw: Buffer;
  parsed: ParsedMail;
  user?: string;
}

export interface SmtpReply {
  code: number;
  message: string;
}

export interface SmtpServerOptions {
  auth?: { user: string; pass: string };
  /** Implicit TLS (port 465 style) instead of STARTTLS. */
  secure?: boolean;
  /** Answer a RCPT TO: undefined accepts it. */
  rcpt?: (address: string) => SmtpReply | undefined;
  /** Answer a MAIL FROM: undefined accepts it. */
  mail?: (address: string) => SmtpReply | undefined;
  /** Answer after the final dot: undefined accepts the message. */
  data?: (message: ReceivedMessage) => SmtpReply | undefined;
  /**
   * Drop the connection after the final dot instead of answering: the message did arrive, but the
   * client cannot know (its outbox must call it `uncertain`). True for each message to treat so.
   */
  dropAfterData?: (message: ReceivedMessage) => boolean;
  size?: number;
  /** A fixed port (a server coming back where the client expects it); default any free one. */
  port?: number;
  /** A slow server: MAIL FROM, RCPT TO and the final reply each take this long (ms). */
  slowMs?: number;
}

export interface TestSmtpServer {
  host: '127.0.0.1';
  port: number;
  ca: string;
  messages: ReceivedMessage[];
  waitForMessages(count: number, timeoutMs?: number): Promise<ReceivedMessage[]>;
  close(): Promise<void>;
}

const replyError = (reply: SmtpReply): Error => Object.assign(new Error(reply.message), { responseCode: reply.code });

export async function startSmtpServer(options: SmtpServerOptions = {}): Promise<TestSmtpServer> {
  const { ca, key, cert } = await testCertificates();
  const messages: ReceivedMessage[] = [];
  const later = (answer: () => void) => (options.slowMs ? setTimeout(answer, options.slowMs) : answer());
  const waiters = new Set<() => void>();
  const serverOptions: SMTPServerOptions = {
    key, cert,
    secure: options.secure ?? false,
    name: 'mx.test.outbound',
    authMethods: ['PLAIN', 'LOGIN'],
    authOptional: !options.auth,
    allowInsecureAuth: false,
    disableReverseLookup: true,
    closeTimeout: 200,
    logger: false,
    ...(options.size ? { size: options.size } : {}),
    onAuth(auth, _session, callback) {
      if (options.auth && auth.username === options.auth.user && auth.password === options.auth.pass) {
        callback(null, { user: auth.username });
      } else {
        callback(Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 }));
      }
    },
    onMailFrom(address, _session, callback) {
      const reply = options.mail?.(address.address);
      later(() => callback(reply ? replyError(reply) : undefined));
    },
    onRcptTo(address, _session, callback) {
      const reply = options.rcpt?.(address.address);
      later(() => callback(reply ? replyError(reply) : undefined));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        simpleParser(raw).then((parsed) => {
          const message: ReceivedMessage = {
            envelope: {
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
            },
            raw,
            parsed,
            ...(typeof session.user === 'string' ? { user: session.user } : {}),
          };
          const reply = options.data?.(message);
          if (reply) return callback(replyError(reply));
          messages.push(message);
          for (const wake of waiters) wake();
          if (options.dropAfterData?.(message)) return dropConnection(session.id);
          return later(() => callback(null, `2.0.0 Ok: queued as T${messages.length}`));
        }, callback);
      });
    },
  };
  const server = new SMTPServer(serverOptions);
  /** smtp-server keeps its connections (id and socket) in a set it does not type. */
  const dropConnection = (id: string): void => {
    for (const connection of server.connections as Set<{ id: string; _socket: { destroy(): void } }>) {
      if (connection.id === id) connection._socket.destroy();
    }
  };
  server.on('error', () => undefined); // client resets are part of the tests
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.server.address();
  if (!address || typeof address === 'string') throw new Error('smtp-server did not bind a TCP port');

  return {
    host: '127.0.0.1',
    port: address.port,
    ca,
    messages,
    waitForMessages(count, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (messages.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(messages.slice(0, count));
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`expected ${count} message(s) at the SMTP server, got ${messages.length} in ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
