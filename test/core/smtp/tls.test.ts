/**
 * The TLS rules on their own: the fingerprint forms a person may paste, the options of a connection
 * with and without a pin, and what the user is shown of a certificate. security.test.ts shows the
 * same rules against real servers.
 */
import { X509Certificate } from 'node:crypto';
import { rootCertificates, type PeerCertificate } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { describeCertificate, normaliseFingerprint, tlsOptions } from '../../../main/core/smtp/tls.ts';
import { testCertificates } from '../../helpers/tls.ts';
import { selfSigned } from '../accounts/servers.ts';

const HEX = 'ab'.repeat(32);
const COLONS = HEX.toUpperCase().match(/../g)!.join(':');

describe('a pasted fingerprint', () => {
  it.each([
    ['upper-case colon hex', COLONS],
    ['lower case without colons', HEX],
    ["openssl's whole line", `SHA256 Fingerprint=${COLONS}`],
    ['spaces and a line end around it', `  sha256 fingerprint = ${HEX.slice(0, 32)} ${HEX.slice(32)}\n`],
  ])('is read from %s', (_form, input) => {
    expect(normaliseFingerprint(input)).toBe(COLONS);
  });

  it.each([
    ['too short', HEX.slice(2)],
    ['too long', `${HEX}ab`],
    ['not hex', `${HEX.slice(2)}zz`],
    ['a SHA-1 fingerprint', 'ab'.repeat(20)],
  ])('is refused when %s, naming the field and the form wanted', (_why, input) => {
    expect(() => normaliseFingerprint(input)).toThrow(
      expect.objectContaining({ code: 'invalid_input', field: 'tlsFingerprint', message: expect.stringContaining('openssl x509 -fingerprint -sha256') }),
    );
  });
});

describe('the TLS options of a connection', () => {
  it('verifies with the system authorities, TLS 1.2 at least, the host name sent as SNI (never an address)', () => {
    expect(tlsOptions('smtp.example.org', null)).toEqual({ minVersion: 'TLSv1.2', servername: 'smtp.example.org' });
    expect(tlsOptions('127.0.0.1', null)).toEqual({ minVersion: 'TLSv1.2' });
    expect(tlsOptions('::1', null)).toEqual({ minVersion: 'TLSv1.2' });
  });

  it('adds extra authorities to the system ones, not instead of them', () => {
    expect(tlsOptions('smtp.example.org', null, ['EXTRA CA'])).toEqual({
      minVersion: 'TLSv1.2',
      servername: 'smtp.example.org',
      ca: [...rootCertificates, 'EXTRA CA'],
    });
  });

  it('with a pin, trusts the pinned certificate alone and checks the fingerprint instead of the name', () => {
    const pin = { fingerprint: COLONS, certificate: 'PINNED PEM' };
    const options = tlsOptions('smtp.example.org', pin, ['EXTRA CA']);
    expect(options).toMatchObject({ minVersion: 'TLSv1.2', servername: 'smtp.example.org', ca: ['PINNED PEM'], allowPartialTrustChain: true });
    const check = options.checkServerIdentity!;
    expect(check('other.example.org', { fingerprint256: COLONS } as PeerCertificate)).toBeUndefined();
    const other = 'CD:'.repeat(31) + 'CD';
    expect(check('smtp.example.org', { fingerprint256: other } as PeerCertificate)).toMatchObject({
      code: 'CERT_PIN_MISMATCH',
      message: `The server's certificate (SHA-256 ${other}) is not the pinned one (${COLONS}).`,
    });
  });
});

describe('a certificate as the user is shown it', () => {
  it('a self-signed one: its fingerprint, names, dates and that it is self-signed', async () => {
    const { cert } = await selfSigned('self.example.test');
    const x509 = new X509Certificate(cert);
    expect(describeCertificate(cert)).toEqual({
      fingerprint: x509.fingerprint256,
      subject: 'CN=self.example.test',
      issuer: 'CN=self.example.test',
      names: ['self.example.test'],
      validFrom: new Date(x509.validFrom).toISOString(),
      validTo: new Date(x509.validTo).toISOString(),
      selfSigned: true,
      pem: x509.toString(),
    });
  });

  it('one issued by a CA: not self-signed, with its issuer', async () => {
    const { cert, ca } = await testCertificates();
    const view = describeCertificate(cert);
    expect(view).toMatchObject({ subject: 'CN=localhost', issuer: 'CN=Outbound Test CA', selfSigned: false });
    expect(view.names).toEqual(expect.arrayContaining(['localhost']));
    expect(view.names.every((name) => !/^(DNS|IP Address):/.test(name))).toBe(true);
    expect(describeCertificate(ca).names).toEqual([]);
  });
});
