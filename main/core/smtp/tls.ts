/**
 * TLS for SMTP: certificates are always verified. The one way to trust a server the system does not
 * (self-signed, or a certificate for another name) is to pin its certificate, as msmtp's
 * tls_fingerprint: the account keeps the SHA-256 fingerprint the user saw and the certificate itself,
 * which becomes the only trust anchor for that connection, so exactly that certificate passes —
 * chain, expiry and signature still checked by OpenSSL — and nothing else does.
 */
import { X509Certificate } from 'node:crypto';
import { isIP, Socket, connect as netConnect } from 'node:net';
import type { ConnectionOptions, PeerCertificate } from 'node:tls';
import type { CertificateView, Security } from '../../../preload/common/contract/index.ts';
import { invalid } from '../app-error.ts';

/**
 * node:tls, taken when a connection or a certificate check needs it: importing it is about a fifth of
 * the start of a command like `outbound account list`, which never opens a connection.
 */
export const nodeTls = (): typeof import('node:tls') => process.getBuiltinModule('node:tls');

/** A pinned certificate: its fingerprint in openssl's colon-hex form, and its PEM. */
export interface Pin {
  fingerprint: string;
  certificate: string;
}

/** openssl's `-fingerprint -sha256` form: 32 upper-case hex bytes joined by colons. */
export function normaliseFingerprint(input: string): string {
  const hex = input
    .trim()
    .replace(/^sha256\s*fingerprint\s*=\s*/i, '')
    .replace(/[:\s]/g, '')
    .toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) {
    throw invalid('tlsFingerprint', 'The fingerprint must be a SHA-256 fingerprint: 32 bytes in hex, as `openssl x509 -fingerprint -sha256` prints it.');
  }
  return hex.match(/../g)!.join(':');
}

/** Options for tls.connect / nodemailer's `tls` for one server. */
export function tlsOptions(host: string, pin: Pin | null, extraCaCertificates: readonly string[] = []): ConnectionOptions {
  const base: ConnectionOptions = { minVersion: 'TLSv1.2', ...(isIP(host) ? {} : { servername: host }) };
  if (!pin) return extraCaCertificates.length ? { ...base, ca: [...nodeTls().rootCertificates, ...extraCaCertificates] } : base;
  return {
    ...base,
    ca: [pin.certificate],
    // The pinned certificate may be a leaf issued by a CA the system does not know: trust it alone.
    allowPartialTrustChain: true,
    // The pin replaces the host name check: the user accepted this certificate for this server.
    checkServerIdentity: (_host: string, cert: PeerCertificate) =>
      cert.fingerprint256 === pin.fingerprint
        ? undefined
        : Object.assign(new Error(`The server's certificate (SHA-256 ${cert.fingerprint256}) is not the pinned one (${pin.fingerprint}).`), {
            code: 'CERT_PIN_MISMATCH',
          }),
  };
}

export function describeCertificate(pem: string): CertificateView & { pem: string } {
  const x509 = new X509Certificate(pem);
  return {
    fingerprint: x509.fingerprint256,
    subject: x509.subject.replace(/\n/g, ', '),
    issuer: x509.issuer.replace(/\n/g, ', '),
    names: (x509.subjectAltName ?? '')
      .split(', ')
      .filter(Boolean)
      .map((n) => n.replace(/^(DNS|IP Address):/, '')),
    validFrom: new Date(x509.validFrom).toISOString(),
    validTo: new Date(x509.validTo).toISOString(),
    selfSigned: x509.checkIssued(x509),
    pem: x509.toString(),
  };
}

export interface FetchTarget {
  host: string;
  port: number;
  security: Security;
  /** Whose STARTTLS to speak before the handshake; default SMTP. */
  protocol?: 'smtp' | 'imap';
}

/** The plain-text steps before a STARTTLS handshake: what to send after each complete reply, and whether that reply says go on. */
const STARTTLS_DIALOGUES = {
  // a reply is complete on its last line ("250 …", not "250-…")
  smtp: { complete: (line: string) => line[3] === ' ', good: (line: string) => line.startsWith('2'), say: ['EHLO outbound.invalid', 'STARTTLS'] },
  imap: {
    complete: (line: string) => !line.startsWith('* ') || line.startsWith('* OK'),
    good: (line: string) => /^(\* OK|a OK)/i.test(line),
    say: ['a STARTTLS'],
  },
} as const;

/**
 * The certificate the server presents, whether or not it verifies: what the user is shown before
 * pinning it. The handshake is never completed without verification — the certificate is read
 * while OpenSSL hands over the status response (`requestOCSP`), the handshake then fails or
 * succeeds as usual, and nothing is ever sent over it.
 */
export function fetchCertificate(target: FetchTarget, timeoutMs = 10_000): Promise<CertificateView & { pem: string }> {
  return new Promise((resolve, reject) => {
    // STARTTLS: greeting and the protocol's STARTTLS in plain text first, then the handshake on the same socket.
    const plain = target.security === 'starttls' ? netConnect({ host: target.host, port: target.port }) : undefined;
    const timer = setTimeout(() => done(new Error(`No TLS handshake with ${target.host}:${target.port} within ${timeoutMs / 1000} s.`)), timeoutMs);
    let finished = false;
    const done = (error: Error | null, pem?: string) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      plain?.destroy();
      if (pem) resolve(describeCertificate(pem));
      else reject(error ?? new Error('The server presented no certificate.'));
    };
    const handshake = (socket?: Socket) => {
      const secure = nodeTls().connect({
        ...(socket ? { socket } : { host: target.host, port: target.port }),
        ...(isIP(target.host) ? {} : { servername: target.host }),
        minVersion: 'TLSv1.2',
        requestOCSP: true,
      });
      secure.once('OCSPResponse', () => {
        const peer = secure.getPeerX509Certificate();
        secure.destroy();
        done(null, peer?.toString());
      });
      secure.once('error', (error) => done(error));
    };
    if (target.security === 'tls') return handshake();
    if (!plain) return done(new Error('This account does not use TLS.'));
    plain.once('error', (error) => done(error));
    const dialogue = STARTTLS_DIALOGUES[target.protocol ?? 'smtp'];
    let buffer = '';
    let step = 0; // replies read so far: the greeting, then one per line said
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      const lines = buffer.split('\r\n');
      const last = lines.at(-2);
      if (!last || !dialogue.complete(last)) return; // the reply is not complete yet
      buffer = '';
      const said = step === 0 ? 'the greeting' : dialogue.say[step - 1];
      if (!dialogue.good(last)) return done(new Error(`The server answered ${said} with: ${last}`));
      if (step < dialogue.say.length) plain.write(`${dialogue.say[step++]}\r\n`);
      else {
        plain.off('data', onData);
        handshake(plain);
      }
    };
    plain.on('data', onData);
  });
}
