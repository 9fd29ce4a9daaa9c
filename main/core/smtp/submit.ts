/**
 * One submission attempt (RFC 6409) with nodemailer's SMTPConnection: connect (implicit TLS or
 * STARTTLS, certificates always verified), AUTH, MAIL/RCPT with an explicit envelope, DATA with the
 * frozen bytes, QUIT. It never throws for anything the network or the server does: it reports what
 * happened, the stage reached and the transcript, and leaves the judgement to the outbox.
 */
import { createReadStream } from 'node:fs';
import { isIP } from 'node:net';
import { Readable } from 'node:stream';
import { rootCertificates } from 'node:tls';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { Security, SmtpStage } from '../../../preload/contract.ts';
import { SmtpTranscript } from './transcript.ts';

export interface SubmitTarget {
  host: string;
  port: number;
  security: Security;
  credentials?: { user: string; pass: string } | undefined;
}

export interface SubmitOptions {
  /** PEM certificates trusted besides the system's (an enterprise CA, a test CA). */
  extraCaCertificates?: readonly string[];
  timeouts?: { connectMs?: number; greetingMs?: number; socketMs?: number };
  /** Called, synchronously, as the stage advances; 'body' just before the first byte of DATA. */
  onStage?: (stage: SmtpStage) => void;
}

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
  | 'local';

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
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_UNTRUSTED',
  'CERT_REVOKED', 'HOSTNAME_MISMATCH', 'ERR_SSL_WRONG_VERSION_NUMBER', 'EPROTO',
]);

const COMMAND_STAGES: Record<string, SmtpStage> = { 'MAIL FROM': 'mail', 'RCPT TO': 'rcpt' };

interface NodemailerError extends Error {
  code?: string;
  originalCode?: string;
  response?: string;
  responseCode?: number;
  command?: string;
  rejectedErrors?: NodemailerError[];
  recipient?: string;
}

export function submit(
  target: SubmitTarget,
  envelope: { from: string; to: string[] },
  file: string,
  options: SubmitOptions = {},
): Promise<SubmitResult> {
  const transcript = new SmtpTranscript(options.onStage);
  const connection = new SMTPConnection({
    host: target.host,
    port: target.port,
    secure: target.security === 'tls',
    requireTLS: target.security === 'starttls',
    ignoreTLS: target.security === 'none',
    connectionTimeout: options.timeouts?.connectMs ?? 30_000,
    greetingTimeout: options.timeouts?.greetingMs ?? 30_000,
    socketTimeout: options.timeouts?.socketMs ?? 120_000,
    tls: {
      minVersion: 'TLSv1.2',
      ...(options.extraCaCertificates?.length ? { ca: [...rootCertificates, ...options.extraCaCertificates] } : {}),
      ...(isIP(target.host) ? {} : { servername: target.host }),
    },
    transactionLog: true,
    logger: transcript.logger,
  });

  return new Promise<SubmitResult>((resolve) => {
    let settled = false;
    const finish = (partial: Omit<SubmitResult, 'stage' | 'transcript' | 'bodyWritten'>) => {
      if (settled) return;
      settled = true;
      resolve({ stage: transcript.stage, transcript: transcript.toString(), bodyWritten: transcript.bodyWritten, ...partial });
      connection.close();
    };
    const fail = (error: NodemailerError) => {
      // With PIPELINING, DATA is already out when RCPT's refusal is read: the command that failed names the stage.
      const stage = COMMAND_STAGES[error.command ?? ''];
      if (stage && !transcript.bodyWritten) transcript.advance(stage);
      finish({ accepted: [], rejected: rejectedOf(error), failure: describe(error, transcript.stage) });
    };

    connection.once('error', fail);
    connection.once('end', () => fail(Object.assign(new Error('The server closed the connection'), { code: 'ECONNECTION' })));
    connection.connect(() => {
      const send = () =>
        connection.send(envelope, frozenBody(file, transcript), (error, info) => {
          if (error) return fail(error as NodemailerError);
          const result: Omit<SubmitResult, 'stage' | 'transcript' | 'bodyWritten'> = {
            accepted: (info?.accepted ?? []).map(String),
            rejected: rejectedOf(info as { rejectedErrors?: NodemailerError[] } | undefined),
            ...(info?.response ? { reply: info.response } : {}),
          };
          connection.quit();
          return finish(result);
        });
      if (!target.credentials) return send();
      connection.login(target.credentials, (error) => (error ? fail(error as NodemailerError) : send()));
    });
  });
}

/** The frozen file, opened only when the server has said 354: the stage turns to 'body' right before the first byte. */
function frozenBody(file: string, transcript: SmtpTranscript): Readable {
  return Readable.from(
    (async function* () {
      transcript.advance('body');
      yield* createReadStream(file);
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

function describe(error: NodemailerError, stage: SmtpStage): NonNullable<SubmitResult['failure']> {
  const code = error.responseCode ?? null;
  const reply = error.response;
  const withReply = reply ? { reply } : {};
  const original = error.originalCode ?? '';
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
  connect: 'the connection', greeting: 'the greeting', ehlo: 'EHLO', starttls: 'STARTTLS', auth: 'AUTH', mail: 'MAIL FROM',
  rcpt: 'RCPT TO', data: 'DATA', body: 'the message body', final: 'the final reply',
};
export const stageName = (stage: SmtpStage): string => STAGE_NAMES[stage];
