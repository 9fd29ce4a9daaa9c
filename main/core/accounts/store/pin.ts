/** Pinning the certificate of an account's server (trust on the person's word, checked against what the server presents). */
import { AppError, invalid } from '../../app-error.ts';
import { fetchCertificate, normaliseFingerprint, type FetchTarget, type Pin } from '../../smtp/tls.ts';
import type { AccountsDb } from './handle.ts';
import { get } from './records.ts';
import type { Account } from './rows.ts';

/**
 * Pin the certificate the account's server presents now, if its SHA-256 fingerprint is the one
 * given (the connection test showed it to the person), and change nothing else (see makeDefault).
 */
export async function trustCertificate(h: AccountsDb, id: number, fingerprint: string): Promise<Account> {
  const account = get(h, id);
  const pin = await pinFor(fingerprint, account, account);
  // Only for the server whose certificate was fetched: it may have been edited meanwhile.
  const { changes } = h
    .sql('UPDATE accounts SET tls_fingerprint = ?, tls_certificate = ?, updated_at = ? WHERE id = ? AND host = ? AND port = ? AND security = ?')
    .run(pin.fingerprint, pin.certificate, Date.now(), id, account.host, account.port, account.security);
  if (changes === 0) {
    const now = get(h, id); // not_found for an account removed meanwhile
    throw new AppError('conflict', `Account "${now.name}" was changed to another server meanwhile: test its connection again before trusting a certificate.`, {
      field: 'tlsFingerprint',
    });
  }
  return get(h, id);
}

/**
 * The pin for the fingerprint the user gave: the one already stored (same fingerprint, same
 * server), or the certificate the server presents now — only if its fingerprint is that one.
 */
export async function pinFor(
  given: string,
  server: FetchTarget,
  existing: (Pick<Account, 'host' | 'port'> & { pin: Pin | null }) | undefined,
  field = 'tlsFingerprint',
): Promise<Pin> {
  const { host, port, security } = server;
  if (security === 'none') throw invalid('tlsFingerprint', 'A certificate can only be pinned for a TLS or STARTTLS connection.');
  const fingerprint = normaliseFingerprint(given);
  if (existing?.pin && existing.pin.fingerprint === fingerprint && existing.host === host && existing.port === port) return existing.pin;
  let presented;
  try {
    presented = await fetchCertificate(server);
  } catch (cause) {
    throw new AppError('smtp_unreachable', `Could not fetch the certificate of ${host}:${port} to pin it: ${(cause as Error).message}`, {
      field,
      cause,
    });
  }
  if (presented.fingerprint !== fingerprint) {
    throw new AppError(
      'smtp_tls',
      `${host}:${port} presents a certificate with SHA-256 fingerprint ${presented.fingerprint}, not ${fingerprint}. Nothing was pinned.`,
      {
        field,
      },
    );
  }
  return { fingerprint, certificate: presented.pem };
}
