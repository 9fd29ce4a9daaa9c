/** `outbound account …` */
import { SECURITY_MODES, type Security } from '../../preload/contract.ts';
import { EXIT, UsageError, optional, report, required, unwrap, type Command, type Context } from './common.ts';

async function accountAdd({ values, io, api }: Context): Promise<number> {
  const port = Number(required(values, 'port'));
  const security = required(values, 'security');
  if (!(SECURITY_MODES as readonly string[]).includes(security)) throw new UsageError(`--security must be one of ${SECURITY_MODES.join(', ')}.`);
  const user = optional(values, 'user');
  const passwordCommand = optional(values, 'password-command');
  const password = user && !passwordCommand ? (await io.readStdin()).replace(/\r?\n$/, '') : undefined;
  if (user && !passwordCommand && !password) throw new UsageError('--user needs a password on standard input, or --password-command.');
  const result = await api.accounts.save({
    name: required(values, 'name'),
    email: required(values, 'email'),
    displayName: optional(values, 'display-name') ?? '',
    host: required(values, 'host'),
    port: Number.isInteger(port) ? port : Number.NaN,
    security: security as Security,
    ...(user ? { username: user } : {}),
    ...(password ? { password } : {}),
    ...(passwordCommand ? { passwordCommand } : {}),
  });
  if (!result.ok) return report(io, result.error);
  const a = result.value;
  io.stdout(`Added account "${a.name}" (id ${a.id}): ${a.email} via ${a.host}:${a.port} (${a.security}, ${authLabel(a.secretSource)}).`);
  return EXIT.ok;
}

async function accountList({ values, io, api }: Context): Promise<number> {
  const accounts = unwrap(io, await api.accounts.list());
  if (!accounts) return EXIT.failed;
  if (values.json) {
    io.stdout(JSON.stringify(accounts, null, 2));
  } else if (accounts.length === 0) {
    io.stdout('No accounts. Add one with `outbound account add`.');
  } else {
    for (const a of accounts) io.stdout(`${a.name}\t${a.email}\t${a.host}:${a.port}\t${a.security}\t${authLabel(a.secretSource)}`);
  }
  return EXIT.ok;
}

const authLabel = (source: string): string => ({ none: 'no AUTH', keychain: 'password in keychain', command: 'password command' })[source] ?? source;

export const accountCommands: Record<string, Command> = {
  'account add': {
    usage: `--name N --email ADDR --host H --port P --security tls|starttls|none
              [--display-name NAME] [--user U] [--password-command CMD]
              With --user and no --password-command, the password is read from standard input
              and kept in the system keychain. Without --user the account sends without AUTH.`,
    options: {
      name: { type: 'string' }, email: { type: 'string' }, host: { type: 'string' }, port: { type: 'string' },
      security: { type: 'string' }, 'display-name': { type: 'string' }, user: { type: 'string' }, 'password-command': { type: 'string' },
    },
    run: accountAdd,
  },
  'account list': { usage: '[--json]', options: { json: { type: 'boolean' } }, run: accountList },
};
