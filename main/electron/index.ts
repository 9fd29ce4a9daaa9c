/**
 * The Electron app: one instance, one core on Electron's userData directory, one locked-down window,
 * and with no window a tray while mail waits. main/electron/ only wires Electron to the decisions
 * made in main/hosts/desktop/ (Electron-free, tested there); test/electron/ drives this wiring
 * against a stand-in `electron`.
 */
import { app, BrowserWindow, dialog, Menu, net, powerMonitor, powerSaveBlocker, session } from 'electron';
import path from 'node:path';
import { eventChannelOf, type MenuCommand } from '../../preload/common/contract/index.ts';
import { createApi } from '../hosts/api.ts';
import { isCliCommand, runCli } from '../hosts/cli/main.ts';
import { processIo } from '../hosts/cli/process-io.ts';
import { cliArgumentsIn } from '../hosts/desktop/command-line.ts';
import { signInPageOf } from '../hosts/desktop/links.ts';
import { startedAtLogin } from '../hosts/desktop/login-item.ts';
import { MailtoArrivals, mailtoIn, openMailtoLink } from '../hosts/desktop/mailto.ts';
import { menuTemplate, type Command } from '../hosts/desktop/menu.ts';
import { whenBackOnline } from '../hosts/desktop/online.ts';
import { holdWhileSending } from '../hosts/desktop/power.ts';
import { quitAfterClosing } from '../hosts/desktop/quit.ts';
import { openCheckedCore } from '../hosts/desktop/open-core.ts';
import { askToBeDefaultOnce, desktopApi } from '../hosts/desktop/system.ts';
import { WindowKeeper } from '../hosts/desktop/window-keeper.ts';
import { createDispatch } from '../hosts/dispatch.ts';
import { keepSendingInBackground } from './background.ts';
import { bindIpc } from './ipc.ts';
import { registerAppScheme, serveRenderer } from './protocol.ts';
import { ask, systemPorts } from './system.ts';
import { createMainWindow, lockDownSession, openInBrowser } from './window.ts';

/** dist/, holding main/ (this file, built, is dist/main/electron/index.js), preload/ and renderer/. */
const distDir = path.resolve(import.meta.dirname, '..', '..');
const macOS = process.platform === 'darwin';

const commandLine = cliArgumentsIn(process.argv, app.isPackaged, isCliCommand);
if (commandLine) runCommandLine(commandLine);
else startApp();

/** `outbound account list` and the like through the installed app: the CLI, beside any running app, with no window. */
function runCommandLine(args: string[]): void {
  app.dock?.hide();
  runCli(args, processIo).then(app.exit.bind(app), (error: unknown) => {
    console.error('outbound:', error);
    app.exit(70); // EX_SOFTWARE
  });
}

function startApp(): void {
  registerAppScheme();
  // mailto: links from every entrance, kept until the app can open them: macOS sends 'open-url' before ready.
  const mailto = new MailtoArrivals();
  mailto.arrive(mailtoIn(process.argv));
  app.on('will-finish-launching', () =>
    app.on('open-url', (event, url) => {
      event.preventDefault();
      mailto.arrive(url);
    }),
  );
  if (!app.requestSingleInstanceLock()) {
    // Another Outbound is running: it gets focused through 'second-instance'.
    app.quit();
    return;
  }
  start(mailto).catch((error: unknown) => {
    console.error('outbound: failed to start:', error);
    dialog.showErrorBox('Outbound could not start', error instanceof Error ? error.message : String(error));
    app.exit(1);
  });
}

async function start(mailto: MailtoArrivals): Promise<void> {
  await app.whenReady();
  // OUTBOUND_HOME wins, as for the CLI (openCore reads it when no home is given).
  const core = await openCheckedCore(
    {
      ...(process.env.OUTBOUND_HOME ? {} : { home: app.getPath('userData') }),
      oauth: { openExternal: (url) => openInBrowser(signInPageOf(url)) },
      pickFiles: pickAttachments,
    },
    (question) => ask(question, undefined),
  );
  if (!core) return app.exit(0); // the database is damaged, and the person chose not to repair it now
  lockDownSession(session.defaultSession);
  serveRenderer(path.join(distDir, 'renderer'));
  const system = systemPorts();

  const windows = new WindowKeeper(() => createMainWindow(distDir));
  const unbindIpc = bindIpc({ dispatch: createDispatch(createApi(core, desktopApi(core.settings, system)), core.home), core, window: () => windows.current() });
  const toPage = (command: MenuCommand): void => windows.showThen((window) => window.webContents.send(eventChannelOf('menuCommand'), command));
  const run = (command: Command): void => {
    if (command === 'quit') app.quit();
    else if (command === 'togglePause') core.settings.save({ sendingPaused: !core.settings.get().sendingPaused });
    else toPage(command);
  };
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate({ macOS, developing: !app.isPackaged }, run)));
  const background = keepSendingInBackground({ core, windows, run, loginItem: system.loginItem });

  // The network may be back: on resume from sleep, and when Electron's online flag turns true.
  const kick = (): void => core.sender.kick();
  powerMonitor.on('resume', kick);
  const stopPolling = whenBackOnline(() => net.online, kick);
  const blocker = { start: () => powerSaveBlocker.start('prevent-app-suspension'), stop: (id: number) => powerSaveBlocker.stop(id) };
  const stopHolding = holdWhileSending(core.events, blocker);
  const stop = (): void => {
    unbindIpc();
    stopPolling();
    stopHolding();
    background.stop();
  };
  const quit = quitAfterClosing({ stop, core, exit: (code) => app.exit(code) });
  app.on('will-quit', (event) => {
    event.preventDefault();
    void quit();
  });

  const hidden = startedAtLogin(process.argv, macOS && app.getLoginItemSettings().wasOpenedAtLogin);
  if (hidden) background.startedHidden();
  else {
    windows.show();
    void askToBeDefaultOnce(core.settings, system.mailApp, async (question) => (await ask(question, windows.current())) === 0);
  }

  mailto.openWith((url) => windows.showThen(() => openMailtoLink(core.compose, url)));
  app.on('second-instance', (_event, argv) => {
    const url = mailtoIn(argv);
    if (url) mailto.arrive(url);
    else windows.show();
  });
  app.on('activate', () => windows.show()); // macOS: clicking the dock icon with no window open
}

/** Attachments come only from the system's file dialog (or a drop): the renderer never names a path itself. */
async function pickAttachments(): Promise<string[]> {
  const window = BrowserWindow.getFocusedWindow();
  const options = { title: 'Attach files', properties: ['openFile', 'multiSelections'] as ('openFile' | 'multiSelections')[] };
  const { canceled, filePaths } = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
  return canceled ? [] : filePaths;
}
