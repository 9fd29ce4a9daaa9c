/**
 * mailto: links (RFC 6068) the system hands to the desktop app: at launch and from a second launch in
 * the command line, on macOS by 'open-url'. No Electron.
 */

export const isMailtoUrl = (url: string): boolean => /^mailto:/i.test(url);

/** The mailto: URL among a launch's arguments, if any. */
export const mailtoIn = (argv: readonly string[]): string | undefined => argv.find(isMailtoUrl);

/**
 * Opens a link in the composer (the core parses it and announces it to the page): a link that cannot
 * be read is said in the log and dropped, so it cannot stop the links after it.
 */
export function openMailtoLink(compose: { openMailto(url: string): void }, url: string): void {
  try {
    compose.openMailto(url);
  } catch (error) {
    console.error('outbound: ignoring a mailto: link that cannot be read:', error instanceof Error ? error.message : error);
  }
}
