/**
 * Starting at login: Electron's login items on macOS and Windows; on Linux an XDG autostart entry
 * (the Desktop Application Autostart Specification), which Electron does not write. Either way
 * Outbound then starts hidden, in the tray, and sends what waits. No Electron.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The argument a login start carries (Windows and Linux; macOS says so by `wasOpenedAtLogin`). */
export const HIDDEN_FLAG = '--hidden';

export interface LoginItem {
  get(): boolean;
  set(on: boolean): void;
}

/** Whether this start is a login start: then no window opens. */
export const startedAtLogin = (argv: readonly string[], macWasOpenedAtLogin = false): boolean => macWasOpenedAtLogin || argv.includes(HIDDEN_FLAG);

/** The command that starts this Outbound: the AppImage file itself, the installed binary, or Electron with the checkout when developing. */
export function launchCommand({
  packaged,
  execPath,
  appImage,
  appPath,
}: {
  packaged: boolean;
  execPath: string;
  appImage?: string | undefined;
  appPath: string;
}): string[] {
  if (!packaged) return [execPath, appPath];
  return [appImage ?? execPath];
}

/** `$XDG_CONFIG_HOME/autostart/outbound.desktop`, or under ~/.config. */
export const autostartFile = (env: NodeJS.ProcessEnv = process.env): string =>
  path.join(env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config'), 'autostart', 'outbound.desktop');

/** One argument of a desktop entry's Exec key: quoted, with the four characters the spec reserves inside quotes escaped, and % doubled. */
const execArgument = (arg: string): string => `"${arg.replace(/["`$\\]/g, '\\$&').replace(/%/g, '%%')}"`;

export function autostartEntry(command: readonly string[]): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Outbound',
    'Comment=Sends the mail waiting in Outbound’s outbox',
    `Exec=${[...command, HIDDEN_FLAG].map(execArgument).join(' ')}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** Linux: the autostart entry is the setting. One the user disabled in their desktop's settings (Hidden=true) counts as off. */
export function xdgAutostart(command: readonly string[], file = autostartFile()): LoginItem {
  return {
    get: () => existsSync(file) && !/^Hidden\s*=\s*true\s*$/m.test(readFileSync(file, 'utf8')),
    set(on) {
      if (!on) return rmSync(file, { force: true });
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, autostartEntry(command), { mode: 0o644 });
    },
  };
}
