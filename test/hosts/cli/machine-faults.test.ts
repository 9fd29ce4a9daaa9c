/**
 * Faults of the machine, as the CLI says them: one sentence and a sysexits code, never a stack trace
 * (issue 17 §1, in part). A damaged database, a data directory that is a file, and a full disk (a
 * 2 MB tmpfs: mounting needs root; where it is not allowed the case is skipped and says so).
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { databaseFile } from '../../../main/core/paths.ts';
import { addAccountArgs, cli, sendArgs } from '../../helpers/cli.ts';
import { tempHome, testCore, value } from '../../helpers/core.ts';
import { fillDisk, smallDisk } from '../../helpers/disk.ts';
import { startSmtpServer, type SmtpServerOptions, type TestSmtpServer } from '../../helpers/smtp.ts';

let server: TestSmtpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Every file in the messages directory with its bytes: what a fault must leave as it was. */
const frozenFiles = (home: string) =>
  readdirSync(path.join(home, 'messages'))
    .sort()
    .map((name) => [name, readFileSync(path.join(home, 'messages', name), 'latin1')]);

/** A server for the test (closed after it) and the account "work" sending to it from `home`, added by the CLI. */
async function workSendingFrom(home: string, options: SmtpServerOptions = {}): Promise<TestSmtpServer> {
  const smtp = (server = await startSmtpServer(options));
  expect((await cli(home, addAccountArgs(smtp.port, ['--security', 'none']))).code).toBe(0);
  return smtp;
}

const NO_MOUNT = 'mounting a tmpfs is not allowed here (it needs root)';

const noStackTrace = (stderr: string) => expect(stderr).not.toMatch(/^\s+at /m);

describe('faults of the machine', () => {
  it('a damaged database: exit 74, where the messages still are, no stack trace', async () => {
    const home = tempHome();
    mkdirSync(home, { recursive: true });
    writeFileSync(databaseFile(home), Buffer.alloc(8192, 'x'));
    const run = await cli(home, ['outbox', 'list']);
    expect(run.code).toBe(74);
    expect(run.stderr.trim()).toBe(
      `outbound: Outbound's database (${databaseFile(home)}) is damaged and cannot be read. The messages themselves are still in ${path.join(home, 'messages')}. ` +
        'Run `outbound repair` (or choose Repair when the app asks): it moves the damaged file aside untouched, keeps what can still be read, ' +
        'and brings back every message not known to be sent, for you to check.',
    );
    noStackTrace(run.stderr);
  });

  it('a data directory that is a file: exit 73, what is in the way', async () => {
    const home = path.join(tempHome(), 'home');
    writeFileSync(home, 'a file where the data directory should be');
    const run = await cli(home, ['account', 'list']);
    expect(run.code).toBe(73);
    expect(run.stderr).toMatch(/^outbound: Outbound cannot create its data at .*home\/messages: something that is not its folder is in the way\./);
    noStackTrace(run.stderr);
  });

  it('a full disk: exit 74 and the sentence; once there is room again, the same command sends', async (context) => {
    const disk = smallDisk('2m');
    if (!disk) return context.skip(NO_MOUNT);
    const home = path.join(disk, 'home');
    const smtp = await workSendingFrom(home);
    const filler = fillDisk(disk);
    const full = await cli(home, sendArgs('No room'));
    expect([full.code, full.stderr.trim()]).toEqual([
      74,
      `outbound: The disk that holds Outbound's data (${home}) is full. Nothing was changed, and what was already in the outbox is kept. Free some space, then try again.`,
    ]);
    noStackTrace(full.stderr);
    // Nothing half-written stays behind: no frozen file, no row.
    expect(readdirSync(path.join(home, 'messages'))).toEqual([]);
    rmSync(filler);
    expect(JSON.parse((await cli(home, ['outbox', 'list', '--json'])).stdout)).toEqual([]);
    const again = await cli(home, sendArgs('Room again'));
    expect(again.code).toBe(0);
    expect(smtp.messages.map((m) => m.parsed.subject)).toEqual(['Room again']);
  });
  it('a full disk while the attachment is copied in: exit 74; no file, no envelope, no row; the earlier message intact', async (context) => {
    const disk = smallDisk('2m');
    if (!disk) return context.skip(NO_MOUNT);
    const home = path.join(disk, 'home');
    await workSendingFrom(home);
    expect((await cli(home, sendArgs('Earlier', ['--at', '2099-01-01T00:00:00Z']))).code).toBe(0);
    const before = frozenFiles(home);
    const big = path.join(tempHome(), 'big.bin');
    writeFileSync(big, Buffer.alloc(3 * 1024 * 1024, 1)); // more than the disk holds, from outside it
    const full = await cli(home, sendArgs('Too big for the disk', ['--attach', big]));
    expect([full.code, full.stderr.trim()]).toEqual([74, expect.stringMatching(/^outbound: The disk that holds Outbound's data \(.*\) is full\. /)]);
    noStackTrace(full.stderr);
    expect(frozenFiles(home)).toEqual(before);
    expect((JSON.parse((await cli(home, ['outbox', 'list', '--json'])).stdout) as { subject: string }[]).map((m) => m.subject)).toEqual(['Earlier']);
  });

  it('a data directory made read-only: exit 77, what to check; writable again, the same command sends', async (context) => {
    const disk = smallDisk('4m');
    if (!disk) return context.skip(NO_MOUNT);
    const home = path.join(disk, 'home');
    const smtp = await workSendingFrom(home);
    expect(spawnSync('mount', ['-o', 'remount,ro', disk]).status).toBe(0);
    const refused = await cli(home, sendArgs('Read-only'));
    expect([refused.code, refused.stderr.trim()]).toEqual([
      77,
      expect.stringMatching(
        /^outbound: Outbound may not write to .*\. Nothing was changed, and what was already in the outbox is kept\. Check its permissions/,
      ),
    ]);
    noStackTrace(refused.stderr);
    expect(spawnSync('mount', ['-o', 'remount,rw', disk]).status).toBe(0);
    expect((await cli(home, sendArgs('Writable again'))).code).toBe(0);
    expect(smtp.messages.map((m) => m.parsed.subject)).toEqual(['Writable again']);
  });

  it('the database held by another program that does not let go: exit 75 after waiting for it; let go, the command sends', async () => {
    const home = path.join(tempHome(), 'home');
    const smtp = await workSendingFrom(home);
    // Another program's write transaction, held until it is killed.
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `const db = new (require('better-sqlite3'))(${JSON.stringify(databaseFile(home))}); db.exec('BEGIN EXCLUSIVE'); console.log('held'); setInterval(() => {}, 1000);`,
      ],
      { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] },
    );
    onTestFinished(() => void holder.kill('SIGKILL'));
    await once(holder.stdout!, 'data');
    const busy = await cli(home, sendArgs('Held'));
    expect([busy.code, busy.stderr.trim()]).toEqual([
      75,
      `outbound: Another program holds Outbound's database (${databaseFile(home)}) and does not let go. Nothing was changed, and what was already in the outbox is kept. Try again once it has finished.`,
    ]);
    holder.kill('SIGKILL');
    await once(holder, 'exit');
    expect((await cli(home, sendArgs('Let go'))).code).toBe(0);
    expect(smtp.messages.map((m) => m.parsed.subject)).toEqual(['Let go']);
  }, 40_000);

  it('a full disk while a draft is written: the page is told so, and the drafts already saved are intact', async (context) => {
    const disk = smallDisk('2m');
    if (!disk) return context.skip(NO_MOUNT);
    const { api } = testCore(undefined, { home: path.join(disk, 'home') });
    const { id: accountId } = await value(api.accounts.save({ name: 'work', email: 'me@outbound.test', host: '127.0.0.1', port: 1, security: 'none' }));
    const kept = await value(api.drafts.save({ accountId, to: ['ann@example.org'], subject: 'Kept', text: 'Short.' }));
    fillDisk(disk);
    const refused = await api.drafts.save({ accountId, to: ['ann@example.org'], subject: 'Long', text: 'x'.repeat(512 * 1024) });
    expect(refused).toMatchObject({ ok: false, error: { code: 'disk_full', message: expect.stringMatching(/is full\. Nothing was changed/) } });
    expect((await value(api.drafts.list())).map((d) => [d.id, d.subject])).toEqual([[kept.id, 'Kept']]);
  });
  it('a full disk when an attempt is to be recorded: the message is not failed; it stays queued and goes once there is room', async (context) => {
    const disk = smallDisk('2m');
    if (!disk) return context.skip(NO_MOUNT);
    let defer = true;
    const home = path.join(disk, 'home');
    const smtp = await workSendingFrom(home, { rcpt: () => (defer ? { code: 451, message: '4.3.0 Try again later' } : undefined) });
    expect((await cli(home, sendArgs('Deferred first'))).code).toBe(75); // queued for a retry
    const filler = fillDisk(disk);
    const full = await cli(home, ['outbox', 'flush']);
    expect([full.code, full.stderr.trim()]).toEqual([74, expect.stringMatching(/^outbound: The disk that holds Outbound's data \(.*\) is full\. /)]);
    noStackTrace(full.stderr);
    rmSync(filler);
    const [waiting] = JSON.parse((await cli(home, ['outbox', 'list', '--json'])).stdout) as { state: string }[];
    expect(waiting).toMatchObject({ state: 'queued' });
    defer = false;
    expect((await cli(home, ['outbox', 'flush'])).code).toBe(0);
    expect(smtp.messages.map((m) => m.parsed.subject)).toEqual(['Deferred first']);
  });
});
