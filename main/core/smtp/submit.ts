/**
 * One submission attempt (RFC 6409) with nodemailer's SMTPConnection: connect (implicit TLS or
 * STARTTLS, certificates always verified), AUTH, MAIL/RCPT with an explicit envelope, DATA with the
 * frozen bytes, QUIT. It never throws for anything the network or the server does: it reports what
 * happened, the stage reached and the transcript, and leaves the judgement to the outbox.
 */
import { closeSync, createReadStream, fstatSync, openSync, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import type SMTPConnection from 'nodemailer/lib/smtp-connection';
import type XOAuth2 from 'nodemailer/lib/xoauth2';
import type { Security, SmtpStage } from '../../../preload/common/contract/index.ts';
import type { EnvelopeDsn } from '../compose/delivery-report.ts';
import { tlsOptions, type Pin } from './tls.ts';
import { SmtpTranscript } from './transcript.ts';

/** nodemailer's SMTP client, loaded by the first connection: a command that connects to no server never loads it. */
export interface Smtp {
  SMTPConnection: typeof SMTPConnection;
  XOAuth2: typeof XOAuth2;
}
let smtp: Promise<Smtp> | undefined;
export function loadSmtp(): Promise<Smtp> {
  smtp ??= Promise.all([import('nodemailer/lib/smtp-connection'), import('nodemailer/lib/xoauth2')]).then(([connection, xoauth2]) => ({
    SMTPConnection: connection.default,
    XOAuth2: xoauth2.default,
  }));
  return smtp;
}

/** A password (the server's best of PLAIN / LOGIN / CRAM-MD5), or an OAuth2 access token (XOAUTH2). */
export type SmtpCredentials = { kind: 'password'; user: string; pass: string } | { kind: 'oauth2'; user: string; accessToken: string };

export interface SubmitTarget {
  host: string;
  port: number;
  security: Security;
  credentials?: SmtpCredentials | undefined;
  /** A pinned certificate: trusted alone, instead of the system's authorities (see tls.ts). */
  pin?: Pin | null | undefined;
}

export interface SubmitOptions {
  /** PEM certificates trusted besides the system's (an enterprise CA, a test CA). */
  extraCaCertificates?: readonly string[];
  timeouts?: { connectMs?: number; greetingMs?: number; socketMs?: number };
  /**
   * Called after the server's 354, before the first byte of the body: the outbox records its body
   * mark and starts making it durable. The body is sent meanwhile; the end of data, which alone makes the
   * message deliverable (RFC 5321 §4.1.1.4: the server takes the message with its reply to it),
   * waits for the returned promise.
   */
  beforeBody?: () => Promise<void>;
  /** Called once the body and the end of data are with the connection, while the server has yet to answer: for work that must not delay them. */
  afterBody?: () => void;
  /** Called as the frozen file is read into the connection: bytes so far, of its size. */
  onProgress?: (sent: number, total: number) => void;
}

/** What one message's sending reports as it goes. */
export type MessageHooks = Pick<SubmitOptions, 'beforeBody' | 'afterBody' | 'onProgress'>;

export interface RecipientReply {
  address: string;
  code: number | null;
  reply: string;
}

export type FailureKind =
  /** Could not reach the server, or the connection broke: nothing the server said. */
  | 'network'
  | 'timeout'
  /** Certificates, or STARTTLS refused or missing. */
  | 'tls'
  /** The server refused the login. */
  | 'auth'
  /** The server answered with an error code. */
  | 'reply'
  /** A local problem: the frozen file, a bug. */
  | 'local'
  /** The keychain did not give the password (locked, or its service gone): the message waits for it. */
  | 'keychain';

export interface SubmitResult {
  stage: SmtpStage;
  transcript: string;
  /** True once the body and the final dot were written: the server may have the message. */
  bodyWritten: boolean;
  accepted: string[];
  rejected: RecipientReply[];
  /** The server's reply to the message (after the final dot), when there was one. */
  reply?: string;
  failure?: { kind: FailureKind; message: string; code: number | null; reply?: string };
}

const CERTIFICATE_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
  'HOSTNAME_MISMATCH',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);

const COMMAND_STAGES: Record<string, SmtpStage> = { 'MAIL FROM': 'mail', 'RCPT TO': 'rcpt' };

/** MAIL FROM and RCPT TO; `dsn` goes out only where the server's EHLO offers DSN (nodemailer drops it otherwise). */
export interface Envelope {
  from: string;
  to: string[];
  dsn?: EnvelopeDsn;
}

export interface NodemailerError extends Error {
  code?: string;
  originalCode?: string;
  response?: string;
  responseCode?: number;
  command?: string;
  rejectedErrors?: NodemailerError[];
  recipient?: string;
}

/**
 * One connection to a submission server that carries messages one after another (RFC 5321 allows a
 * new MAIL transaction after each DATA), as a pool does. Every message gets its own stage tracking
 * and transcript; the first one's includes the connection's setup (greeting, EHLO, STARTTLS, AUTH).
 * After any failure the connection is not reused.
 */
export class SmtpSession {
  private readonly target: SubmitTarget;
  private readonly options: Omit<SubmitOptions, keyof MessageHooks>;
  private connection: SMTPConnection | undefined;
  private transcript = new SmtpTranscript();
  private broken = false;
  /** Fails the send in flight when the connection errors or ends under it. */
  private pending: ((error: NodemailerError) => void) | undefined;

  constructor(target: SubmitTarget, options: Omit<SubmitOptions, keyof MessageHooks> = {}) {
    this.target = target;
    this.options = options;
  }

  /** Connected, logged in, and no failure since. */
  get open(): boolean {
    return this.connection !== undefined && !this.broken;
  }

  async send(envelope: Envelope, file: string, hooks: MessageHooks = {}): Promise<SubmitResult> {
    const smtp = await loadSmtp();
    if (!this.open) return this.attempt(smtp, envelope, file, hooks, false);
    const result = await this.attempt(smtp, envelope, file, hooks, true);
    // The server had closed the idle connection before this message reached it: try once on a fresh one.
    const untouched = result.failure?.kind === 'network' && !result.transcript.split('\n').some((line) => line.startsWith('S: '));
    return untouched ? this.attempt(smtp, envelope, file, hooks, false) : result;
  }

  close(): void {
    const connection = this.connection;
    this.connection = undefined;
    if (!connection) return;
    if (this.broken) connection.close();
    else connection.quit();
  }

  private attempt(smtp: Smtp, envelope: Envelope, file: string, hooks: MessageHooks, reuse: boolean): Promise<SubmitResult> {
    const transcript = (this.transcript = new SmtpTranscript(reuse ? 'mail' : 'connect', hooks.afterBody));
    if (reuse) transcript.note('Reusing the open connection');
    else this.connect(smtp);
    const connection = this.connection!;
    return new Promise<SubmitResult>((resolve) => {
      const finish = (partial: Omit<SubmitResult, 'stage' | 'transcript' | 'bodyWritten'>) => {
        this.pending = undefined;
        resolve({ stage: transcript.stage, transcript: transcript.toString(), bodyWritten: transcript.bodyWritten, ...partial });
      };
      const fail = (error: NodemailerError) => {
        this.broken = true;
        // With PIPELINING, DATA is already out when RCPT's refusal is read: the command that failed names the stage.
        const stage = COMMAND_STAGES[error.command ?? ''];
        if (stage && !transcript.bodyWritten) transcript.stage = stage;
        finish({ accepted: [], rejected: rejectedOf(error), failure: describeFailure(error, transcript.stage) });
      };
      this.pending = fail;
      const send = () =>
        connection.send(envelope, frozenBody(file, transcript, hooks), (error, info) => {
          if (this.pending !== fail) return; // already failed by the connection
          if (error) return fail(error as NodemailerError);
          return finish({
            accepted: (info?.accepted ?? []).map(String),
            rejected: rejectedOf(info as { rejectedErrors?: NodemailerError[] } | undefined),
            ...(info?.response ? { reply: info.response } : {}),
          });
        });
      if (reuse) return send();
      connection.connect((error) => {
        // A server that closes the connection before its greeting is reported here, not as an 'error'.
        if (error) return fail(error as NodemailerError);
        if (!this.target.credentials) return send();
        return connection.login(loginWith(smtp, this.target.credentials), (error) => (error ? fail(error as NodemailerError) : send()));
      });
    });
  }

  private connect({ SMTPConnection }: Smtp): void {
    // The connection's log goes to the transcript of whichever message is on it now.
    const logger = Object.fromEntries(
      (['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const).map((level) => [
        level,
        (...args: Parameters<SmtpTranscript['logger']['info']>) => this.transcript.logger[level](...args),
      ]),
    ) as SmtpTranscript['logger'];
    const connection = new SMTPConnection(connectionOptions(this.target, this.options, { logger }));
    this.connection = connection;
    this.broken = false;
    connection.on('error', (error: NodemailerError) => {
      if (connection !== this.connection) return;
      this.broken = true;
      this.pending?.(error);
    });
    connection.on('end', () => {
      if (connection !== this.connection) return;
      this.broken = true;
      this.pending?.(Object.assign(new Error('The server closed the connection'), { code: 'ECONNECTION' }));
    });
  }
}

/** One message on a connection of its own. */
export async function submit(target: SubmitTarget, envelope: Envelope, file: string, options: SubmitOptions = {}): Promise<SubmitResult> {
  const { beforeBody, afterBody, onProgress, ...connectionOptions } = options;
  const session = new SmtpSession(target, connectionOptions);
  try {
    return await session.send(envelope, file, { beforeBody, afterBody, onProgress });
  } finally {
    session.close();
  }
}

/**
 * How every connection to a submission server is made (sending and the connection test alike):
 * certificates verified (or the pinned one alone), STARTTLS required on `starttls` — if the server
 * does not offer it or refuses it, the connection fails rather than going on in plain text.
 */
export function connectionOptions(
  target: SubmitTarget,
  options: Omit<SubmitOptions, keyof MessageHooks>,
  transcript: Pick<SmtpTranscript, 'logger'>,
): ConstructorParameters<typeof SMTPConnection>[0] & { tls: ReturnType<typeof tlsOptions> } {
  return {
    host: target.host,
    port: target.port,
    secure: target.security === 'tls',
    requireTLS: target.security === 'starttls',
    ignoreTLS: target.security === 'none',
    connectionTimeout: options.timeouts?.connectMs ?? 30_000,
    greetingTimeout: options.timeouts?.greetingMs ?? 30_000,
    socketTimeout: options.timeouts?.socketMs ?? 120_000,
    tls: tlsOptions(target.host, target.pin ?? null, options.extraCaCertificates),
    transactionLog: true,
    logger: transcript.logger,
  };
}

/** SMTPConnection's login data: user and password, or an access token sent as XOAUTH2 (as Gmail and Microsoft 365 expect). */
export function loginWith({ XOAuth2 }: Smtp, credentials: SmtpCredentials): Parameters<SMTPConnection['login']>[0] {
  if (credentials.kind === 'password') return { user: credentials.user, pass: credentials.pass };
  // The token is fresh (accounts/oauth.ts refreshes it before it expires); XOAuth2 only formats it.
  return { user: credentials.user, oauth2: new XOAuth2({ user: credentials.user, accessToken: credentials.accessToken }) };
}

/** Frozen messages up to this size are read in one go; larger ones stream from disk. */
const READ_WHOLE_BYTES = 256 * 1024;

/** The frozen file, opened only when the server has said 354: the stage turns to 'body' right before the first byte. */
function frozenBody(file: string, transcript: SmtpTranscript, { beforeBody, onProgress }: MessageHooks): Readable {
  return Readable.from(
    (async function* () {
      transcript.stage = 'body';
      const marked = beforeBody?.();
      marked?.catch(() => undefined); // awaited below, before the end of data
      // One open: a path lookup in a directory of thousands of messages is not free.
      const fd = openSync(file, 'r');
      let size: number;
      let whole: Buffer | undefined;
      try {
        size = fstatSync(fd).size;
        if (size <= READ_WHOLE_BYTES) whole = readFileSync(fd);
      } catch (error) {
        closeSync(fd);
        throw error;
      }
      if (whole) {
        closeSync(fd);
        yield whole;
        onProgress?.(size, size);
      } else {
        let sent = 0;
        for await (const chunk of createReadStream('', { fd }) as AsyncIterable<Buffer>) {
          yield chunk;
          // The chunk has been taken by the connection once the generator resumes here.
          sent += chunk.length;
          onProgress?.(sent, size);
        }
      }
      // The end of data follows this stream's end: not before the mark is durable.
      await marked;
    })(),
    { objectMode: false },
  );
}

function rejectedOf(source: { rejectedErrors?: NodemailerError[] } | undefined): RecipientReply[] {
  return (source?.rejectedErrors ?? []).map((e) => ({
    address: e.recipient ?? '',
    code: e.responseCode ?? null,
    reply: e.response ?? e.message,
  }));
}

export function describeFailure(error: NodemailerError, stage: SmtpStage): NonNullable<SubmitResult['failure']> {
  const code = error.responseCode ?? null;
  const reply = error.response;
  const withReply = reply ? { reply } : {};
  const original = error.originalCode ?? '';
  if (code !== null && code < 500 && error.code !== 'EAUTH') {
    // 4xx at any stage, STARTTLS's 454 included, is temporary (RFC 5321 §4.2.1).
    return { kind: 'reply', code, message: `The server answered ${stageName(stage)} with: ${reply}`, ...withReply };
  }
  if (CERTIFICATE_CODES.has(original) || error.code === 'ETLS') {
    return { kind: 'tls', code, message: tlsMessage(error), ...withReply };
  }
  if (error.code === 'EAUTH' && code !== null && code >= 500) {
    return { kind: 'auth', code, message: `The server rejected the login: ${reply}`, ...withReply };
  }
  if (code !== null) {
    return { kind: 'reply', code, message: `The server answered ${stageName(stage)} with: ${reply}`, ...withReply };
  }
  if (error.code === 'ETIMEDOUT') {
    return { kind: 'timeout', code, message: `The server stopped answering during ${stageName(stage)}.` };
  }
  if (error.code === 'ESTREAM' || error.code === 'EMESSAGE' || error.code === 'EENVELOPE' || error.code === 'EAUTH') {
    return { kind: 'local', code, message: error.message };
  }
  return { kind: 'network', code, message: networkMessage(error, stage) };
}

function tlsMessage(error: NodemailerError): string {
  const detail = error.message.replace(/^Error initiating TLS - /, '');
  if (/STARTTLS/i.test(detail) || /not support/i.test(detail)) {
    return `The server does not offer STARTTLS, so Outbound will not send (it never falls back to an unencrypted connection). ${detail}`;
  }
  return `The server's certificate could not be verified: ${detail}`;
}

function networkMessage(error: NodemailerError, stage: SmtpStage): string {
  switch (error.originalCode) {
    case 'ECONNREFUSED':
      return 'The server refused the connection: nothing is listening on that port.';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'The server name could not be found: check the host name, or the network is offline.';
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
      return 'The network is unreachable: Outbound will send when it is back.';
    default:
      return `The connection broke during ${stageName(stage)}: ${error.message}`;
  }
}

const STAGE_NAMES: Record<SmtpStage, string> = {
  connect: 'the connection',
  greeting: 'the greeting',
  ehlo: 'EHLO',
  starttls: 'STARTTLS',
  auth: 'AUTH',
  mail: 'MAIL FROM',
  rcpt: 'RCPT TO',
  data: 'DATA',
  body: 'the message body',
  final: 'the final reply',
};
export const stageName = (stage: SmtpStage): string => STAGE_NAMES[stage];
