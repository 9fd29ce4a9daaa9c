/**
 * A locked keychain pauses, it does not fail (issue 17 §5). In a D-Bus session of its own (locking
 * the suite's shared keyring would lock it for every other test file): gnome-keyring holds the
 * account's password; `secret-tool lock` locks it (keytar then answers as if there were no password);
 * `outbound send` keeps the message queued and says to unlock; once unlocked, `outbox flush` sends it.
 * Then the Secret Service's process is killed mid-run: the same, until a keyring answers again.
 */
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { OUTBOUND } from '../../helpers/cli.ts';
import { registerTestSecret, recordTestOutput } from '../../helpers/secrets.ts';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.ts';

const execFileAsync = promisify(execFile);
const PASSWORD = registerTestSecret('locked-kc-Pa55', { user: 'me' });
const KEYRING = 'keyring-pw';
const canRun = ['dbus-run-session', 'gnome-keyring-daemon', 'secret-tool', 'dbus-send'].every(
  (tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0,
);

let server: TestSmtpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

it.skipIf(!canRun && !process.env.CI)('a locked keychain, or its service gone: the message waits, says so, and goes once the keychain answers', async () => {
  const smtp = (server = await startSmtpServer({ auth: { user: 'me', pass: PASSWORD } }));
  const scratch = mkdtempSync(path.join(tmpdir(), 'outbound-locked-'));
  const ca = path.join(scratch, 'test-ca.pem');
  writeFileSync(ca, smtp.ca);
  try {
    // Each step prints a marked line; the shell runs them in order in the session it owns.
    const o = `"${OUTBOUND}"`;
    const step = (name: string, command: string) => `echo "== ${name}"; ${command}; echo "== ${name} exit $?"`;
    const script = [
      `printf '%s' '${KEYRING}' | gnome-keyring-daemon --unlock --components=secrets >/dev/null`,
      step(
        'add',
        `printf '%s' '${PASSWORD}' | ${o} account add --name work --email me@outbound.test --host 127.0.0.1 --port ${smtp.port} --security starttls --user me 2>&1`,
      ),
      step('lock', 'secret-tool lock --collection=login >/dev/null 2>&1; true'),
      step('send', `${o} send --account work --to ann@example.org --subject Locked --text Hello. 2>&1`),
      step('list', `${o} outbox list --json`),
      step('unlock', `printf '%s' '${KEYRING}' | gnome-keyring-daemon --replace --unlock --components=secrets >/dev/null 2>&1; sleep 1`),
      step('flush', `${o} outbox flush 2>&1`),
      // The Secret Service gone mid-run: its process killed (whatever D-Bus starts in its place has the keyring locked).
      step(
        'gone',
        `kill $(dbus-send --session --print-reply=literal --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets | awk '{print $2}'); sleep 1`,
      ),
      step('send again', `${o} send --account work --to ann@example.org --subject Gone --text Hello. 2>&1`),
      step('back', `printf '%s' '${KEYRING}' | gnome-keyring-daemon --replace --unlock --components=secrets >/dev/null 2>&1; sleep 1`),
      step('flush again', `${o} outbox flush 2>&1`),
    ].join('\n');
    // Not spawnSync: the SMTP server answers from this process's event loop.
    const run = await execFileAsync('dbus-run-session', ['--', 'sh', '-c', script], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: ca, OUTBOUND_HOME: path.join(scratch, 'home'), XDG_DATA_HOME: path.join(scratch, 'data'), HOME: scratch },
      encoding: 'utf8',
      timeout: 60_000,
    });
    recordTestOutput(`${run.stdout}\n${run.stderr}`);
    const output = (name: string) =>
      new RegExp(`== ${name}\\n([\\s\\S]*?)== ${name} exit (\\d+)`).exec(run.stdout) ?? ['', `(no ${name} step)\n${run.stdout}\n${run.stderr}`, '-1'];
    expect(output('add')[2]).toBe('0');
    const [, said, code] = output('send');
    expect(said).toContain('The system keychain did not give the password for account "work": it may be locked.');
    expect(said).toContain('It waits and goes once the keychain answers.');
    expect(said).not.toMatch(/^\s+at /m);
    expect(code).toBe('75');
    const [queued] = JSON.parse(output('list')[1]) as { state: string; subject: string }[];
    expect(queued).toMatchObject({ subject: 'Locked', state: 'queued' });
    expect(output('flush')[2]).toBe('0');
    const [, saidGone, codeGone] = output('send again');
    expect([saidGone, codeGone]).toEqual([expect.stringContaining('It waits and goes once the keychain answers.'), '75']);
    expect(output('flush again')[2]).toBe('0');
    expect(smtp.messages.map((m) => m.parsed.subject)).toEqual(['Locked', 'Gone']);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});
