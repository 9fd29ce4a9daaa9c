/**
 * Postfix submission with Dovecot SASL and STARTTLS on a loopback port, started by the tests (no
 * systemd), from their own configuration in a temporary directory: chroot off, port 25 off, every
 * recipient delivered to one Maildir, Dovecot's auth-failure penalty off, daemons' output to files.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { closedPort, reachable, until } from '../helpers/net.ts';
import { testCertificates } from '../helpers/tls.ts';

export const POSTFIX = '/usr/sbin/postfix';
export const DOVECOT = '/usr/sbin/dovecot';

/** Why the interop tests cannot run here, or undefined when they can. */
export function missingMailServer(): string | undefined {
  const missing = [POSTFIX, DOVECOT].filter((binary) => !existsSync(binary));
  if (missing.length) return `${missing.join(' and ')} not installed (apt-get install postfix dovecot-core)`;
  if (userInfo().uid !== 0) return 'Postfix and Dovecot need to start as root';
  return undefined;
}

export interface MailServer {
  port: number;
  ca: string;
  /** The raw messages delivered to the Maildir so far. */
  delivered(): Buffer[];
  /** The mail log and Dovecot's log, for failure messages. */
  logs(): string;
  stop(): Promise<void>;
}

const MASTER_CF = (port: number) => `
127.0.0.1:${port} inet n - n - - smtpd
  -o syslog_name=postfix/submission
  -o smtpd_tls_security_level=encrypt
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_tls_auth_only=yes
  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
cleanup   unix n - n - 0 cleanup
qmgr      unix n - n 300 1 qmgr
rewrite   unix - - n - - trivial-rewrite
bounce    unix - - n - 0 bounce
defer     unix - - n - 0 bounce
trace     unix - - n - 0 bounce
verify    unix - - n - 1 verify
flush     unix n - n 1000? 0 flush
proxymap  unix - - n - - proxymap
showq     unix n - n - - showq
error     unix - - n - - error
retry     unix - - n - - error
discard   unix - - n - - discard
virtual   unix - n n - - virtual
anvil     unix - - n - 1 anvil
scache    unix - - n - 1 scache
tlsmgr    unix - - n 1000? 1 tlsmgr
postlog   unix-dgram n - n - 1 postlogd
`;

export async function startMailServer(user: { name: string; pass: string }): Promise<MailServer> {
  const dir = mkdtempSync(join(tmpdir(), 'outbound-interop-'));
  chmodSync(dir, 0o755); // the daemons run as postfix, dovecot and nobody
  const { ca, key, cert } = await testCertificates();
  const port = await closedPort();
  const [conf, mail] = [join(dir, 'postfix'), join(dir, 'mail')];
  for (const sub of [conf, mail, join(dir, 'spool'), join(dir, 'data')]) mkdirSync(sub);
  chownSync(mail, 65534, 65534);
  const postfixUser = Number(execFileSync('id', ['-u', 'postfix'], { encoding: 'utf8' }).trim());
  chownSync(join(dir, 'data'), postfixUser, 0);
  writeFileSync(join(dir, 'key.pem'), key, { mode: 0o600 });
  writeFileSync(join(dir, 'cert.pem'), cert);
  writeFileSync(join(dir, 'users'), `${user.name}:{PLAIN}${user.pass}::::::\n`, { mode: 0o644 });
  writeFileSync(
    join(dir, 'dovecot.conf'),
    `
protocols = none
listen = 127.0.0.1
base_dir = ${dir}/dovecot-run
state_dir = ${dir}/dovecot-state
log_path = ${dir}/dovecot.log
ssl = no
auth_mechanisms = plain login
auth_failure_delay = 0
passdb {
  driver = passwd-file
  args = scheme=PLAIN ${dir}/users
}
userdb {
  driver = static
  args = uid=65534 gid=65534 home=${dir}/home/%u
}
service auth {
  unix_listener ${dir}/auth-client {
    mode = 0666
  }
}
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
`,
  );
  writeFileSync(
    join(conf, 'main.cf'),
    `
compatibility_level = 3.6
queue_directory = ${dir}/spool
data_directory = ${dir}/data
mail_owner = postfix
myhostname = mx.interop.test
mydestination =
alias_maps =
alias_database =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
maillog_file = ${dir}/maillog
maillog_file_prefixes = ${dir}
virtual_alias_domains =
virtual_mailbox_domains = example.org example.com interop.test
virtual_mailbox_base = ${mail}
virtual_mailbox_maps = static:inbox/
virtual_uid_maps = static:65534
virtual_gid_maps = static:65534
virtual_minimum_uid = 100
smtpd_tls_cert_file = ${dir}/cert.pem
smtpd_tls_key_file = ${dir}/key.pem
smtpd_sasl_type = dovecot
smtpd_sasl_path = ${dir}/auth-client
smtpd_recipient_restrictions = permit_sasl_authenticated, reject
`,
  );
  writeFileSync(join(conf, 'master.cf'), MASTER_CF(port));

  const dovecot: ChildProcess = spawn(DOVECOT, ['-F', '-c', join(dir, 'dovecot.conf')], { stdio: 'ignore' });
  const run = (args: string[]) => execFileSync(POSTFIX, ['-c', conf, ...args], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
  const logs = () => ['maillog', 'dovecot.log'].map((f) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8') : '')).join('\n');
  try {
    await until(() => existsSync(join(dir, 'auth-client')), 15_000, "Dovecot's auth socket");
    run(['start']);
    await until(() => reachable(port), 15_000, `a listener on 127.0.0.1:${port}`);
  } catch (error) {
    dovecot.kill();
    throw new Error(`Postfix did not start: ${(error as Error).message}\n${logs()}`);
  }
  const inbox = join(mail, 'inbox', 'new');
  return {
    port,
    ca,
    logs,
    delivered: () =>
      existsSync(inbox)
        ? readdirSync(inbox)
            .sort()
            .map((f) => readFileSync(join(inbox, f)))
        : [],
    async stop() {
      try {
        run(['stop']);
      } finally {
        dovecot.kill();
        await new Promise((resolve) => (dovecot.exitCode === null ? dovecot.once('exit', resolve) : resolve(null)));
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
