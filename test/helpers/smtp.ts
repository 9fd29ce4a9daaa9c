/**
 * A real SMTP server in-process (nodemailer's smtp-server) for tests: STARTTLS (or implicit TLS) on a
 * certificate made at test time, optional AUTH, and what arrived parsed with mailparser.
 * `rcpt` and `mail` hooks let a test script the server's answers.
 */
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { testCertificates } from './tls.ts';

export interface ReceivedMessage {
  /** `dsn`: the RFC 3461 parameters as the server read them (MAIL FROM's RET and ENVID, each RCPT TO's NOTIFY). */
  envelope: { from: string; to: string[]; dsn?: { ret: string | null; envid: string | null; notify: (string[] | null)[] } };
  raw: Buffer;
  parsed: ParsedMail;
  user?: string;
}

export interface SmtpReply {
  code: number;
  message: string;
}

/** A hook's answer to a command: a reply, undefined to accept, or the connection dropped (`drop`) or left unanswered (`silence`). */
export type CommandAnswer = SmtpReply | 'drop' | 'silence' | undefined;

export interface SmtpServerOptions {
  auth?: { user: string; pass: string };
  /** Implicit TLS (port 465 style) instead of STARTTLS. */
  secure?: boolean;
  /** Answer a RCPT TO: undefined accepts it. */
  rcpt?: (address: string) => CommandAnswer;
  /** Answer a MAIL FROM: undefined accepts it. */
  mail?: (address: string) => CommandAnswer;
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
  /** Do not offer DSN (RFC 3461) in EHLO, as many submission servers do not. */
  hideDsn?: boolean;
  /** The text of the reply to an accepted end of data; default `2.0.0 Ok: queued as T<n>`. */
  dataReply?: (message: ReceivedMessage) => string;
  /** The server's key and certificate; default the test CA's leaf. */
  certificate?: { key: string; cert: string };
}

export interface TestSmtpServer {
  host: '127.0.0.1';
  port: number;
  ca: string;
  messages: ReceivedMessage[];
  /** Message bodies whose first bytes have arrived: the end of data may still be to come, or never. */
  bodiesBegun: number;
  /** Of those, the ones whose end of data arrived. */
  bodiesEnded: number;
  connectionsOpened: number;
  /** Connections closed, each counted once everything that came on it has been handled (a message received in full is in `messages`). */
  connectionsClosed: number;
  waitForMessages(count: number, timeoutMs?: number): Promise<ReceivedMessage[]>;
  /** Resolves once `condition` holds; it is looked at whenever a connection opens or closes, a body begins or ends, a message is received. */
  until(condition: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  /** Drops every open connection, as a server does with idle ones. */
  dropConnections(): void;
  close(): Promise<void>;
}

const replyError = (reply: SmtpReply): Error => Object.assign(new Error(reply.message), { responseCode: reply.code });

export async function startSmtpServer(options: SmtpServerOptions = {}): Promise<TestSmtpServer> {
  const { ca, ...ours } = await testCertificates();
  const { key, cert } = options.certificate ?? ours;
  const messages: ReceivedMessage[] = [];
  const later = (answer: () => void) => (options.slowMs ? setTimeout(answer, options.slowMs) : answer());
  const answer = (reply: CommandAnswer, sessionId: string, callback: (error?: Error) => void) => {
    if (reply === 'drop') return dropConnection(sessionId);
    if (reply === 'silence') return undefined;
    return later(() => callback(reply ? replyError(reply) : undefined));
  };
  const waiters = new Set<() => void>();
  const counts = { bodiesBegun: 0, bodiesEnded: 0, connectionsOpened: 0, connectionsClosed: 0 };
  const changed = () => {
    for (const wake of waiters) wake();
  };
  /** Each connection's message being handled, which its close waits for. */
  const handling = new Map<string, Promise<unknown>>();
  const serverOptions: SMTPServerOptions = {
    key,
    cert,
    secure: options.secure ?? false,
    name: 'mx.test.outbound',
    authMethods: ['PLAIN', 'LOGIN'],
    authOptional: !options.auth,
    allowInsecureAuth: false,
    disableReverseLookup: true,
    hideDSN: options.hideDsn ?? false,
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
    onMailFrom(address, session, callback) {
      answer(options.mail?.(address.address), session.id, callback);
    },
    onRcptTo(address, session, callback) {
      answer(options.rcpt?.(address.address), session.id, callback);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => {
        if (chunks.push(chunk) === 1) {
          counts.bodiesBegun += 1;
          changed();
        }
      });
      stream.on('end', () => {
        counts.bodiesEnded += 1;
        changed();
        const raw = Buffer.concat(chunks);
        const handled = simpleParser(raw).then((parsed) => {
          const message: ReceivedMessage = {
            envelope: {
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
              ...dsnOf(session.envelope),
            },
            raw,
            parsed,
            ...(typeof session.user === 'string' ? { user: session.user } : {}),
          };
          const reply = options.data?.(message);
          if (reply) return callback(replyError(reply));
          messages.push(message);
          changed();
          if (options.dropAfterData?.(message)) return dropConnection(session.id);
          return later(() => callback(null, options.dataReply?.(message) ?? `2.0.0 Ok: queued as T${messages.length}`));
        }, callback);
        handling.set(session.id, handled);
      });
    },
    onConnect(_session, callback) {
      counts.connectionsOpened += 1;
      changed();
      callback();
    },
    onClose(session) {
      void (handling.get(session.id) ?? Promise.resolve()).finally(() => {
        handling.delete(session.id);
        counts.connectionsClosed += 1;
        changed();
      });
    },
  };
  const server = new SMTPServer(serverOptions);
  /** smtp-server keeps its connections (id and socket) in a set it does not type. */
  const dropConnection = (id?: string): void => {
    for (const connection of server.connections as Set<{ id: string; _socket: { destroy(): void } }>) {
      if (id === undefined || connection.id === id) connection._socket.destroy();
    }
  };
  server.on('error', () => undefined); // client resets are part of the tests
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.server.address();
  if (!address || typeof address === 'string') throw new Error('smtp-server did not bind a TCP port');

  const until = (condition: () => boolean, what: string, timeoutMs = 15_000) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!condition()) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        const { bodiesBegun, bodiesEnded, connectionsOpened, connectionsClosed } = counts;
        reject(
          new Error(
            `the SMTP server waited ${timeoutMs} ms for ${what}; it has ${messages.length} message(s) (bodies begun ${bodiesBegun}, ` +
              `ended ${bodiesEnded}; connections opened ${connectionsOpened}, closed ${connectionsClosed})`,
          ),
        );
      }, timeoutMs);
      waiters.add(check);
      check();
    });

  return {
    host: '127.0.0.1',
    port: address.port,
    ca,
    messages,
    get bodiesBegun() {
      return counts.bodiesBegun;
    },
    get bodiesEnded() {
      return counts.bodiesEnded;
    },
    get connectionsOpened() {
      return counts.connectionsOpened;
    },
    get connectionsClosed() {
      return counts.connectionsClosed;
    },
    async waitForMessages(count, timeoutMs) {
      await until(() => messages.length >= count, `${count} message(s)`, timeoutMs);
      return messages.slice(0, count);
    },
    until,
    dropConnections: () => dropConnection(),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The DSN parameters a message came with, when it came with any (smtp-server keeps an empty record otherwise). */
function dsnOf(envelope: { dsn?: { ret?: string | null; envid?: string | null }; rcptTo: unknown[] }): Pick<ReceivedMessage['envelope'], 'dsn'> {
  const notify = envelope.rcptTo.map((r) => (r as { dsn?: { notify?: string[] } }).dsn?.notify ?? null);
  const ret = envelope.dsn?.ret ?? null;
  const envid = envelope.dsn?.envid ?? null;
  return ret === null && envid === null && notify.every((n) => n === null) ? {} : { dsn: { ret, envid, notify } };
}
