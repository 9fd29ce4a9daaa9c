/**
 * SMTP servers for the account tests, on certificates made at test time: one signed by the test CA
 * for another host name, and one self-signed; STARTTLS that can be hidden and refused (a stripping
 * man in the middle), and the three password mechanisms.
 */
import { generate } from 'selfsigned';
import { SMTPServer } from 'smtp-server';
import { testCertificates } from '../../helpers/tls.ts';

export interface CertificatePair {
  key: string;
  cert: string;
}

const year = () => new Date(Date.now() + 365 * 24 * 3600 * 1000);

/** A certificate for `name` only, signed by accountsTestCa (so it verifies, but not for 127.0.0.1). */
export async function caSignedFor(name: string): Promise<CertificatePair> {
  const ca = await testCaKey();
  const leaf = await generate([{ name: 'commonName', value: name }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate: year(),
    ca,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'subjectAltName', altNames: [{ type: 2, value: name }] },
    ],
  });
  return { key: leaf.private, cert: leaf.cert };
}

/** The test CA's key is private to test/helpers/tls.ts: a second CA of our own signs the other-name certificate. */
let ownCa: Promise<{ key: string; cert: string }> | undefined;
function testCaKey(): Promise<{ key: string; cert: string }> {
  ownCa ??= generate([{ name: 'commonName', value: 'Outbound Accounts Test CA' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate: year(),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  }).then((p) => ({ key: p.private, cert: p.cert }));
  return ownCa;
}

/** The CA that signed caSignedFor's certificates: trust it like the system's. */
export const accountsTestCa = async (): Promise<string> => (await testCaKey()).cert;

export async function selfSigned(name: string): Promise<CertificatePair> {
  const pems = await generate([{ name: 'commonName', value: name }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate: year(),
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: name }] }],
  });
  return { key: pems.private, cert: pems.cert };
}

export interface AccountsServerOptions {
  certificate?: CertificatePair;
  secure?: boolean;
  /** A man in the middle that removes STARTTLS from EHLO and refuses the command. */
  stripStartTls?: boolean;
  auth?: { user: string; pass: string; methods?: ('PLAIN' | 'LOGIN' | 'CRAM-MD5' | 'XOAUTH2')[] };
  /** For XOAUTH2: the access token the server accepts (a function: the current one of an OAuth2 server). */
  accessToken?: string | (() => string | undefined);
}

export interface AccountsServer {
  port: number;
  logins: { method: string; user: string }[];
  close(): Promise<void>;
}

export async function startAccountsServer(options: AccountsServerOptions = {}): Promise<AccountsServer> {
  const certificate = options.certificate ?? (await testCertificates());
  const logins: AccountsServer['logins'] = [];
  const server = new SMTPServer({
    key: certificate.key,
    cert: certificate.cert,
    secure: options.secure ?? false,
    name: 'mx.accounts.test',
    size: 10 * 1024 * 1024,
    authMethods: options.auth?.methods ?? ['PLAIN', 'LOGIN'],
    authOptional: !options.auth,
    allowInsecureAuth: false,
    ...(options.stripStartTls ? { hideSTARTTLS: true, disabledCommands: ['STARTTLS'] } : {}),
    disableReverseLookup: true,
    closeTimeout: 200,
    logger: false,
    onAuth(auth, _session, callback) {
      const expected = options.auth;
      const ok =
        expected !== undefined &&
        (auth.method === 'XOAUTH2'
          ? auth.username === expected?.user && auth.accessToken === (typeof options.accessToken === 'function' ? options.accessToken() : options.accessToken)
          : auth.method === 'CRAM-MD5'
            ? auth.username === expected?.user && auth.validatePassword(expected.pass)
            : auth.username === expected?.user && auth.password === expected.pass);
      if (!ok) {
        if (auth.method === 'XOAUTH2') return callback(null, { data: { status: '401', schemes: 'bearer' } });
        return callback(Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 }));
      }
      logins.push({ method: auth.method, user: auth.username ?? '' });
      return callback(null, { user: auth.username });
    },
    onData(stream, _session, callback) {
      stream.resume();
      stream.on('end', () => callback(null, '2.0.0 Ok: queued'));
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address() as { port: number };
  return { port: address.port, logins, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
