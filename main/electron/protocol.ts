/** Registers app:// with Electron; what it serves, and why a custom scheme, is in main/hosts/desktop/app-scheme.ts. */
import { protocol } from 'electron';
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, appRequestHandler } from '../hosts/desktop/app-scheme.ts';

/** Must run before the app is ready: Chromium fixes the scheme table at start-up. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);
}

/** Serve files under `rendererDir` (dist/renderer) at `app://outbound/`. */
export function serveRenderer(rendererDir: string): void {
  protocol.handle(APP_SCHEME, appRequestHandler(rendererDir));
}
