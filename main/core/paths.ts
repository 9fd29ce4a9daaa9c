import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const PRODUCT_NAME = 'Outbound';

/**
 * The data directory: `OUTBOUND_HOME` if set, else the folder Electron's `app.getPath('userData')`
 * gives for this product, computed without Electron so the CLI and the app share one directory.
 */
export function defaultHome(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.OUTBOUND_HOME) return resolve(env.OUTBOUND_HOME);
  switch (platform) {
    case 'darwin':
      return join(homedir(), 'Library', 'Application Support', PRODUCT_NAME);
    case 'win32':
      return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), PRODUCT_NAME);
    default:
      return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), PRODUCT_NAME);
  }
}

export const databaseFile = (home: string): string => join(home, 'outbound.sqlite');
/** Frozen RFC 5322 messages, one file each, named by a random id. */
export const messagesDir = (home: string): string => join(home, 'messages');
