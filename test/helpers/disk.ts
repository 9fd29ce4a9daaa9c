/** A small disk of the test's own, to fill: a tmpfs (mounting needs root, which CI has). */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { onTestFinished } from 'vitest';
import { tempHome } from './core.ts';

/** A tmpfs of `size` (e.g. '2m') at a fresh folder, unmounted after the test; undefined where mounting is not allowed. */
export function smallDisk(size: string): string | undefined {
  const dir = path.join(tempHome(), 'disk');
  mkdirSync(dir);
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]).status !== 0) return undefined;
  onTestFinished(() => void spawnSync('umount', ['-l', dir]));
  return dir;
}

/** Writes to `disk` until it is full; returns the filler file, whose removal makes room again. */
export function fillDisk(disk: string): string {
  const filler = path.join(disk, 'filler');
  spawnSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=64k'], { stdio: 'ignore' });
  return filler;
}
