/**
 * A real Dovecot IMAP server for tests, started by the test itself (no systemd) from its own
 * configuration in a temporary directory: STARTTLS required on a loopback port, the given
 * certificate, one user in a passwd file, Maildirs, a folder marked \Sent (RFC 6154) under a name
 * no guess would find, optionally an APPENDLIMIT (the quota plugin's quota_max_mail_size).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { tlsOptions } from '../../main/core/smtp/tls.ts';
import { beforeAll, afterAll } from 'vitest';
import { closedPort, reachable, until } from './net.ts';
import { startSmtpServer, type TestSmtpServer } from './smtp.ts';
import { selfSignedCertificate } from './tls.ts';

export const DOVECOT = '/usr/sbin/dovecot';
/** The folder Dovecot marks \Sent. */
export const SENT = 'Outgoing';

/** Why Dovecot's IMAP cannot run here, or undefined when it can; under CI it must run. */
export function missingDovecotImap(): string | undefined {
  const missing =
    !existsSync(DOVECOT) || !existsSync('/usr/lib/dovecot/imap')
      ? 'Dovecot IMAP not installed (apt-get install dovecot-imapd)'
      : userInfo().uid !== 0
        ? 'Dovecot needs to start as root'
        : undefined;
  if (missing && process.env.CI) throw new Error(`The tests of the copy in Sent must run under CI, but: ${missing}.`);
  return missing;
}

export interface ImapServerOptions {
  user: { name: string; pass: string };
  certificate: { key: string; cert: string };
  /** Where to listen; default a free loopback port. */
  port?: number;
  /** Announce APPENDLIMIT=this and refuse larger messages. */
  appendLimit?: number;
  /** A capability to announce besides Dovecot's own (X-GM-EXT-1: as Gmail does). */
  capability?: string;
  /** XOAUTH2 sign-in too: Dovecot asks this RFC 7662 introspection endpoint (POST token=…) whether a token is active, and whose. */
  oauth2IntrospectionUrl?: string;
}

export interface TestImapServer {
  host: '127.0.0.1';
  port: number;
  /** The messages in a folder, raw, with their flags, through an IMAP client of the test's own. */
  messages(folder?: string): Promise<{ raw: string; flags: string[] }[]>;
  /** A message put in a folder by someone else (the provider filing what was submitted). */
  append(raw: string, folder?: string): Promise<void>;
  logs(): string;
  stop(): Promise<void>;
}

export interface MailServers {
  /** Self-signed: the accounts trust it by its pin alone. */
  certificate: { key: string; cert: string };
  /** SMTP with STARTTLS and AUTH. */
  smtp: TestSmtpServer;
  imap: TestImapServer;
}

/**
 * For the test file that calls this (unless Dovecot cannot run here, see missingDovecotImap): an SMTP
 * server and a Dovecot for `user`, on one certificate, started before its tests and stopped after
 * them. Their fields are set once the tests run.
 */
export function mailServersForFile(user: ImapServerOptions['user']): MailServers {
  const servers = {} as MailServers;
  beforeAll(async () => {
    if (missingDovecotImap()) return;
    servers.certificate = await selfSignedCertificate();
    servers.smtp = await startSmtpServer({ auth: { user: user.name, pass: user.pass }, certificate: servers.certificate });
    servers.imap = await startImapServer({ user, certificate: servers.certificate });
  });
  afterAll(async () => {
    await servers.smtp?.close();
    await servers.imap?.stop();
  });
  return servers;
}

export async function startImapServer(options: ImapServerOptions): Promise<TestImapServer> {
  const dir = mkdtempSync(join(tmpdir(), 'outbound-imap-'));
  chmodSync(dir, 0o755); // the mail processes run as nobody
  const port = options.port ?? (await closedPort());
  mkdirSync(join(dir, 'mail'));
  chownSync(join(dir, 'mail'), 65534, 65534);
  writeFileSync(join(dir, 'key.pem'), options.certificate.key, { mode: 0o600 });
  writeFileSync(join(dir, 'cert.pem'), options.certificate.cert);
  writeFileSync(join(dir, 'users'), `${options.user.name}:{PLAIN}${options.user.pass}::::::\n`);
  const quota =
    options.appendLimit === undefined
      ? ''
      : `mail_plugins = $mail_plugins quota
plugin {
  quota = maildir:User quota
  quota_max_mail_size = ${options.appendLimit}
}`;
  if (options.oauth2IntrospectionUrl)
    writeFileSync(
      join(dir, 'oauth2.conf'),
      `introspection_mode = post\nintrospection_url = ${options.oauth2IntrospectionUrl}\nusername_attribute = username\nactive_attribute = active\nactive_value = true\n`,
    );
  const oauth2 = options.oauth2IntrospectionUrl
    ? `passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = ${dir}/oauth2.conf
}`
    : '';
  writeFileSync(
    join(dir, 'dovecot.conf'),
    `
protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
ssl = required
ssl_cert = <${dir}/cert.pem
ssl_key = <${dir}/key.pem
disable_plaintext_auth = yes
auth_mechanisms = plain login${options.oauth2IntrospectionUrl ? ' xoauth2 oauthbearer' : ''}
auth_failure_delay = 0
${oauth2}
mail_location = maildir:${dir}/mail/%u
passdb {
  driver = passwd-file
  args = scheme=PLAIN ${dir}/users
}
userdb {
  driver = static
  args = uid=65534 gid=65534 home=${dir}/mail/%u
}
namespace inbox {
  inbox = yes
  separator = /
  mailbox ${SENT} {
    special_use = \\Sent
    auto = create
  }
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
${quota}
${options.capability ? `imap_capability = +${options.capability}` : ''}
`,
  );
  const dovecot: ChildProcess = spawn(DOVECOT, ['-F', '-c', join(dir, 'dovecot.conf')], { stdio: 'ignore' });
  const logs = () => (existsSync(join(dir, 'dovecot.log')) ? readFileSync(join(dir, 'dovecot.log'), 'utf8') : '');
  try {
    await until(() => reachable(port), 15_000, `Dovecot on 127.0.0.1:${port}`);
  } catch (error) {
    dovecot.kill();
    throw new Error(`Dovecot did not start: ${(error as Error).message}\n${logs()}`);
  }
  const client = async () => {
    const imap = new ImapFlow({
      host: '127.0.0.1',
      port,
      secure: false,
      doSTARTTLS: true,
      // The test's own client trusts exactly this certificate, as a pinning account does.
      tls: tlsOptions('127.0.0.1', { fingerprint: fingerprintOf(options.certificate.cert), certificate: options.certificate.cert }),
      auth: { user: options.user.name, pass: options.user.pass },
      logger: false,
      disableAutoIdle: true,
    });
    imap.on('error', () => undefined);
    await imap.connect();
    return imap;
  };
  return {
    host: '127.0.0.1',
    port,
    logs,
    async messages(folder = SENT) {
      const imap = await client();
      try {
        const lock = await imap.getMailboxLock(folder);
        try {
          const found: { raw: string; flags: string[] }[] = [];
          if (imap.mailbox && imap.mailbox.exists === 0) return found;
          for await (const m of imap.fetch('1:*', { source: true, flags: true })) found.push({ raw: m.source?.toString() ?? '', flags: [...(m.flags ?? [])] });
          return found;
        } finally {
          lock.release();
        }
      } finally {
        await imap.logout();
      }
    },
    async append(raw, folder = SENT) {
      const imap = await client();
      try {
        await imap.append(folder, raw, ['\\Seen']);
      } finally {
        await imap.logout();
      }
    },
    async stop() {
      dovecot.kill();
      await new Promise((resolve) => (dovecot.exitCode === null ? dovecot.once('exit', resolve) : resolve(null)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function fingerprintOf(pem: string): string {
  return new (process.getBuiltinModule('node:crypto').X509Certificate)(pem).fingerprint256;
}
