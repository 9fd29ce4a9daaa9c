/**
 * `npm start`'s launcher (main/hosts/desktop/launch.ts), run as `npm start` runs it: Electron's binary
 * missing and not to be had says so in one line; a binary that is there runs the app and its exit
 * code is the launcher's. Electron's package is steered by its own environment variables: a download
 * mirror on a closed loopback port, an empty download cache, a stand-in executable.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closedPort } from '../../helpers/net.ts';

const root = path.resolve(import.meta.dirname, '..', '..', '..');
const LAUNCHER = path.join(root, 'main', 'hosts', 'desktop', 'launch.ts');
const scratch = mkdtempSync(path.join(tmpdir(), 'outbound-launch-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Electron's package keeps the executable's name in path.txt once its binary is in place. */
const binaryInstalled = existsSync(path.join(root, 'node_modules', 'electron', 'path.txt'));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The launcher with Electron's own settings replaced by `electronEnv`; `whenReady` runs once stdout shows `ready`. */
function launch(electronEnv: Record<string, string>, args: string[] = [], whenReady?: (pid: number) => void): Promise<Run> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/electron/i.test(name)));
  const child = spawn(process.execPath, [LAUNCHER, ...args], { cwd: scratch, env: { ...env, ...electronEnv } });
  const run: Run = { code: null, stdout: '', stderr: '' };
  let ready = false;
  child.stdout.on('data', (chunk: Buffer) => {
    run.stdout += chunk.toString();
    if (!ready && run.stdout.includes('ready\n')) whenReady?.(child.pid!);
    ready ||= run.stdout.includes('ready\n');
  });
  child.stderr.on('data', (chunk: Buffer) => (run.stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ ...run, code })));
}

/** A directory with a stand-in `electron` executable running `script` (sh). */
function standInDist(script: string): string {
  const dir = mkdtempSync(path.join(scratch, 'dist-'));
  writeFileSync(path.join(dir, 'electron'), `#!/bin/sh\n${script}\n`);
  chmodSync(path.join(dir, 'electron'), 0o755);
  return dir;
}

function expectOneLine(run: Run, why: RegExp): void {
  expect(run.code).toBe(1);
  expect(run.stdout).toBe('');
  const lines = run.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(why);
  expect(lines[0]).toContain('`npm run dev:browser`');
  expect(lines[0]).toContain('`npx outbound help`');
}

describe('npm start', () => {
  it.skipIf(binaryInstalled)("without Electron's binary, and no way to fetch it, says so in one line and exits 1", async () => {
    const port = await closedPort();
    const run = await launch({ ELECTRON_MIRROR: `http://127.0.0.1:${port}/`, electron_config_cache: mkdtempSync(path.join(scratch, 'cache-')) });
    expectOneLine(run, /^Outbound cannot start the desktop app: Electron's binary is missing and could not be downloaded\./);
  });

  it('with an executable that does not run, says so in one line and exits 1', async () => {
    const empty = mkdtempSync(path.join(scratch, 'empty-'));
    const run = await launch({ ELECTRON_OVERRIDE_DIST_PATH: empty });
    expectOneLine(run, new RegExp(`^Outbound cannot start the desktop app: ${path.join(empty, 'electron')} does not run \\(ENOENT\\)\\.`));
  });

  it('runs Electron on the app in the checkout, with the arguments given, and exits as it does', async () => {
    const dist = standInDist('echo "$PWD|$*"; exit 3');
    const run = await launch({ ELECTRON_OVERRIDE_DIST_PATH: dist }, ['mailto:ann@example.org']);
    expect(run).toEqual({ code: 3, stdout: `${root}|. mailto:ann@example.org\n`, stderr: '' });
  });

  it('passes a SIGTERM on to Electron', async () => {
    const dist = standInDist('trap \'echo "got TERM"; exit 0\' TERM; echo ready; while :; do sleep 1 & wait $!; done');
    const run = await launch({ ELECTRON_OVERRIDE_DIST_PATH: dist }, [], (pid) => process.kill(pid, 'SIGTERM'));
    expect(run).toEqual({ code: 0, stdout: 'ready\ngot TERM\n', stderr: '' });
  });
});
