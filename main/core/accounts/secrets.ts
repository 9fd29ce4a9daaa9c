/**
 * Where account passwords live: the OS keychain (keytar: Keychain on macOS, Credential Vault on
 * Windows, Secret Service on Linux) or an msmtp-style password command. keytar is archived upstream,
 * so it stays behind this one module. Nothing here logs a secret or puts one in an error message.
 */
import { spawn } from 'node:child_process';
import { AppError } from '../app-error.ts';

export interface SecretStore {
  get(ref: string): Promise<string | null>;
  set(ref: string, secret: string): Promise<void>;
  delete(ref: string): Promise<void>;
}

const SERVICE = 'Outbound SMTP';

const NO_KEYCHAIN =
  'No system keychain is available to store the password (on Linux: no Secret Service such as GNOME Keyring or KWallet is running). ' +
  'Start one, or use a password command instead (for example `pass show mail/work`).';

/** The OS keychain. keytar is loaded on first use so that accounts without passwords never need it. */
export function osKeychain(service = SERVICE): SecretStore {
  type Keytar = typeof import('keytar');
  let keytar: Promise<Keytar> | undefined;
  const call = async <T>(fn: (k: Keytar) => Promise<T>): Promise<T> => {
    keytar ??= import('keytar').then((m) => (m as { default?: Keytar }).default ?? m);
    let k: Keytar;
    try {
      k = await keytar;
    } catch (cause) {
      keytar = undefined;
      throw new AppError('keychain_unavailable', `${NO_KEYCHAIN} (The keychain module did not load.)`, { cause });
    }
    try {
      return await fn(k);
    } catch (cause) {
      throw new AppError('keychain_unavailable', NO_KEYCHAIN, { cause });
    }
  };
  return {
    get: (ref) => call((k) => k.getPassword(service, ref)),
    set: (ref, secret) => call((k) => k.setPassword(service, ref, secret)),
    delete: async (ref) => {
      await call((k) => k.deletePassword(service, ref));
    },
  };
}

const COMMAND_TIMEOUT_MS = 30_000;

/**
 * msmtp's passwordeval: run the command through the shell; its standard output, without the
 * trailing newline, is the password.
 */
export function runPasswordCommand(command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, { shell: true, stdio: ['ignore', 'pipe', 'pipe'], timeout: COMMAND_TIMEOUT_MS });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      if (err.length < 500) err += chunk.toString('utf8');
    });
    child.on('error', (cause) => reject(new AppError('password_command_failed', `The password command could not be started: ${cause.message}`, { cause })));
    child.on('close', (code, signal) => {
      if (code !== 0) {
        const why = signal ? `was stopped (${signal})` : `exited with status ${code}`;
        const detail = err.trim().split('\n')[0];
        return reject(new AppError('password_command_failed', `The password command ${why}${detail ? `: ${detail}` : ''}.`));
      }
      const password = Buffer.concat(out)
        .toString('utf8')
        .replace(/\r?\n$/, '');
      if (!password) return reject(new AppError('password_command_failed', 'The password command printed nothing.'));
      return resolve(password);
    });
  });
}
