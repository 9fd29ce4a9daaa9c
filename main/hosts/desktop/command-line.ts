/**
 * The installed app is also the `outbound` command (the deb links /usr/bin/outbound to its binary):
 * a command line that names a CLI command runs the CLI in the main process, with no window, since
 * the RunAsNode fuse is off. No Electron.
 */

/** The CLI's arguments when the app was started as the command, else undefined (a normal start, a mailto: link, --hidden). */
export function cliArgumentsIn(argv: readonly string[], packaged: boolean, isCliCommand: (word: string | undefined) => boolean): string[] | undefined {
  // Packaged: [the app, ...arguments]; developing: [electron, the checkout, ...arguments].
  const args = argv.slice(packaged ? 1 : 2);
  return isCliCommand(args[0]) ? args : undefined;
}
