/** Where the e2e tests find the built renderer and bridge (`npm test` builds them first). */
import { existsSync } from 'node:fs';
import path from 'node:path';

const repo = path.resolve(import.meta.dirname, '../..');

export function builtApp(): { rendererDir: string; bridgeFile: string } {
  const rendererDir = path.join(repo, 'dist/renderer');
  const bridgeFile = path.join(repo, 'dist/browser/bridge.js');
  for (const file of [path.join(rendererDir, 'index.html'), bridgeFile]) {
    if (!existsSync(file)) throw new Error(`${path.relative(repo, file)} is missing: run \`npm run build\` first.`);
  }
  return { rendererDir, bridgeFile };
}

export const screenshotsDir = path.join(repo, 'test-results/screenshots');
/** Where a failed e2e test leaves a picture of each page it had open. */
export const failuresDir = path.join(repo, 'test-results/failures');
