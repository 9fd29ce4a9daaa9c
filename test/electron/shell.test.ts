/**
 * The Electron shell (main/electron/) run under Node against the stand-in electron
 * (test/electron/stand-in-electron.ts), as Electron Fiddle tests its main process: each test starts
 * the app afresh on its own OUTBOUND_HOME, plays the system and the page, and quits it.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { eventChannelOf, methodChannels, type MessageView } from '../../preload/common/contract/index.ts';
import { databaseFile } from '../../main/core/paths.ts';
import { plainAccountFor } from '../helpers/core.ts';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.ts';
import type { StandInWebContents } from './stand-in-electron.ts';
import { APP_PAGE, fromTopFrame, mailtoOpened, menuCommands, outboxChange, root, startShell, valueOf, type Shell } from './start-shell.ts';

const FORBIDDEN = { ok: false, error: { code: 'forbidden', message: 'This request did not come from the Outbound window; nothing was done.' } };

describe('starting', () => {
  it('registers app:// before the app is ready, as standard and secure only', async () => {
    const { electron } = await startShell();
    expect(electron.protocol.privileged).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
    expect(electron.calls.indexOf('protocol.registerSchemesAsPrivileged')).toBeLessThan(electron.calls.indexOf('app.whenReady'));
    expect([...electron.protocol.handlers.keys()]).toEqual(['app']);
  });

  it('opens one window with the secure webPreferences, loads app://outbound and shows it when ready', async () => {
    const { electron, page } = await startShell();
    expect(electron.windows).toHaveLength(1);
    const window = electron.windows[0]!;
    expect(window.options.webPreferences).toEqual({
      preload: path.join(root, 'preload', 'index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    });
    expect(page().loaded).toEqual([APP_PAGE]);
    expect(window.shown).toBe(false);
    window.emit('ready-to-show');
    expect(window.shown).toBe(true);
  });

  it('denies every permission request and check, on the default session, before the window exists', async () => {
    const { electron, page } = await startShell();
    const session = electron.session.defaultSession;
    const answers: boolean[] = [];
    for (const permission of ['media', 'notifications', 'clipboard-read', 'openExternal'] as const) {
      session.permissionRequestHandler!(page() as never, permission, (granted) => answers.push(granted), { requestingUrl: APP_PAGE, isMainFrame: true });
      answers.push(session.permissionCheckHandler!(page() as never, permission, 'app://outbound', { isMainFrame: true, requestingUrl: APP_PAGE }));
    }
    expect(answers).toEqual(Array(8).fill(false));
    const made = electron.calls.indexOf('new BrowserWindow');
    expect(electron.calls.indexOf('session.setPermissionRequestHandler')).toBeLessThan(made);
    expect(electron.calls.indexOf('session.setPermissionCheckHandler')).toBeLessThan(made);
  });

  it('keeps its data in OUTBOUND_HOME, else in userData', async () => {
    const given = await startShell();
    expect(existsSync(databaseFile(given.home))).toBe(true);
    given.electron.app.quit(); // one shell at a time
    await given.electron.app.exited;
    const fromElectron = await startShell({ home: null });
    expect(fromElectron.home).toMatch(/userData$/);
    expect(existsSync(databaseFile(fromElectron.home))).toBe(true);
  });

  it('builds the application menu from the template, with the developer items while not packaged', async () => {
    const { electron } = await startShell();
    const view = electron.Menu.applicationMenu!.find((item) => 'label' in item && item.label === 'View') as { submenu: { role?: string }[] };
    expect(view.submenu.map((item) => item.role)).toContain('toggleDevTools');
  });

  it('a second instance quits at once and opens nothing', async () => {
    const { electron } = await startShell({ secondInstance: true });
    expect(await electron.app.exited).toBe(0);
    expect(electron.windows).toEqual([]);
    expect(electron.ipcMain.handlers.size).toBe(0);
  });

  it('says why it cannot start, in a dialog, and exits 1', async () => {
    const scratch = mkdtempSync(path.join(tmpdir(), 'outbound-shell-file-'));
    onTestFinished(() => rmSync(scratch, { recursive: true, force: true }));
    const notADirectory = path.join(scratch, 'home');
    writeFileSync(notADirectory, 'a file where the data directory should be');
    const { electron } = await startShell({ home: notADirectory });
    expect(await electron.app.exited).toBe(1);
    expect(electron.dialog.showErrorBox).toHaveBeenCalledWith('Outbound could not start', expect.stringContaining(notADirectory));
  });
});

describe('IPC', () => {
  it('registers every contract channel with ipcMain.handle, and nothing else', async () => {
    const { electron } = await startShell();
    expect([...electron.ipcMain.handlers.keys()].sort()).toEqual([...methodChannels].sort());
    expect(electron.ipcMain.eventNames()).toEqual([]);
  });

  it('answers our page through the contract', async () => {
    const { call } = await startShell();
    expect(await call('settings.get')).toEqual({ ok: true, value: { undoSeconds: 5, sendingPaused: false } });
  });

  it.each([
    ['another origin', (page: StandInWebContents) => ({ sender: page, senderFrame: { ...page.mainFrame, url: 'https://evil.example/' } })],
    ['a look-alike origin', (page: StandInWebContents) => ({ sender: page, senderFrame: { ...page.mainFrame, url: 'app://outbound.evil/index.html' } })],
    ['a file: page', (page: StandInWebContents) => ({ sender: page, senderFrame: { ...page.mainFrame, url: 'file:///index.html' } })],
    ['a subframe', (page: StandInWebContents) => ({ sender: page, senderFrame: { ...page.mainFrame, routingId: 2 } })],
    ['another renderer process', (page: StandInWebContents) => ({ sender: page, senderFrame: { ...page.mainFrame, processId: 99 } })],
    ['another webContents', (page: StandInWebContents) => ({ sender: { mainFrame: page.mainFrame }, senderFrame: { ...page.mainFrame } })],
    ['a frame that is gone', (page: StandInWebContents) => ({ sender: page, senderFrame: null })],
  ])('refuses a call from %s with forbidden, and does nothing', async (_case, from) => {
    const { electron, call, page } = await startShell();
    expect(await electron.ipcMain.invoke('settings.save', from(page()), { undoSeconds: 9 })).toEqual(FORBIDDEN);
    expect(await call('settings.get')).toEqual({ ok: true, value: { undoSeconds: 5, sendingPaused: false } });
  });

  it('refuses the page of a window that was closed', async () => {
    const { electron, page } = await startShell({ platform: 'darwin' }); // the app runs on with no window
    const closed = page();
    electron.windows[0]!.destroy();
    expect(await electron.ipcMain.invoke('settings.get', fromTopFrame(closed))).toEqual(FORBIDDEN);
  });
});

describe('mailto: links', () => {
  it('a link at launch opens the composer once the page has loaded', async () => {
    const { page } = await startShell({ argv: ['--some-flag', 'mailto:ann@example.org?subject=Hello%20there&body=Hi'] });
    expect(mailtoOpened(page())).toEqual([]);
    page().finishLoad();
    expect(mailtoOpened(page())).toEqual([{ to: ['ann@example.org'], cc: [], bcc: [], subject: 'Hello there', text: 'Hi' }]);
  });

  it('a second launch with a link brings the window up and opens the composer at once; without one it only brings the window up', async () => {
    const { electron, page } = await startShell();
    page().finishLoad();
    const window = electron.windows[0]!;
    window.minimize();
    electron.app.emit('second-instance', {}, ['outbound', 'MAILTO:bob@example.org?cc=carol@example.org'], root);
    expect(mailtoOpened(page())).toEqual([{ to: ['bob@example.org'], cc: ['carol@example.org'], bcc: [], subject: '', text: '' }]);
    expect([window.isMinimized(), window.isFocused()]).toEqual([false, true]);
    window.minimize();
    electron.app.emit('second-instance', {}, ['outbound'], root);
    expect([window.isMinimized(), window.isFocused()]).toEqual([false, true]);
    expect(mailtoOpened(page())).toHaveLength(1);
    expect(electron.windows).toHaveLength(1);
  });

  it('open-url (macOS) takes mailto: links only, and keeps the system from handling them', async () => {
    const { electron, page } = await startShell();
    page().finishLoad();
    const urls = ['https://example.org/', 'mailto:dan@example.org'];
    const prevented = urls.map((url) => {
      const event = { defaultPrevented: false, preventDefault: () => (event.defaultPrevented = true) };
      electron.app.emit('open-url', event, url);
      return event.defaultPrevented;
    });
    expect(prevented).toEqual([true, true]);
    expect(mailtoOpened(page()).map((view) => view.to)).toEqual([['dan@example.org']]);
  });

  it('links that come before the page is ready are kept and opened in order; an unreadable one is skipped', async () => {
    const { electron, page } = await startShell({ platform: 'darwin' });
    page().finishLoad();
    electron.windows[0]!.destroy(); // the user closed the window; the app runs on (macOS)
    electron.app.emit('second-instance', {}, ['outbound', 'mailto:first@example.org'], root);
    electron.app.emit('open-url', { preventDefault: () => undefined }, 'mailto:%E0%A4%A');
    electron.app.emit('open-url', { preventDefault: () => undefined }, 'mailto:second@example.org');
    expect(electron.windows).toHaveLength(2);
    expect(mailtoOpened(page())).toEqual([]);
    page().finishLoad();
    expect(mailtoOpened(page()).map((view) => view.to)).toEqual([['first@example.org'], ['second@example.org']]);
  });
});

describe('navigation and new windows', () => {
  it.each(['will-navigate', 'will-redirect'] as const)('%s is stopped for anything but app://outbound', async (event) => {
    const { page } = await startShell();
    const urls = ['https://evil.example/', 'app://outbound.evil/', 'file:///etc/passwd', 'app://outbound/index.html#outbox'];
    expect(urls.map((url) => page().navigate(event, url))).toEqual([true, true, true, false]);
  });

  it('lets the page download only the files it made itself (its blob: URLs); any other download is cancelled', async () => {
    const { electron } = await startShell();
    const session = electron.session.defaultSession;
    const urls = [
      'blob:app://outbound/2f0c9a4e-1d1b-4f5e-9a57-0c6a4b1e2d3f',
      'blob:app://outbound.evil/x',
      'https://evil.example/payload.exe',
      'app://outbound/index.html',
    ];
    expect(urls.map((url) => session.download(url))).toEqual([false, true, true, true]);
  });

  it('opens no window; web links go to the browser, nothing else does', async () => {
    const { electron, page } = await startShell();
    const urls = [
      'https://example.org/help',
      'http://example.org/',
      'file:///etc/passwd',
      'smb://host/share',
      'javascript:alert(1)',
      'mailto:a@example.org',
      'not a url',
    ];
    expect(urls.map((url) => page().openWindow(url))).toEqual(urls.map(() => ({ action: 'deny' })));
    expect(electron.shell.openExternal.mock.calls).toEqual([['https://example.org/help'], ['http://example.org/']]);
  });
});

describe('the network may be back', () => {
  afterEach(() => vi.useRealTimers());

  it('resume from sleep and the online flag turning true kick the sender', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { electron } = await startShell();
    const { OutboxSender } = await import('../../main/core/outbox/sender.ts'); // the shell's own copy
    const kick = vi.spyOn(OutboxSender.prototype, 'kick');
    electron.powerMonitor.emit('resume');
    expect(kick).toHaveBeenCalledTimes(1);
    electron.net.online = false;
    vi.advanceTimersByTime(5_000);
    expect(kick).toHaveBeenCalledTimes(1);
    electron.net.online = true;
    vi.advanceTimersByTime(5_000);
    expect(kick).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(15_000); // online all along: nothing new
    expect(kick).toHaveBeenCalledTimes(2);
  });
});

describe('sending', () => {
  let server: TestSmtpServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function sendOne(shell: Shell, subject: string): Promise<MessageView> {
    const account = await valueOf<{ id: number }>(shell.call('accounts.save', plainAccountFor(server!)));
    await valueOf(shell.call('settings.save', { undoSeconds: 0 }));
    return valueOf<MessageView>(shell.call('outbox.send', { accountId: account.id, to: ['ann@example.org'], subject, text: 'Hello.' }));
  }

  it('quitting closes the core first: the message in flight is finished, nothing is left sending, then it exits', async () => {
    server = await startSmtpServer({ slowMs: 200 });
    const shell = await startShell();
    const { electron, home, page } = shell;
    const statesAtExit = new Promise<unknown[]>((resolve) => {
      const exit = electron.app.exit.bind(electron.app);
      electron.app.exit = (code?: number) => {
        const db = new Database(databaseFile(home), { readonly: true });
        resolve(db.prepare('SELECT state FROM messages').pluck().all());
        db.close();
        exit(code);
      };
    });
    const message = await sendOne(shell, 'Before quitting');
    await page().nextSent(eventChannelOf('outboxChanged'), outboxChange(message.id, 'sending'));
    electron.app.quit();
    electron.app.quit(); // asked again while closing: still one close, one exit
    expect(await electron.app.exited).toBe(0);
    expect(await statesAtExit).toEqual(['sent']);
    expect(server.messages).toHaveLength(1);
    expect(electron.ipcMain.handlers.size).toBe(0);
  });

  it('a message that fails for good while the window is not in front shows a notification; clicking it opens the Outbox', async () => {
    server = await startSmtpServer({ rcpt: () => ({ code: 550, message: 'No such user here' }) });
    const shell = await startShell();
    const { electron, page } = shell;
    page().finishLoad();
    const message = await sendOne(shell, 'Doomed');
    await page().nextSent(eventChannelOf('outboxChanged'), outboxChange(message.id, 'failed'));
    expect(electron.notifications.map((n) => [n.options.title, n.shown])).toEqual([['A message could not be sent', true]]);
    expect(electron.notifications[0]!.options.body).toMatch(/^“Doomed”: .*No such user here/);
    electron.notifications[0]!.emit('click');
    expect(menuCommands(page())).toEqual(['outbox']);
    expect(electron.windows[0]!.isFocused()).toBe(true);

    const again = await valueOf<MessageView>(shell.call('outbox.send', { accountId: message.accountId, to: ['ann@example.org'], subject: 'Seen', text: 'x' }));
    await page().nextSent(eventChannelOf('outboxChanged'), outboxChange(again.id, 'failed'));
    expect(electron.notifications).toHaveLength(1); // the window is in front: its page says so
  });
});
