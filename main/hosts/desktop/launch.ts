/**
 * `npm start` (after the build): the desktop app under Electron. Electron fetches its binary on first
 * use (it has no install step), which fails on a machine without the network; then this says so in
 * one line and points at what runs without Electron, instead of a stack trace. Runs on plain Node and
 * never loads Electron's API: it only asks Electron's npm package where the executable is.
 */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..', '..');

function cannotStart(why: string): never {
  console.error(`Outbound cannot start the desktop app: ${why}. Run it in a browser with \`npm run dev:browser\`, or use the CLI: \`npx outbound help\`.`);
  process.exit(1);
}

/**
 * The executable as Electron's package gives it: `require('electron')` in plain Node is its path,
 * fetched first if missing, or throws "Electron failed to install correctly". Asked in a child
 * process, so the fetch's own output and stack trace stay out of the terminal; the path is the
 * child's last line (the fetch may print before it).
 */
function electronExecutable(): string | undefined {
  const script = "process.stdout.write('\\n' + require('electron'))";
  const asked = spawnSync(process.execPath, ['--input-type=commonjs', '-e', script], { cwd: root, encoding: 'utf8' });
  return asked.status === 0 ? asked.stdout.split('\n').at(-1) : undefined;
}

const executable = electronExecutable() ?? cannotStart("Electron's binary is missing and could not be downloaded");
// As `electron .` does: a Ctrl-C or a kill of this process reaches Electron. Listened for before Electron
// starts: a signal that came before the listener would end this process and leave Electron running.
// (A listener runs on the event loop, so after `electron` below is set.)
for (const signal of ['SIGINT', 'SIGTERM', 'SIGUSR2'] as const) process.on(signal, () => electron.kill(signal));
const electron = spawn(executable, ['.', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
electron.on('error', (error: NodeJS.ErrnoException) => cannotStart(`${executable} does not run (${error.code ?? error.message})`));
electron.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 0 : 1)));
