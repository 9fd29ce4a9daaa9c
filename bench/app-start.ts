/**
 * The app's own start, for `npm run bench:cli`: the browser host (`npm run dev:browser`'s
 * main/hosts/browser/start.ts, the core and the renderer the desktop app runs) from its process
 * starting until the Compose screen takes typing, in headless Chromium launched once beforehand (a
 * browser's own start is not the app's). The main process's share ends when the host prints its
 * address. Needs `npm run build` (dist/renderer, dist/browser) and /usr/bin/chromium.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const ROOT = join(import.meta.dirname, '..');
const START = join(ROOT, 'main', 'hosts', 'browser', 'start.ts');

export interface AppStart {
  /** Median ms from spawning the host until it prints its address. */
  mainMs: number;
  /** Median ms from spawning the host until the Compose screen's Subject field takes typing. */
  totalMs: number;
}

const median = (values: number[]): number => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** `runs` starts of the app on the data directory `home`. */
export async function measureAppStart(home: string, runs: number): Promise<AppStart> {
  for (const file of ['dist/renderer/index.html', 'dist/browser/bridge.js']) {
    if (!existsSync(join(ROOT, file))) throw new Error(`${file} is missing: run \`npm run build\` first.`);
  }
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  const mains: number[] = [];
  const totals: number[] = [];
  try {
    // The first start fills Node's and Chromium's caches, as a person's second start finds them.
    for (let run = 0; run <= runs; run++) {
      const started = performance.now();
      const host = spawn(process.execPath, [START], { env: { ...process.env, OUTBOUND_HOME: home }, stdio: ['ignore', 'pipe', 'inherit'] });
      const exited = new Promise((resolve) => host.once('exit', resolve));
      try {
        const url = await new Promise<string>((resolve, reject) => {
          let printed = '';
          host.stdout.on('data', (chunk: Buffer) => {
            printed += chunk.toString();
            const address = /at (http:\S+)/.exec(printed)?.[1];
            if (address) resolve(address);
          });
          host.once('exit', (code) => reject(new Error(`The browser host exited (${code}) before printing its address:\n${printed}`)));
        });
        const ready = performance.now();
        const page = await browser.newPage();
        await page.goto(url);
        await page.getByLabel('Subject').fill('Interactive');
        const interactive = performance.now();
        await page.close();
        if (run > 0) {
          mains.push(ready - started);
          totals.push(interactive - started);
        }
      } finally {
        host.kill('SIGTERM');
        await exited;
      }
    }
  } finally {
    await browser.close();
  }
  return { mainMs: median(mains), totalMs: median(totals) };
}
