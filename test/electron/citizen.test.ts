/**
 * The shell as a citizen of the desktop, against the stand-in electron: it keeps sending with no
 * window while mail waits (the tray), asks before quitting then, starts at login when asked, takes
 * mailto: links from every entrance, asks once to be the default mail app, shows the count on the
 * badge, and holds off sleep while sending. The decisions themselves: test/hosts/desktop/background.test.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { eventChannelOf, type MessageView } from '../../preload/common/contract/index.ts';
import { DEFAULT_MAIL_APP_QUESTION } from '../../main/hosts/desktop/system.ts';
import { plainAccountFor, tempHome, testCore, value } from '../helpers/core.ts';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.ts';
import type { StandInTray } from './stand-in-electron.ts';
import { mailtoOpened, menuCommands, outboxChange, root, startShell, valueOf, type Shell } from './start-shell.ts';

let server: TestSmtpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** The changes of one event-loop turn reach the tray and the badge together (hosts/desktop/waiting.ts). */
const nextTurn = () => new Promise(setImmediate);
const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

/** A message scheduled an hour ahead: it waits, and no server is needed. */
async function schedule(shell: Shell, subject = 'Later'): Promise<MessageView> {
  const account = await valueOf<{ id: number }>(shell.call('accounts.save', plainAccountFor({ host: '127.0.0.1', port: 1 })));
  return valueOf<MessageView>(shell.call('outbox.send', { accountId: account.id, to: ['ann@example.org'], subject, text: 'x', sendAt: inAnHour() }));
}

/** The tray menu's labels, `-` for a separator. */
const labels = (tray: StandInTray) => (tray.menu as { label?: string }[]).map((item) => item.label ?? '-');
const click = (tray: StandInTray, label: string) => (tray.menu as { label?: string; click: () => void }[]).find((item) => item.label === label)!.click();

describe('closing the last window', () => {
  it('with nothing waiting, quits (Linux and Windows)', async () => {
    const { electron } = await startShell();
    electron.windows[0]!.destroy();
    expect(await electron.app.exited).toBe(0);
    expect(electron.trays).toEqual([]);
  });

  it('with a message waiting, keeps running in the tray, says why once, and the tray menu works', async () => {
    const shell = await startShell();
    const { electron } = shell;
    await schedule(shell);
    electron.windows[0]!.destroy();
    expect(electron.app.exitCode).toBeUndefined();
    const [tray] = electron.trays;
    expect(labels(tray!)).toEqual(['New Message', 'Outbox — 1 waiting', '-', 'Pause Sending', '-', 'Quit Outbound']);
    expect(tray!.toolTip).toBe('Outbound — 1 waiting');
    expect(electron.notifications.map((n) => n.options.title)).toEqual(['Outbound is still sending']);

    click(tray!, 'Pause Sending');
    await nextTurn(); // the tray follows the changes of a turn at once
    expect(labels(electron.trays[0]!)).toContain('Resume Sending');
    click(tray!, 'New Message'); // opens a window, whose page gets the command once it has loaded
    expect(electron.windows).toHaveLength(2);
    expect(tray!.isDestroyed()).toBe(true);
    shell.page().finishLoad();
    expect(menuCommands(shell.page())).toEqual(['newMessage']);
  });

  it('once the last waiting message is sent with no window open, Outbound quits', async () => {
    server = await startSmtpServer({ slowMs: 300 });
    const shell = await startShell();
    const account = await valueOf<{ id: number }>(shell.call('accounts.save', plainAccountFor(server)));
    await valueOf(shell.call('settings.save', { undoSeconds: 0 }));
    const message = await valueOf<MessageView>(shell.call('outbox.send', { accountId: account.id, to: ['ann@example.org'], subject: 'Going', text: 'x' }));
    await shell.page().nextSent(eventChannelOf('outboxChanged'), outboxChange(message.id, 'sending'));
    shell.electron.windows[0]!.destroy();
    expect(shell.electron.app.exitCode).toBeUndefined();
    expect(await shell.electron.app.exited).toBe(0);
    expect(server.messages).toHaveLength(1);
  });
});

describe('quitting while mail waits', () => {
  it('asks, saying how many and when; "Keep Sending in the Background" closes the window and stays in the tray', async () => {
    const shell = await startShell();
    const { electron } = shell;
    await schedule(shell);
    electron.dialog.showMessageBox.mockResolvedValueOnce({ response: 0, checkboxChecked: false });
    electron.app.quit();
    await new Promise(setImmediate);
    const [window, question] = electron.dialog.showMessageBox.mock.calls.at(-1)!;
    expect(window).toBe(electron.windows[0]);
    expect(question).toMatchObject({
      type: 'question',
      title: 'Quit Outbound?',
      message: '1 message is waiting to be sent.',
      buttons: ['Keep Sending in the Background', 'Quit Anyway'],
      defaultId: 0,
      cancelId: 0,
    });
    expect((question as { detail: string }).detail).toMatch(/^It would go at .+\. If you quit, it waits until you open Outbound again\./);
    expect(electron.app.exitCode).toBeUndefined();
    expect(electron.windows[0]!.isDestroyed()).toBe(true);
    expect(electron.trays).toHaveLength(1);
  });

  it('"Quit Anyway" quits, and the message stays queued for the next start', async () => {
    const shell = await startShell();
    const message = await schedule(shell);
    shell.electron.app.quit(); // the stand-in's dialog answers Quit Anyway
    expect(await shell.electron.app.exited).toBe(0);
    expect(shell.electron.dialog.showMessageBox.mock.calls.at(-1)![1]).toMatchObject({ title: 'Quit Outbound?' });
    const again = await startShell({ home: shell.home });
    expect(await valueOf<MessageView>(again.call('outbox.get', message.id))).toMatchObject({ state: 'queued', hold: 'scheduled' });
  });

  it('a shutdown of the system quits without asking', async () => {
    const shell = await startShell();
    await schedule(shell);
    const asked = shell.electron.dialog.showMessageBox.mock.calls.length;
    shell.electron.powerMonitor.emit('shutdown');
    shell.electron.app.quit();
    expect(await shell.electron.app.exited).toBe(0);
    expect(shell.electron.dialog.showMessageBox.mock.calls).toHaveLength(asked);
  });
});

describe('start at login', () => {
  it('Linux: written as an XDG autostart entry that starts hidden, and removed', async () => {
    const shell = await startShell();
    const entry = path.join(shell.scratch, 'config', 'autostart', 'outbound.desktop');
    expect(await valueOf(shell.call('desktop.get'))).toEqual({ startAtLogin: false, defaultMailApp: false });
    expect(await valueOf(shell.call('desktop.setStartAtLogin', true))).toEqual({ startAtLogin: true, defaultMailApp: false });
    expect(readFileSync(entry, 'utf8')).toContain(`\nExec="${process.execPath}" "/stand-in/app" "--hidden"\n`);
    await valueOf(shell.call('desktop.setStartAtLogin', false));
    expect(existsSync(entry)).toBe(false);
  });

  it("macOS and Windows: Electron's login item, with the flag that starts hidden", async () => {
    const shell = await startShell({ platform: 'darwin' });
    await valueOf(shell.call('desktop.setStartAtLogin', true));
    expect(shell.electron.app.loginItem).toEqual({ openAtLogin: true, args: ['--hidden'] });
    expect(await valueOf(shell.call('desktop.get'))).toMatchObject({ startAtLogin: true });
  });

  it('offered once, after the first scheduled message', async () => {
    const shell = await startShell();
    expect([await valueOf(shell.call('desktop.offerStartAtLogin')), await valueOf(shell.call('desktop.offerStartAtLogin'))]).toEqual([true, false]);
  });

  it('a login start opens no window: in the tray while mail waits, else it quits at once', async () => {
    const first = await startShell();
    await schedule(first);
    first.electron.app.quit();
    await first.electron.app.exited;
    const waits = await startShell({ home: first.home, argv: ['--hidden'] });
    expect([waits.electron.windows.length, waits.electron.trays.length, waits.electron.notifications.length]).toEqual([0, 1, 0]);
    expect(waits.electron.dialog.showMessageBox).not.toHaveBeenCalled(); // no default-app question either
    const none = await startShell({ argv: ['--hidden'] });
    expect(await none.electron.app.exited).toBe(0);
    expect(none.electron.windows).toEqual([]);
    expect(none.electron.ipcMain.handlers.size).toBe(0); // it quit the way every quit goes: unbound, the core closed
  });
});

describe('the default mail app', () => {
  it('is asked once, on the first start, never taken silently', async () => {
    const first = await startShell(); // the stand-in answers "Not Now"
    expect(first.electron.dialog.showMessageBox.mock.calls.map(([, question]) => question)).toEqual([
      expect.objectContaining({ ...DEFAULT_MAIL_APP_QUESTION, buttons: [...DEFAULT_MAIL_APP_QUESTION.buttons] }),
    ]);
    expect(first.electron.app.protocolClients).toEqual([]);
    first.electron.app.quit();
    await first.electron.app.exited;
    const second = await startShell({ home: first.home });
    expect(second.electron.dialog.showMessageBox).not.toHaveBeenCalled();
    expect(await valueOf(second.call('desktop.makeDefaultMailApp'))).toEqual({ startAtLogin: false, defaultMailApp: true });
    expect(second.electron.app.protocolClients).toEqual(['mailto']);
  });

  it('"Make Default" makes it so', async () => {
    const shell = await startShell({
      beforeReady: (electron) => electron.dialog.showMessageBox.mockResolvedValueOnce({ response: 0, checkboxChecked: false }),
    });
    await new Promise(setImmediate);
    expect(shell.electron.app.protocolClients).toEqual(['mailto']);
  });
});

describe('mailto: links at every entrance', () => {
  it('macOS: open-url before the app is ready, then at launch and from a second instance: one composer each, in order', async () => {
    const shell = await startShell({
      platform: 'darwin',
      argv: ['mailto:launch@example.org'],
      beforeReady(electron) {
        electron.app.finishLaunching();
        electron.app.emit('open-url', { preventDefault: () => undefined }, 'mailto:early@example.org');
        electron.app.emit('open-url', { preventDefault: () => undefined }, 'mailto:launch@example.org'); // the same link twice at launch
      },
    });
    shell.page().finishLoad();
    shell.electron.app.emit('second-instance', {}, ['outbound', 'mailto:second@example.org'], root);
    expect(mailtoOpened(shell.page()).map((view) => view.to)).toEqual([['launch@example.org'], ['early@example.org'], ['second@example.org']]);
  });
});

describe('the menu and the badge', () => {
  it('menu items reach the page as commands', async () => {
    const { electron, page } = await startShell();
    page().finishLoad();
    const file = (electron.Menu.applicationMenu as { label?: string; submenu?: { label?: string; click?: () => void }[] }[]).find((m) => m.label === 'File')!;
    for (const label of ['New Message', 'Send', 'Settings']) file.submenu!.find((item) => item.label === label)!.click!();
    expect(menuCommands(page())).toEqual(['newMessage', 'send', 'settings']);
  });

  it('the badge shows how many messages wait', async () => {
    const shell = await startShell();
    expect(shell.electron.app.badgeCount).toBe(0);
    const message = await schedule(shell);
    await nextTurn();
    expect(shell.electron.app.badgeCount).toBe(1);
    await valueOf(shell.call('outbox.cancel', message.id));
    await nextTurn();
    expect(shell.electron.app.badgeCount).toBe(0);
  });
});

describe('sleep while sending', () => {
  it('the power blocker is held while a message is being sent, and only then', async () => {
    server = await startSmtpServer({ slowMs: 300 });
    const shell = await startShell();
    const { powerSaveBlocker } = shell.electron;
    const account = await valueOf<{ id: number }>(shell.call('accounts.save', plainAccountFor(server)));
    await valueOf(shell.call('settings.save', { undoSeconds: 0 }));
    expect(powerSaveBlocker.held.size).toBe(0);
    const message = await valueOf<MessageView>(shell.call('outbox.send', { accountId: account.id, to: ['ann@example.org'], subject: 'Big', text: 'x' }));
    await shell.page().nextSent(eventChannelOf('outboxChanged'), outboxChange(message.id, 'sending'));
    expect([...powerSaveBlocker.held.values()]).toEqual(['prevent-app-suspension']);
    await shell.page().nextSent(eventChannelOf('outboxChanged'), outboxChange(message.id, 'sent'));
    expect(powerSaveBlocker.held.size).toBe(0);
  });
});

describe('the installed app as the outbound command', () => {
  it('a command line naming a CLI command runs the CLI in the main process: no window, no lock, its output and exit code', async () => {
    const home = tempHome();
    const { api } = testCore(undefined, { home });
    await value(api.accounts.save(plainAccountFor({ host: '127.0.0.1', port: 1 }, { name: 'Work' })));
    const printed = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const shell = await startShell({ home, argv: ['account', 'list', '--json'], untilExit: true });
    const output = printed.mock.calls.map(([chunk]) => String(chunk)).join('');
    printed.mockRestore();
    expect(shell.electron.app.exitCode).toBe(0);
    expect(JSON.parse(output)).toMatchObject([{ name: 'Work', email: 'me@outbound.test' }]);
    expect([shell.electron.windows.length, shell.electron.calls.includes('app.whenReady'), shell.electron.protocol.privileged.length]).toEqual([0, false, 0]);
  });

  it('a usage error exits 64; anything else (a mailto: link, --hidden) starts the app', async () => {
    const printed = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const shell = await startShell({ argv: ['send', '--no-such-flag'], untilExit: true });
    printed.mockRestore();
    expect(shell.electron.app.exitCode).toBe(64);
    const app = await startShell({ argv: ['mailto:ann@example.org'] });
    expect(app.electron.windows).toHaveLength(1);
  });
});
