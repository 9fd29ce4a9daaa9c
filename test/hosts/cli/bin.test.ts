/**
 * bin/outbound as git, PHP and cron are given it: called by its absolute path (or through a link, as npm
 * and npx install it) from any directory, with whatever node is first on PATH, it runs the CLI on the
 * project's Node 24 — never on PATH's node, on which better-sqlite3 13 cannot load (Debian's Node 20).
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OUTBOUND } from '../../helpers/cli.ts';
import { tempHome, testCore, value } from '../../helpers/core.ts';
import { recordTestOutput } from '../../helpers/secrets.ts';

/** `command args…` run from `cwd` with only this PATH; its exit code and output. */
function runFrom(cwd: string, path: string, command: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, PATH: path, OUTBOUND_HOME: cwd, DBUS_SESSION_BUS_ADDRESS: `unix:path=${cwd}/no-bus` };
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env }, (error, stdout, stderr) => {
      recordTestOutput(`${stdout}\n${stderr}`);
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

/** A data directory holding the account "work", for a command that reads the database. */
async function homeWithAccount(): Promise<string> {
  const home = tempHome();
  const { api } = testCore(undefined, { home });
  await value(api.accounts.save({ name: 'work', email: 'me@outbound.test', host: '127.0.0.1', port: 2525, security: 'none' }));
  return home;
}

describe('bin/outbound', () => {
  it("runs by its absolute path from another directory with cron's PATH, whose node is the system's", async () => {
    const home = await homeWithAccount();
    const help = await runFrom(home, '/usr/bin:/bin', OUTBOUND, ['--help']);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(/^Usage: outbound <command>/);
    const list = await runFrom(home, '/usr/bin:/bin', OUTBOUND, ['account', 'list']);
    expect(list).toMatchObject({ code: 0, stderr: '' });
    expect(list.stdout).toMatch(/^1\twork \(default\)\tme@outbound\.test\t127\.0\.0\.1:2525/);
  });

  it("runs through a relative link, as npm links it, and never runs PATH's node", async () => {
    const home = await homeWithAccount();
    // A node first on PATH that refuses to run anything: bin/outbound must not be using it.
    const pathBin = join(home, 'path-bin');
    mkdirSync(pathBin);
    writeFileSync(join(pathBin, 'node'), '#!/bin/sh\necho "the node on PATH ran" >&2\nexit 97\n');
    chmodSync(join(pathBin, 'node'), 0o755);
    const linkBin = join(home, 'node_modules', '.bin');
    mkdirSync(linkBin, { recursive: true });
    symlinkSync(relative(linkBin, OUTBOUND), join(linkBin, 'outbound'));
    const list = await runFrom(home, `${pathBin}:/usr/bin:/bin`, join(linkBin, 'outbound'), ['account', 'list']);
    expect(list).toMatchObject({ code: 0, stderr: '' });
    expect(list.stdout).toMatch(/^1\twork \(default\)/);
  });
});
