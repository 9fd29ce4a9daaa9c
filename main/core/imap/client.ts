/**
 * IMAP for the copy in Sent, over imapflow (loaded on first use): TLS or STARTTLS required,
 * certificates verified by the system's authorities or by the pin alone (smtp/tls.ts), the
 * account's login. Only what the copy needs: find the Sent folder, look for a Message-ID, append.
 */
import type { ImapFlow, ListResponse } from 'imapflow';
import type { ImapSecurity } from '../../../preload/common/contract/index.ts';
import type { SmtpCredentials } from '../smtp/submit.ts';
import { tlsOptions, type Pin } from '../smtp/tls.ts';

export interface ImapTarget {
  host: string;
  port: number;
  security: ImapSecurity;
  pin: Pin | null;
  credentials: SmtpCredentials;
}

export interface ImapOptions {
  extraCaCertificates?: readonly string[];
  /** For connecting, the greeting and each command's silence; default 30 s. */
  timeoutMs?: number;
}

/** Folder names that mean Sent where the server marks none \Sent (RFC 6154), tried in this order. */
const SENT_NAMES = ['Sent', 'Sent Items', 'Sent Messages', 'Sent Mail', 'INBOX.Sent', 'INBOX/Sent'];

/** Why an IMAP step did not work: away (try again later), too big (never fits), or refused (the user must change something). */
export type ImapFailure = { kind: 'away' | 'too_big' | 'refused'; message: string };

export async function openImap(target: ImapTarget, options: ImapOptions = {}): Promise<ImapFlow> {
  const { ImapFlow } = await import('imapflow');
  const timeout = options.timeoutMs ?? 30_000;
  const { credentials: login } = target;
  const client = new ImapFlow({
    host: target.host,
    port: target.port,
    secure: target.security === 'tls',
    // Required, never opportunistic: the password must not go out in plain text.
    ...(target.security === 'starttls' ? { doSTARTTLS: true } : {}),
    tls: tlsOptions(target.host, target.pin, options.extraCaCertificates),
    auth: login.kind === 'password' ? { user: login.user, pass: login.pass } : { user: login.user, accessToken: login.accessToken },
    logger: false,
    disableAutoIdle: true,
    disableCompression: true,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  // A connection lost between commands: the awaited command says so; the event must not go unhandled.
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/**
 * Whether an IMAP server answers at `server` over verified TLS (a discovery guess): null when it
 * does — imapflow got through the greeting, STARTTLS where asked and CAPABILITY to the login, which
 * it is not given — else what went wrong.
 */
export async function answersImap(server: Pick<ImapTarget, 'host' | 'port' | 'security'>, options: ImapOptions = {}): Promise<string | null> {
  const { ImapFlow } = await import('imapflow');
  const timeout = options.timeoutMs ?? 30_000;
  const client = new ImapFlow({
    host: server.host,
    port: server.port,
    secure: server.security === 'tls',
    ...(server.security === 'starttls' ? { doSTARTTLS: true } : {}),
    tls: tlsOptions(server.host, null, options.extraCaCertificates),
    logger: false,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return null; // PREAUTH: it answered too
  } catch (error) {
    // No login was given: failing there means everything before it worked.
    return (error as { authenticationFailed?: boolean }).authenticationFailed ? null : imapFailure(error, `${server.host}:${server.port}`).message;
  } finally {
    client.close();
  }
}

/** The folder for copies: the one marked \Sent, else the usual names, else a new "Sent". */
export async function findSentFolder(client: ImapFlow): Promise<string> {
  return sentFolderOf(await client.list()) ?? (await client.mailboxCreate('Sent')).path;
}

/** The folder marked \Sent, else one of the usual names, among those listed; null: none. */
export function sentFolderOf(folders: readonly ListResponse[]): string | null {
  const marked = folders.find((f) => f.specialUse === '\\Sent' && f.specialUseSource === 'extension');
  if (marked) return marked.path;
  const byName = new Map(folders.map((f) => [f.path.toLowerCase(), f.path]));
  for (const name of SENT_NAMES) {
    const found = byName.get(name.toLowerCase());
    if (found) return found;
  }
  return null;
}

/** Whether a message with this Message-ID is in the folder already. */
export async function holdsMessageId(client: ImapFlow, folder: string, messageId: string): Promise<boolean> {
  const lock = await client.getMailboxLock(folder, { readOnly: true });
  try {
    const found = await client.search({ header: { 'message-id': messageId } }, { uid: true });
    return Array.isArray(found) && found.length > 0;
  } finally {
    lock.release();
  }
}

/** Close politely, or drop the line if the server does not answer. */
export async function closeImap(client: ImapFlow): Promise<void> {
  try {
    await client.logout();
  } catch {
    client.close();
  }
}

/** What an imapflow error means for the copy, in a sentence a person can act on. */
export function imapFailure(error: unknown, where: string): ImapFailure {
  const e = error as Error & { authenticationFailed?: boolean; serverResponseCode?: string; responseStatus?: string; response?: unknown; tlsFailed?: boolean };
  // The server's words without the command's tag and status ("C NO [LIMIT] Mail size is larger…").
  const said = typeof e.response === 'string' && e.response ? e.response.replace(/^\S+ (NO|BAD|BYE) /i, '') : e.message;
  if (e.serverResponseCode === 'APPENDLIMIT' || e.serverResponseCode === 'TOOBIG' || e.serverResponseCode === 'LIMIT')
    return { kind: 'too_big', message: `${where} does not take a message this big: ${said}` };
  if (e.authenticationFailed) return { kind: 'refused', message: `${where} refused the login (${said}): check the account's username and password.` };
  if (e.tlsFailed || /certificate|self.signed|CERT_|TLS/i.test(`${(e as { code?: string }).code ?? ''} ${e.message}`))
    return { kind: 'refused', message: `No trusted TLS connection to ${where}: ${e.message}` };
  // NO or BAD is the server's answer; anything else (refused, reset, timed out, BYE) is a line that is not there now.
  if (e.responseStatus === 'NO' || e.responseStatus === 'BAD') return { kind: 'refused', message: `${where} answered: ${said}` };
  return { kind: 'away', message: `${where} could not be reached: ${e.message}` };
}
