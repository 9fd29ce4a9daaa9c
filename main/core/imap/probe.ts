/** The IMAP half of the connection test: connect with the account's TLS rules, log in, find the Sent folder, list what the server offers. */
import type { ImapTestView } from '../../../preload/common/contract/index.ts';
import { fetchCertificate } from '../smtp/tls.ts';
import { closeImap, imapFailure, openImap, sentFolderOf, type ImapOptions, type ImapTarget } from './client.ts';

/** Changes nothing on the server: a missing Sent folder is only said (the first copy creates it). */
export async function probeImap(target: () => Promise<ImapTarget>, sentFolder: string | null, options: ImapOptions = {}): Promise<ImapTestView> {
  const steps: string[] = [];
  let resolved: ImapTarget;
  try {
    resolved = await target();
  } catch (error) {
    return result(false, (error as Error).message, steps, null);
  }
  const { host, port, security, credentials } = resolved;
  const where = `The IMAP server ${host}:${port}`;
  steps.push(`connect ${host}:${port} (${security === 'tls' ? 'TLS' : 'STARTTLS'})`);
  const certificate = await fetchCertificate({ host, port, security, protocol: 'imap' }).catch(() => null);
  if (certificate) steps.push(`certificate SHA-256 ${certificate.fingerprint}`);
  let client;
  try {
    client = await openImap(resolved, options);
  } catch (error) {
    const failure = imapFailure(error, where);
    steps.push(`failed: ${failure.message}`);
    const trusted = failure.kind === 'refused' && !failure.message.startsWith('No trusted TLS');
    return { ...result(false, failure.message, steps, null), certificate: certificate && withoutPem(certificate), certificateTrusted: trusted };
  }
  try {
    steps.push(`logged in as ${credentials.user}`);
    const capabilities = [...client.capabilities.keys()];
    steps.push(`capabilities: ${capabilities.join(' ')}`);
    const folders = await client.list();
    const found = sentFolder ?? sentFolderOf(folders);
    const exists = found !== null && folders.some((f) => f.path === found);
    steps.push(exists ? `Sent folder: ${found}` : `no Sent folder ${found ?? ''}`.trim());
    const verdict = exists
      ? `${where} accepted the login; copies go to "${found}".`
      : `${where} accepted the login; it has no ${found ? `folder "${found}"` : 'Sent folder'} yet, so the first copy creates ${found ? 'it' : '"Sent"'}.`;
    return { ...result(true, verdict, steps, found), capabilities, certificate: certificate && withoutPem(certificate), certificateTrusted: true };
  } catch (error) {
    const failure = imapFailure(error, where);
    steps.push(`failed: ${failure.message}`);
    return { ...result(false, failure.message, steps, null), certificate: certificate && withoutPem(certificate), certificateTrusted: true };
  } finally {
    await closeImap(client);
  }
}

function result(ok: boolean, verdict: string, steps: string[], sentFolder: string | null): ImapTestView {
  return { ok, verdict, sentFolder, capabilities: [], certificate: null, certificateTrusted: false, transcript: steps.join('\n') };
}

const withoutPem = <T extends { pem: string }>({ pem: _pem, ...view }: T): Omit<T, 'pem'> => view;
