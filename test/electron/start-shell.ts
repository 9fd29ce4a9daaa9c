/**
 * Starts the Electron shell (main/electron/index.ts) under Node against a fresh stand-in electron
 * (stand-in-electron.ts), on its own OUTBOUND_HOME and XDG config folder, and quits it when the test ends.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { onTestFinished, vi } from 'vitest';
import { eventChannelOf, type MailtoView, type OutboxChange, type Result } from '../../preload/common/contract/index.ts';
import { createStandInElectron, type StandInElectron, type StandInWebContents } from './stand-in-electron.ts';

export const root = path.resolve(import.meta.dirname, '..', '..');
export const APP_PAGE = 'app://outbound/index.html';

/** A call as Electron delivers it from the top frame of `page`, showing what it shows now. */
export const fromTopFrame = (page: StandInWebContents) => ({ sender: page, senderFrame: { ...page.mainFrame } });

export interface StartOptions {
  /** The command line after the executable (a mailto: URL at launch, --hidden at login). */
  argv?: string[];
  /** Another Outbound already holds the single-instance lock. */
  secondInstance?: boolean;
  /** OUTBOUND_HOME; default a fresh directory; null: not set, so the core lives in userData. */
  home?: string | null;
  /** process.platform as the shell sees it; default this machine's (linux). */
  platform?: NodeJS.Platform;
  /** What the system does before the app is ready (macOS's 'open-url' at launch). */
  beforeReady?: (electron: StandInElectron) => void;
  /** Keep the environment (OUTBOUND_HOME…) until the app exits: it runs a command line to its end. */
  untilExit?: boolean;
}

export type Shell = Awaited<ReturnType<typeof startShell>>;

export async function startShell({ argv = [], secondInstance = false, home: givenHome, platform, beforeReady, untilExit = false }: StartOptions = {}) {
  const scratch = mkdtempSync(path.join(tmpdir(), 'outbound-shell-'));
  const home = givenHome === undefined ? path.join(scratch, 'home') : givenHome;
  const electron = createStandInElectron(path.join(scratch, 'userData'));
  electron.app.singleInstance = !secondInstance;
  const saved = { argv: process.argv, home: process.env.OUTBOUND_HOME, xdg: process.env.XDG_CONFIG_HOME, platform: process.platform };
  process.argv = [process.argv[0]!, root, ...argv];
  if (home === null) delete process.env.OUTBOUND_HOME;
  else process.env.OUTBOUND_HOME = home;
  // Linux login items are an XDG autostart entry: never the real ~/.config of whoever runs the tests.
  process.env.XDG_CONFIG_HOME = path.join(scratch, 'config');
  if (platform) Object.defineProperty(process, 'platform', { value: platform });
  try {
    // A fresh shell on a fresh stand-in (vi.mock, not hoisted): the shell keeps its state in module scope.
    vi.resetModules();
    vi.doMock('electron', () => electron);
    await import('../../main/electron/index.ts');
    beforeReady?.(electron);
    electron.app.becomeReady();
    await new Promise(setImmediate); // start() runs to its end once the app is ready
    if (untilExit) await electron.app.exited;
  } finally {
    process.argv = saved.argv;
    if (saved.home === undefined) delete process.env.OUTBOUND_HOME;
    else process.env.OUTBOUND_HOME = saved.home;
    Object.defineProperty(process, 'platform', { value: saved.platform });
  }
  onTestFinished(async () => {
    if (electron.app.exitCode === undefined) electron.app.quit();
    await electron.app.exited;
    if (saved.xdg === undefined) delete process.env.XDG_CONFIG_HOME;
    else process.env.XDG_CONFIG_HOME = saved.xdg;
    rmSync(scratch, { recursive: true, force: true });
  });
  const page = (): StandInWebContents => electron.windows.at(-1)!.webContents;
  return {
    electron,
    scratch,
    home: home ?? path.join(scratch, 'userData'),
    page,
    /** The page calls the API. */
    call: (channel: string, ...args: unknown[]) => electron.ipcMain.invoke(channel, fromTopFrame(page()), ...args) as Promise<Result<unknown>>,
  };
}

export async function valueOf<T>(result: Promise<Result<unknown>>): Promise<T> {
  const answer = await result;
  if (!answer.ok) throw new Error(`expected ok, got ${answer.error.code}: ${answer.error.message}`);
  return answer.value as T;
}

export const mailtoOpened = (page: StandInWebContents) => page.sentOn(eventChannelOf('mailtoOpened')) as MailtoView[];
export const menuCommands = (page: StandInWebContents) => page.sentOn(eventChannelOf('menuCommand'));
export const outboxChange = (id: number, state: OutboxChange['state']) => (payload: unknown) =>
  (payload as OutboxChange).id === id && (payload as OutboxChange).state === state;
