/**
 * mailto: links (RFC 6068) the system hands to the desktop app: at launch and from a second launch in
 * the command line, on macOS by 'open-url' (which can come before the app is ready). No Electron.
 */

export const isMailtoUrl = (url: string): boolean => /^mailto:/i.test(url);

/** The mailto: URL among a launch's arguments, if any. */
export const mailtoIn = (argv: readonly string[]): string | undefined => argv.find(isMailtoUrl);

/**
 * Links from every entrance, in the order they came: kept until the app can open them (the core
 * and the window exist), then each opened once. A link that arrives twice while the app is still
 * starting (the launch arguments and 'open-url' both carry it) opens once.
 */
export class MailtoArrivals {
  private readonly early: string[] = [];
  private open: ((url: string) => void) | undefined;

  arrive(url: string | undefined): void {
    if (url === undefined || !isMailtoUrl(url)) return;
    if (this.open) this.open(url);
    else if (!this.early.includes(url)) this.early.push(url);
  }

  /** From now on links go to `open`: first those that came early. */
  openWith(open: (url: string) => void): void {
    this.open = open;
    for (const url of this.early.splice(0)) open(url);
  }
}

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
