/**
 * `npm test` (after `npm run build`): vitest with a real Secret Service for the keychain tests.
 *
 * With dbus-run-session and gnome-keyring-daemon installed, this re-runs itself inside a private
 * D-Bus session with an unlocked gnome-keyring on a throw-away XDG_DATA_HOME — also on a desktop, so
 * the tests never write to the user's own keyring. Without them vitest runs directly and the
 * keychain tests say that there is no keychain.
 * Extra arguments go to vitest. Exits with vitest's exit code after one summary line.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const resultsFile = path.join(root, 'test-results', 'vitest.json');
const vitestArgs = process.argv.slice(2);
/** Set inside the private session so the runner does not start another one. */
const INSIDE_PRIVATE_SESSION = 'OUTBOUND_TEST_PRIVATE_KEYRING';

/** The parts of vitest's JSON report (jest-compatible) that the summary needs. */
interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  testResults: Array<{ name: string; status: string; assertionResults: unknown[] }>;
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir !== '' && existsSync(path.join(dir, command)));
}

function status(result: ReturnType<typeof spawnSync>): number {
  if (result.error) console.error(`test/run: ${result.error.message}`);
  return result.status ?? 1;
}

function runInPrivateKeyringSession(): number {
  const dataHome = mkdtempSync(path.join(tmpdir(), 'outbound-keyring-'));
  console.log(`test/run: keychain = gnome-keyring in a private D-Bus session (XDG_DATA_HOME=${dataHome})`);
  // If the daemon cannot start, run the tests anyway: the keychain tests report the missing keychain.
  const script =
    'printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null ' + '|| echo "test/run: gnome-keyring-daemon did not start" >&2; exec "$@"';
  try {
    const result = spawnSync('dbus-run-session', ['--', 'sh', '-c', script, 'sh', process.execPath, import.meta.filename, ...vitestArgs], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, XDG_DATA_HOME: dataHome, [INSIDE_PRIVATE_SESSION]: '1' },
    });
    return status(result);
  } finally {
    rmSync(dataHome, { recursive: true, force: true });
  }
}

function runVitest(): number {
  rmSync(resultsFile, { force: true });
  const result = spawnSync(
    process.execPath,
    [
      path.join(root, 'node_modules', 'vitest', 'vitest.mjs'),
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile=${path.relative(root, resultsFile)}`,
      ...vitestArgs,
    ],
    { cwd: root, stdio: 'inherit' },
  );
  const code = status(result);
  console.log(summary());
  return code;
}

/** `N passed, N failed[, N skipped][, N files failed to run]`, from vitest's JSON report. */
function summary(): string {
  if (!existsSync(resultsFile)) return `0 passed, 0 failed (vitest wrote no ${path.relative(root, resultsFile)})`;
  const report = JSON.parse(readFileSync(resultsFile, 'utf8')) as VitestReport;
  const skipped = report.numPendingTests + report.numTodoTests;
  // A file that throws while loading has no tests to count; name the number so it is not a silent 0.
  const brokenFiles = report.testResults.filter((file) => file.status === 'failed' && file.assertionResults.length === 0).length;
  return [
    `${report.numPassedTests} passed`,
    `${report.numFailedTests} failed`,
    ...(skipped > 0 ? [`${skipped} skipped`] : []),
    ...(brokenFiles > 0 ? [`${brokenFiles} files failed to run`] : []),
  ].join(', ');
}

const inside = process.env[INSIDE_PRIVATE_SESSION] === '1';
const canStartKeyring = !inside && onPath('dbus-run-session') && onPath('gnome-keyring-daemon');
if (!inside && !canStartKeyring) {
  console.log('test/run: no dbus-run-session/gnome-keyring-daemon: keychain tests will report that there is no keychain');
}
process.exit(canStartKeyring ? runInPrivateKeyringSession() : runVitest());
