/**
 * `npm run dev:browser`: the app's core with the renderer served to a browser on loopback, for
 * development where no Electron binary runs. Uses the same data directory as the app and the CLI.
 */
import path from 'node:path';
import { openCore } from '../../core/index.ts';
import { startBrowserHostForCore } from './server.ts';

const repo = path.resolve(import.meta.dirname, '../../..');
const core = openCore();
const host = await startBrowserHostForCore(core, {
  rendererDir: path.join(repo, 'dist/renderer'),
  bridgeFile: path.join(repo, 'dist/browser/bridge.js'),
});

console.log(`Outbound (browser host) at ${host.url}#token=${host.token}`);
console.log(`Data directory: ${core.home}. Stop with Ctrl+C.`);

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: closing…`);
  try {
    await host.close();
    await core.close();
  } catch (error) {
    console.error('outbound: closing failed:', error);
    process.exitCode = 1;
  }
  // The core may hold timers (retries, network watch) that would keep the process alive.
  process.exit();
}
process.on('SIGINT', (signal) => void stop(signal));
process.on('SIGTERM', (signal) => void stop(signal));
