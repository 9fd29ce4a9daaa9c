/** Which URLs the desktop app hands to the system's browser. No Electron: main/electron/window.ts opens them. */

/**
 * A link the page asked to open (target=_blank, a middle click): only web links go to the browser;
 * `file:`, `smb:`, custom handlers and the like could run things on the machine. Undefined: dropped.
 */
export function externalLinkOf(url: string): string | undefined {
  const parsed = URL.parse(url);
  return parsed !== null && (parsed.protocol === 'https:' || parsed.protocol === 'http:') ? parsed.href : undefined;
}

/** OAuth2 sign-in pages open in the system browser (RFC 8252: never in an embedded view), and only over https. */
export function signInPageOf(url: string): string {
  if (URL.parse(url)?.protocol !== 'https:') throw new Error('Outbound opens only https sign-in pages.');
  return url;
}
