/**
 * The connection test: connect, EHLO, STARTTLS, EHLO again, AUTH, NOOP, RSET, QUIT — exactly the
 * security the account's sending uses (same TLS options, same refusal to fall back to plain text) —
 * and a verdict in plain words with the server's reply code, the capabilities it announced, the
 * certificate it presented and the transcript with every secret redacted.
 */
import { X509Certificate } from 'node:crypto';
import type { PeerCertificate } from 'node:tls';
import type { CertificateView, ConnectionTestView, SmtpCapabilities } from '../../../preload/common/contract/index.ts';

/** The SMTP half of the connection test. */
export type SmtpTestView = Omit<ConnectionTestView, 'imap'>;
import {
  connectionOptions,
  describeFailure,
  loadSmtp,
  loginWith,
  type NodemailerError,
  type MessageHooks,
  type SubmitOptions,
  type SubmitTarget,
} from './submit.ts';
import { describeCertificate, fetchCertificate, nodeTls } from './tls.ts';
import { SmtpTranscript } from './transcript.ts';

/**
 * NOOP has no public method in SMTPConnection; this is the one place that sends a raw command
 * through its (pinned-version) command queue, after the session is fully set up.
 */
interface RawCommands {
  _sendCommand(command: string): void;
  _responseActions: Array<(reply: string) => void>;
}

const PROBE_TIMEOUTS = { connectMs: 10_000, greetingMs: 10_000, socketMs: 20_000 };

export async function probe(target: SubmitTarget, options: Omit<SubmitOptions, keyof MessageHooks> = {}): Promise<SmtpTestView> {
  const transcript = new SmtpTranscript();
  let presented: PeerCertificate | undefined;
  const base = connectionOptions(target, { timeouts: PROBE_TIMEOUTS, ...options }, transcript);
  const verify = base.tls?.checkServerIdentity ?? nodeTls().checkServerIdentity;
  const smtp = await loadSmtp();
  const connection = new smtp.SMTPConnection({
    ...base,
    // Remember the certificate that passed, to show it; the check itself is unchanged.
    tls: { ...base.tls, checkServerIdentity: (host, cert) => ((presented = cert), verify(host, cert)) },
  });

  const outcome = await new Promise<{ error?: NodemailerError; code?: number; reply?: string }>((resolve) => {
    let settled = false;
    const finish = (result: { error?: NodemailerError; code?: number; reply?: string }) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    connection.once('error', (error: NodemailerError) => finish({ error }));
    connection.once('end', () => finish({ error: Object.assign(new Error('The server closed the connection'), { code: 'ECONNECTION' }) }));
    connection.connect((error) => {
      // A server that closes the connection before its greeting is reported here, not as an 'error'.
      if (error) return finish({ error: error as NodemailerError });
      const afterLogin = () => {
        const raw = connection as unknown as RawCommands;
        raw._responseActions.push((noopReply) => {
          if (!noopReply.startsWith('2')) {
            return finish({
              error: Object.assign(new Error(noopReply), { code: 'EPROTOCOL', responseCode: Number(noopReply.slice(0, 3)), response: noopReply }),
            });
          }
          return connection.reset((error) => {
            if (error) return finish({ error: error as NodemailerError });
            connection.quit();
            return finish({ code: Number(noopReply.slice(0, 3)), reply: noopReply });
          });
        });
        raw._sendCommand('NOOP');
      };
      if (!target.credentials) return afterLogin();
      return connection.login(loginWith(smtp, target.credentials), (error) => (error ? finish({ error: error as NodemailerError }) : afterLogin()));
    });
  });
  connection.close();

  const capabilities = capabilitiesOf(transcript.lines);
  let certificate: CertificateView | null = presented ? describeCertificate(new X509Certificate(presented.raw).toString()) : null;
  if (!outcome.error) {
    const how = target.security === 'none' ? 'without encryption (plain text)' : target.security === 'tls' ? 'with TLS' : 'with STARTTLS';
    const who = target.credentials ? `, signed in as ${target.credentials.user}` : ', without signing in';
    return {
      ok: true,
      verdict: `Everything works: connected to ${target.host}:${target.port} ${how}${who}, and the server is ready to send.`,
      code: outcome.code ?? null,
      reply: outcome.reply ?? null,
      stage: transcript.stage,
      capabilities,
      certificate,
      certificateTrusted: certificate !== null,
      transcript: transcript.toString(),
    };
  }
  const failure = describeFailure(outcome.error, transcript.stage);
  if (failure.kind === 'tls' && !certificate && target.security !== 'none') {
    // Show what the server presented, so the user can judge it and, if it is theirs, pin it.
    certificate = await fetchCertificate(target, PROBE_TIMEOUTS.connectMs).catch(() => null);
  }
  return {
    ok: false,
    verdict: verdictOf(failure, target, outcome.error, certificate),
    code: failure.code,
    reply: failure.reply ?? null,
    stage: transcript.stage,
    capabilities,
    certificate,
    certificateTrusted: presented !== undefined,
    transcript: transcript.toString(),
  };
}

type Failure = ReturnType<typeof describeFailure>;

function verdictOf(failure: Failure, target: SubmitTarget, error: NodemailerError, certificate: CertificateView | null): string {
  const where = `${target.host}:${target.port}`;
  const detail = `${error.message} ${error.originalCode ?? ''}`;
  if (/upgrading connection with STARTTLS|does not support required STARTTLS/i.test(error.message)) {
    return `${where} did not agree to STARTTLS${failure.reply ? ` (${failure.reply})` : ''}, so Outbound stopped: it never falls back to an unencrypted connection. Someone may be stripping STARTTLS, or the server wants TLS from the first byte.`;
  }
  switch (failure.kind) {
    case 'auth':
      return `${target.credentials?.kind === 'oauth2' ? 'Sign-in' : 'Password'} rejected: ${failure.reply ?? failure.message}`;
    case 'tls':
      if (target.pin && certificate && certificate.fingerprint !== target.pin.fingerprint) {
        return `The server's certificate (SHA-256 ${certificate.fingerprint}) is not the pinned one (${target.pin.fingerprint}). Someone may be intercepting the connection, or the server's certificate changed.`;
      }
      if (/wrong version number|packet length too long|EPROTO/i.test(detail)) {
        return `Port ${target.port} does not speak TLS from the first byte: it probably wants STARTTLS (usually port 587).`;
      }
      if (/altnames|HOSTNAME_MISMATCH/i.test(detail) && certificate) {
        return `Certificate is for ${certificate.names.join(', ') || certificate.subject}, not ${target.host}. Use that name as the server, or pin this certificate if you trust it.`;
      }
      if (/expired/i.test(detail)) return `The server's certificate expired${certificate ? ` on ${certificate.validTo.slice(0, 10)}` : ''}.`;
      if (certificate) {
        return `The certificate of ${where} is not signed by an authority this system trusts${certificate.selfSigned ? ' (it is self-signed)' : ''}. If this is your server, compare its SHA-256 fingerprint ${certificate.fingerprint} and pin it.`;
      }
      return failure.message;
    case 'timeout':
      return target.security === 'starttls' && failure.message.includes('greeting')
        ? `${where} sent no greeting: it probably expects TLS from the first byte (usually port 465).`
        : failure.message;
    default:
      return failure.message;
  }
}

/** Capabilities from the EHLO replies in the transcript: the last EHLO counts (after STARTTLS it replaces the first). */
export function capabilitiesOf(lines: readonly string[]): SmtpCapabilities | null {
  const replies: string[][] = [];
  for (const line of lines) {
    if (/^C: EHLO /i.test(line)) replies.push([]);
    else if (line.startsWith('S: 250') && replies.length > 0) replies.at(-1)!.push(line.slice(7).trim());
  }
  const last = replies.at(-1);
  if (!last?.length) return null;
  const keywords = new Map(
    last.slice(1).map((l) => {
      const [k = '', ...rest] = l.split(/\s+/);
      return [k.toUpperCase(), rest] as const;
    }),
  );
  const size = keywords.get('SIZE')?.[0];
  return {
    size: size && /^\d+$/.test(size) ? Number(size) : null,
    starttls: replies.some((r) => r.some((l) => /^STARTTLS\b/i.test(l))),
    auth: (keywords.get('AUTH') ?? []).map((m) => m.toUpperCase()),
    pipelining: keywords.has('PIPELINING'),
    eightBitMime: keywords.has('8BITMIME'),
    smtpUtf8: keywords.has('SMTPUTF8'),
    dsn: keywords.has('DSN'),
  };
}
