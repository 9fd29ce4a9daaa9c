/**
 * The desktop app as a citizen of the system, without Electron (main/hosts/desktop/): what counts as
 * waiting, the quit question and its answers, the tray's life, start at login, the default mail app
 * asked once, mailto: links from every entrance, the power blocker. test/electron/ drives the same
 * through the shell.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { OutboxChange } from '../../../preload/common/contract/index.ts';
import type { Core } from '../../../main/core/index.ts';
import { Background, type BackgroundPorts } from '../../../main/hosts/desktop/background.ts';
import { autostartEntry, launchCommand, startedAtLogin, xdgAutostart } from '../../../main/hosts/desktop/login-item.ts';
import { MailtoArrivals } from '../../../main/hosts/desktop/mailto.ts';
import { holdWhileSending } from '../../../main/hosts/desktop/power.ts';
import { quitGate } from '../../../main/hosts/desktop/quit.ts';
import { askToBeDefaultOnce, DEFAULT_MAIL_APP_QUESTION, desktopApi, type MailApp } from '../../../main/hosts/desktop/system.ts';
import { outboxNow, quitQuestion, stillRunningNotice, watchOutbox, type OutboxNow } from '../../../main/hosts/desktop/waiting.ts';
import { TestClock } from '../../helpers/clock.ts';
import { tempHome, testCore, value } from '../../helpers/core.ts';

const NOW = Date.UTC(2026, 2, 10, 9, 0, 0);
const when = { now: NOW, formatTime: (ms: number) => `[${new Date(ms).toISOString()}]`, startAtLogin: false };
const waiting = (count: number, firstDue: number | undefined = NOW, paused = false): OutboxNow => ({ count, firstDue, paused });

describe('what waits', () => {
  it('counts queued, scheduled, retrying and sending messages, not failed, sent or cancelled ones; the first due time; the pause', async () => {
    const clock = new TestClock();
    const { core, api } = testCore(undefined, { clock });
    expect(outboxNow(core)).toEqual({ count: 0, firstDue: undefined, paused: false });
    const account = await value(
      api.accounts.save({ name: 'Work', email: 'me@outbound.test', displayName: '', host: '127.0.0.1', port: 1, security: 'none', username: '' }),
    );
    const send = (subject: string, extra = {}) => value(api.outbox.send({ accountId: account.id, to: ['ann@example.org'], subject, text: 'x', ...extra }));
    const inAnHour = new Date(clock.now() + 3_600_000).toISOString();
    const now = await send('now');
    await send('later', { sendAt: inAnHour });
    const cancelled = await send('cancelled');
    await value(api.outbox.cancel(cancelled.id));
    const undo = (await value(api.settings.get())).undoSeconds * 1000;
    expect(outboxNow(core)).toEqual({ count: 2, firstDue: Date.parse(now.createdAt) + undo, paused: false });
    await value(api.settings.save({ sendingPaused: true }));
    expect(outboxNow(core).paused).toBe(true);
  });
});

describe('watching what waits', () => {
  it('tells at once, then the changes of one turn of the event loop once, and nothing after stopping', async () => {
    const { core, api } = testCore(undefined);
    const told: OutboxNow[] = [];
    const stop = watchOutbox(core, (now) => told.push(now));
    expect(told).toHaveLength(1);
    for (const sendingPaused of [true, false, true]) await value(api.settings.save({ sendingPaused }));
    await new Promise(setImmediate);
    expect(told.map((now) => now.paused)).toEqual([false, true]);
    stop();
    await value(api.settings.save({ sendingPaused: false }));
    await new Promise(setImmediate);
    expect(told).toHaveLength(2);
  });
});

describe('the quit question', () => {
  it('is not asked when nothing waits', () => {
    expect(quitQuestion(waiting(0, undefined), when)).toBeNull();
  });

  it('says how many wait, when the first would go, and until when they wait otherwise; Escape keeps sending', () => {
    expect(quitQuestion(waiting(1), when)).toEqual({
      title: 'Quit Outbound?',
      message: '1 message is waiting to be sent.',
      detail: 'It would go now. If you quit, it waits until you open Outbound again. Outbound can keep sending in the background, with no window.',
      buttons: ['Keep Sending in the Background', 'Quit Anyway'],
      cancelId: 0,
    });
    const later = NOW + 90 * 60_000;
    expect(quitQuestion(waiting(3, later), { ...when, startAtLogin: true })).toMatchObject({
      message: '3 messages are waiting to be sent.',
      detail:
        'The first would go at [2026-03-10T10:30:00.000Z]. If you quit, they wait until Outbound starts again (at your next login, or when you open it). Outbound can keep sending in the background, with no window.',
    });
    expect(quitQuestion(waiting(2, NOW, true), when)?.detail).toMatch(/^Sending is paused\. If you quit, they wait/);
  });
});

describe('quitting while mail waits', () => {
  function gate(answer: number, question = quitQuestion(waiting(2), when)) {
    const ask = vi.fn(async () => answer);
    const keepSending = vi.fn();
    const quit = vi.fn();
    return { ...quitGate({ question: () => question, ask, keepSending, quit }), ask, keepSending, quit };
  }

  it('quits at once when nothing waits', () => {
    const { mayQuit, ask } = gate(1, null);
    expect(mayQuit()).toBe(true);
    expect(ask).not.toHaveBeenCalled();
  });

  it('"Quit Anyway" quits, and the quit then goes through', async () => {
    const { mayQuit, ask, quit, keepSending } = gate(1);
    expect(mayQuit()).toBe(false);
    expect(mayQuit()).toBe(false); // asked again while the question is up: still one question
    await vi.waitFor(() => expect(quit).toHaveBeenCalledTimes(1));
    expect(ask).toHaveBeenCalledTimes(1);
    expect(mayQuit()).toBe(true);
    expect(keepSending).not.toHaveBeenCalled();
  });

  it('"Keep Sending in the Background" keeps running, and the next quit asks again', async () => {
    const { mayQuit, ask, quit, keepSending } = gate(0);
    expect(mayQuit()).toBe(false);
    await vi.waitFor(() => expect(keepSending).toHaveBeenCalledTimes(1));
    expect(quit).not.toHaveBeenCalled();
    expect(mayQuit()).toBe(false);
    expect(ask).toHaveBeenCalledTimes(2);
  });

  it('a shutdown of the system is never held up by the question', () => {
    const { mayQuit, allow, ask } = gate(0);
    allow();
    expect(mayQuit()).toBe(true);
    expect(ask).not.toHaveBeenCalled();
  });
});

describe('running with no window', () => {
  function background(macOS = false) {
    const ports = { macOS, setTray: vi.fn(), notify: vi.fn(), quit: vi.fn() } satisfies BackgroundPorts;
    return { background: new Background(ports), ...ports };
  }

  it('the last window closed with nothing waiting: quits', () => {
    const { background: b, quit, setTray } = background();
    b.windowShown();
    b.windowsGone(waiting(0, undefined));
    expect(quit).toHaveBeenCalledTimes(1);
    expect(setTray).not.toHaveBeenCalled();
  });

  it('with mail waiting: the tray, a notice once, and it quits when the last message is done', () => {
    const { background: b, quit, setTray, notify } = background();
    b.windowShown();
    b.outboxChanged(waiting(0, undefined)); // a window is open: nothing to do
    b.windowsGone(waiting(2));
    expect(setTray.mock.calls).toEqual([[true]]);
    expect(notify.mock.calls).toEqual([[stillRunningNotice(waiting(2))]]);
    expect(notify.mock.calls[0]![0]).toEqual({
      title: 'Outbound is still sending',
      body: '2 messages wait in the Outbox, so Outbound keeps running with no window until they are sent. Its icon in the tray opens it again or quits.',
    });
    b.outboxChanged(waiting(1));
    expect(quit).not.toHaveBeenCalled();
    b.windowShown(); // opened from the tray, closed again: no second notice
    b.windowsGone(waiting(1));
    expect(setTray.mock.calls).toEqual([[true], [false], [true]]);
    expect(notify).toHaveBeenCalledTimes(1);
    b.outboxChanged(waiting(0, undefined));
    expect(quit).toHaveBeenCalledTimes(1);
  });

  it('a start at login stays in the tray quietly while mail waits, and quits at once when none does', () => {
    const waits = background();
    waits.background.windowsGone(waiting(1), { quietly: true });
    expect([waits.setTray.mock.calls, waits.notify.mock.calls.length, waits.quit.mock.calls.length]).toEqual([[[true]], 0, 0]);
    const none = background();
    none.background.windowsGone(waiting(0, undefined), { quietly: true });
    expect(none.quit).toHaveBeenCalledTimes(1);
  });

  it('on macOS the app stays in the Dock, as Mac apps do: no tray, no quitting', () => {
    const { background: b, quit, setTray, notify } = background(true);
    b.windowsGone(waiting(0, undefined));
    b.windowsGone(waiting(3));
    b.outboxChanged(waiting(0, undefined));
    expect([quit.mock.calls, setTray.mock.calls, notify.mock.calls]).toEqual([[], [], []]);
  });
});

describe('start at login', () => {
  it('Linux: an XDG autostart entry that starts Outbound hidden, quoted as the spec says; removed when turned off', () => {
    const file = path.join(tempHome(), 'config', 'autostart', 'outbound.desktop');
    const command = launchCommand({
      packaged: true,
      execPath: '/opt/Outbound/outbound',
      appImage: '/home/ann/Apps/Out "bound" $1 100%.AppImage',
      appPath: '/x',
    });
    const item = xdgAutostart(command, file);
    expect(item.get()).toBe(false);
    item.set(true);
    expect(item.get()).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(autostartEntry(command));
    expect(readFileSync(file, 'utf8')).toContain('\nExec="/home/ann/Apps/Out \\"bound\\" \\$1 100%%.AppImage" "--hidden"\n');
    writeFileSync(file, `${readFileSync(file, 'utf8')}Hidden=true\n`); // turned off in the desktop's own settings
    expect(item.get()).toBe(false);
    item.set(false);
    expect(existsSync(file)).toBe(false);
    item.set(false); // already off
  });

  it('the command is the AppImage, else the installed binary, else Electron with the checkout', () => {
    expect(launchCommand({ packaged: true, execPath: '/opt/Outbound/outbound', appPath: '/x' })).toEqual(['/opt/Outbound/outbound']);
    expect(launchCommand({ packaged: false, execPath: '/n/electron', appPath: '/src/outbound' })).toEqual(['/n/electron', '/src/outbound']);
  });

  it('a login start is known by its flag, or on macOS by Electron', () => {
    expect([startedAtLogin(['outbound']), startedAtLogin(['outbound', '--hidden']), startedAtLogin(['outbound'], true)]).toEqual([false, true, true]);
  });
});

describe('the desktop methods and the default mail app', () => {
  function system({ isDefault = false, allowed = true } = {}) {
    const { core } = testCore(undefined);
    let on = false;
    let isDefaultNow = isDefault;
    const loginItem = { get: () => on, set: vi.fn((value: boolean) => void (on = value)) };
    const mailApp: MailApp = { isDefault: () => isDefaultNow, makeDefault: vi.fn(() => (isDefaultNow = allowed)) };
    return { core, loginItem, mailApp, api: desktopApi(core.settings, { loginItem, mailApp }) };
  }

  it('reads and sets start at login and the default mail app; offers start at login once, and not when it is on', async () => {
    const { api, loginItem } = system();
    expect(await api.get()).toEqual({ startAtLogin: false, defaultMailApp: false });
    expect([await api.offerStartAtLogin(), await api.offerStartAtLogin()]).toEqual([true, false]);
    expect(await api.setStartAtLogin(true)).toEqual({ startAtLogin: true, defaultMailApp: false });
    expect(loginItem.set).toHaveBeenCalledWith(true);
    expect(await api.makeDefaultMailApp()).toEqual({ startAtLogin: true, defaultMailApp: true });
    const on = system();
    await on.api.setStartAtLogin(true);
    expect(await on.api.offerStartAtLogin()).toBe(false);
  });

  it('says so when the system refuses to make Outbound the default', async () => {
    const { api } = system({ allowed: false });
    expect(() => api.makeDefaultMailApp()).toThrow(/did not let Outbound become the default mail app\. Choose it in your system’s default apps settings/);
  });

  it('asks once on the first start, and takes the answer; never when Outbound is the default already', async () => {
    const yes = system();
    const ask = vi.fn(async () => true);
    await askToBeDefaultOnce(yes.core.settings, yes.mailApp, ask);
    await askToBeDefaultOnce(yes.core.settings, yes.mailApp, ask);
    expect(ask.mock.calls).toEqual([[DEFAULT_MAIL_APP_QUESTION]]);
    expect(yes.mailApp.makeDefault).toHaveBeenCalledTimes(1);

    const no = system();
    await askToBeDefaultOnce(no.core.settings, no.mailApp, async () => false);
    expect(no.mailApp.makeDefault).not.toHaveBeenCalled();
    const askedAgain = vi.fn(async () => true);
    await askToBeDefaultOnce(no.core.settings, no.mailApp, askedAgain); // "Not Now" is an answer too
    expect(askedAgain).not.toHaveBeenCalled();

    const already = system({ isDefault: true });
    const never = vi.fn(async () => true);
    await askToBeDefaultOnce(already.core.settings, already.mailApp, never);
    expect(never).not.toHaveBeenCalled();
  });
});

describe('mailto: links from every entrance', () => {
  it('keeps what comes before the app can open links, in order, a link given twice while starting once; then opens each as it comes', () => {
    const arrivals = new MailtoArrivals();
    arrivals.arrive('mailto:first@example.org');
    arrivals.arrive(undefined); // a launch with no link
    arrivals.arrive('https://example.org/'); // not a mailto: link
    arrivals.arrive('mailto:second@example.org');
    arrivals.arrive('mailto:first@example.org'); // the same launch, by 'open-url' too
    const opened: string[] = [];
    arrivals.openWith((url) => opened.push(url));
    expect(opened).toEqual(['mailto:first@example.org', 'mailto:second@example.org']);
    arrivals.arrive('mailto:first@example.org'); // clicked again later: a new composer
    expect(opened).toEqual(['mailto:first@example.org', 'mailto:second@example.org', 'mailto:first@example.org']);
  });
});

describe('the power blocker', () => {
  it('is held while any message is being sent, once, and released when none is', () => {
    let listener: ((change: OutboxChange) => void) | undefined;
    const events = { on: (_event: 'outboxChanged', heard: typeof listener) => ((listener = heard), () => (listener = undefined)) };
    const held = new Set<number>();
    let next = 0;
    const blocker = { start: vi.fn(() => (held.add(++next), next)), stop: vi.fn((id: number) => void held.delete(id)) };
    const stop = holdWhileSending(events as unknown as Core['events'], blocker);
    const change = (id: number, state: OutboxChange['state']) => listener!({ id, state });
    change(1, 'queued');
    expect(blocker.start).not.toHaveBeenCalled();
    change(1, 'sending');
    change(2, 'sending');
    expect([...held]).toEqual([1]);
    change(1, 'sent');
    expect([...held]).toEqual([1]);
    change(2, 'queued'); // deferred: back to the queue
    expect([...held]).toEqual([]);
    change(3, 'sending');
    stop();
    expect(held.size).toBe(0);
    expect(blocker.start).toHaveBeenCalledTimes(2);
  });
});
