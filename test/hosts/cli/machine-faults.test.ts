/**
 * Faults of the machine, as the CLI says them: one sentence and a sysexits code, never a stack trace
 * (issue 17 §1, in part). A damaged database, a data directory that is a file, and a full disk (a
 * 2 MB tmpfs: mounting needs root; where it is not allowed the case is skipped and says so).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { databaseFile } from '../../../main/core/paths.ts';
import { addAccountArgs, cli, sendArgs } from '../../helpers/cli.ts';
import { tempHome } from '../../helpers/core.ts';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.ts';

let server: TestSmtpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const noStackTrace = (stderr: string) => expect(stderr).not.toMatch(/^\s+at /m);

/** A tmpfs of `size` at a fresh folder, unmounted after the test; undefined where mounting is not allowed. */
function smallDisk(size: string): string | undefined {
  const dir = path.join(tempHome(), 'disk');
  mkdirSync(dir);
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]).status !== 0) return undefined;
  onTestFinished(() => void spawnSync('umount', ['-l', dir]));
  return dir;
}

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
    if (!disk) return context.skip('mounting a tmpfs is not allowed here (it needs root)');
    const smtp = (server = await startSmtpServer());
    const home = path.join(disk, 'home');
    expect((await cli(home, addAccountArgs(smtp.port, ['--security', 'none']))).code).toBe(0);
    const filler = path.join(disk, 'filler');
    spawnSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=64k'], { stdio: 'ignore' }); // until the disk is full
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
});
