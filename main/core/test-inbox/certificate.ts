/** The test inbox's certificate: self-signed for 127.0.0.1, made once per data directory and pinned by its account. */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface KeyPair {
  key: string;
  cert: string;
}

export async function testInboxCertificate(dir: string): Promise<KeyPair> {
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  if (existsSync(keyFile) && existsSync(certFile)) return { key: await readFile(keyFile, 'utf8'), cert: await readFile(certFile, 'utf8') };
  // Loaded only when a test inbox is first made.
  const { generate } = await import('selfsigned');
  const made = await generate([{ name: 'commonName', value: 'Outbound test inbox' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 10 * 365 * 24 * 3600 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] },
    ],
  });
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(keyFile, made.private, { mode: 0o600 });
  await writeFile(certFile, made.cert, { mode: 0o644 });
  return { key: made.private, cert: made.cert };
}
