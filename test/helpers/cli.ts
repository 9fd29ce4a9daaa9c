/**
 * The `outbound` command as scripts run it: bin/outbound, a child process on a data directory. Whatever it prints
 * is recorded for the final secrets scan. Outside test/run.ts's private keyring it can never reach
 * the developer's own.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempHome, testCore, value } from './core.ts';
import { hasPrivateKeyring } from './keychain.ts';
import { recordTestOutput } from './secrets.ts';

const ROOT = join(import.meta.dirname, '..', '..');
/** What users, git and PHP run: the checkout's bin/outbound (package.json's bin). */
export const OUTBOUND = join(ROOT, 'bin', 'outbound');

/**
 * A data directory whose default account "work" (me@outbound.test; no TLS, no AUTH: the commands
 * need neither here) sends to `smtp`, and the contract in-process on the same directory, to look at
 * what the commands did without starting one more process each time.
 */
export async function homeWithWork(smtp: { port: number }) {
  const home = tempHome();
  const t = testCore(undefined, { home });
  const account = await value(t.api.accounts.save({ name: 'work', email: 'me@outbound.test', host: '127.0.0.1', port: smtp.port, security: 'none' }));
  return { home, ...t, account };
}

/** `outbound send` of a one-line text message to ann@example.org from "work"; `extra` adds flags. */
export const sendArgs = (subject: string, extra: string[] = []): string[] => [
  'send',
  '--account',
  'work',
  '--to',
  'ann@example.org',
  '--subject',
  subject,
  '--text',
  'Hello.',
  ...extra,
];

/** `outbound account add` for the test account "work" (me@outbound.test) on a loopback STARTTLS server; `extra` adds or overrides flags. */
export const addAccountArgs = (port: number, extra: string[] = []): string[] => [
  'account',
  'add',
  '--name',
  'work',
  '--email',
  'me@outbound.test',
  '--host',
  '127.0.0.1',
  '--port',
  String(port),
  '--security',
  'starttls',
  ...extra,
];

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  stdin?: string;
  /** A CA the child trusts (NODE_EXTRA_CA_CERTS). */
  ca?: string;
  /** Run it as `npx outbound`. */
  npx?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Where the command runs (default: the checkout), for what it writes to the current directory. */
  cwd?: string;
}

export interface RunningCli {
  /** The first match of `pattern` in what the command has printed so far on stdout, as soon as there is one. */
  printed(pattern: RegExp): Promise<RegExpExecArray>;
  done: Promise<CliRun>;
  /** Send the command a signal (SIGTERM, SIGINT). */
  signal(name: NodeJS.Signals): void;
}

export function startCli(home: string, args: string[], options: CliOptions = {}): RunningCli {
  const env: NodeJS.ProcessEnv = { ...process.env, OUTBOUND_HOME: home, ...options.env };
  if (!hasPrivateKeyring) env.DBUS_SESSION_BUS_ADDRESS = `unix:path=${join(home, 'no-bus')}`;
  if (options.ca) {
    const caFile = join(home, 'test-ca.pem');
    writeFileSync(caFile, options.ca);
    env.NODE_EXTRA_CA_CERTS = caFile;
  }
  // npx keeps a copy of the project's bin per checkout path in its cache, from whatever an earlier run
  // linked there (a moved bin then fails): its own cache, so the test depends on nothing it did not start.
  // Installing the checkout there must not run its `prepare` (a rebuild of dist/cli under the CLI tests running meanwhile).
  if (options.npx) Object.assign(env, { npm_config_cache: join(home, 'npm-cache'), npm_config_ignore_scripts: 'true' });
  const [file, argv] = options.npx ? ['npx', ['outbound', ...args]] : [OUTBOUND, args];
  let child!: ReturnType<typeof execFile>;
  const done = new Promise<CliRun>((resolve) => {
    child = execFile(file, argv, { cwd: options.cwd ?? ROOT, env, timeout: 30_000 }, (error, stdout, stderr) => {
      recordTestOutput(`${stdout}\n${stderr}`);
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
    child.stdin?.end(options.stdin ?? '');
  });
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer | string) => void (stdout += String(chunk)));
  const printed = (pattern: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const look = () => {
        const match = pattern.exec(stdout);
        if (match) resolve(match);
        return match;
      };
      if (look()) return;
      child.stdout?.on('data', look);
      void done.then(
        (run) => look() ?? reject(new Error(`outbound ${args.join(' ')} exited ${run.code} without printing ${pattern}:\n${run.stdout}\n${run.stderr}`)),
      );
    });
  return { printed, done, signal: (name) => void child.kill(name) };
}

export const cli = (home: string, args: string[], options: CliOptions = {}): Promise<CliRun> => startCli(home, args, options).done;
