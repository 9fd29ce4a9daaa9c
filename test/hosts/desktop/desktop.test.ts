/**
 * The desktop app's decisions, without Electron (main/hosts/desktop/): which links leave, who may
 * call, mailto: links, the window and the work waiting for its page, the failure notice, the online
 * poll, quitting, the menu. test/electron/ drives the same through the shell.
 */
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MessageView, OutboxChange } from '../../../preload/common/contract/index.ts';
import { noticeWhenSendingFails, type Notice } from '../../../main/hosts/desktop/failure-notice.ts';
import { isOurPage, NOT_OUR_PAGE, type FrameIdentity } from '../../../main/hosts/desktop/ipc-sender.ts';
import { externalLinkOf, signInPageOf } from '../../../main/hosts/desktop/links.ts';
import { mailtoIn, openMailtoLink } from '../../../main/hosts/desktop/mailto.ts';
import { menuTemplate, type MenuItem } from '../../../main/hosts/desktop/menu.ts';
import { whenBackOnline } from '../../../main/hosts/desktop/online.ts';
import { quitAfterClosing } from '../../../main/hosts/desktop/quit.ts';
import { WindowKeeper, type KeptWindow } from '../../../main/hosts/desktop/window-keeper.ts';

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('links that leave the app', () => {
  it.each([
    ['https://example.org/help?q=1', 'https://example.org/help?q=1'],
    ['HTTP://Example.org', 'http://example.org/'],
    ['file:///etc/passwd', undefined],
    ['smb://host/share', undefined],
    ['javascript:alert(1)', undefined],
    ['mailto:ann@example.org', undefined],
    ['app://outbound/index.html', undefined],
    ['example.org', undefined],
  ])('%s goes to the browser as %s', (url, link) => {
    expect(externalLinkOf(url)).toBe(link);
  });

  it('sign-in pages only over https', () => {
    expect(signInPageOf('https://accounts.example.org/o/oauth2/auth?x=1')).toBe('https://accounts.example.org/o/oauth2/auth?x=1');
    for (const url of ['http://accounts.example.org/', 'file:///tmp/x', 'not a url']) {
      expect(() => signInPageOf(url)).toThrow('Outbound opens only https sign-in pages.');
    }
  });
});

describe('who may call over IPC', () => {
  const top: FrameIdentity = { processId: 4, routingId: 1, url: 'app://outbound/index.html' };
  const webContents = { mainFrame: top };
  const window = { isDestroyed: () => false, webContents };

  it("our window's top frame showing our page", () => {
    expect(isOurPage({ sender: webContents, senderFrame: { ...top, url: 'app://outbound/index.html#outbox' } }, window)).toBe(true);
  });

  it.each([
    ['another origin', { sender: webContents, senderFrame: { ...top, url: 'https://evil.example/' } }, window],
    ['a subframe', { sender: webContents, senderFrame: { ...top, routingId: 2 } }, window],
    ['another process', { sender: webContents, senderFrame: { ...top, processId: 5 } }, window],
    ['another webContents', { sender: { mainFrame: top }, senderFrame: top }, window],
    ['a frame that is gone', { sender: webContents, senderFrame: null }, window],
    ['no window', { sender: webContents, senderFrame: top }, undefined],
    ['a closed window', { sender: webContents, senderFrame: top }, { ...window, isDestroyed: () => true }],
  ])('not %s', (_case, call, to) => {
    expect(isOurPage(call, to)).toBe(false);
  });

  it('is refused with forbidden', () => {
    expect(NOT_OUR_PAGE).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});

describe('mailto: links from the system', () => {
  it("are found among a launch's arguments, in any case", () => {
    expect(mailtoIn(['/opt/Outbound/outbound', '--flag', 'MailTo:ann@example.org', 'mailto:bob@example.org'])).toBe('MailTo:ann@example.org');
    expect(mailtoIn(['/opt/Outbound/outbound', 'https://example.org/', 'xmailto:ann@example.org'])).toBeUndefined();
  });

  it('that cannot be read are logged and dropped', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const opened: string[] = [];
    const compose = {
      openMailto: (url: string) => {
        if (url.includes('%')) throw new Error('broken percent-encoding');
        opened.push(url);
      },
    };
    openMailtoLink(compose, 'mailto:%');
    openMailtoLink(compose, 'mailto:ann@example.org');
    expect(opened).toEqual(['mailto:ann@example.org']);
    expect(error).toHaveBeenCalledWith('outbound: ignoring a mailto: link that cannot be read:', 'broken percent-encoding');
  });
});

/** A window with a page that loads when told to. */
class FakeWindow implements KeptWindow {
  destroyed = false;
  minimized = false;
  focused = false;
  readonly webContents = Object.assign(new EventEmitter(), {
    loading: true,
    isLoading(this: { loading: boolean }) {
      return this.loading;
    },
  });
  isDestroyed = () => this.destroyed;
  isMinimized = () => this.minimized;
  restore = () => void (this.minimized = false);
  focus = () => void (this.focused = true);
  finishLoad(): void {
    this.webContents.loading = false;
    this.webContents.emit('did-finish-load');
  }
}

describe('the window keeper', () => {
  const keeper = () => {
    const made: FakeWindow[] = [];
    return { made, windows: new WindowKeeper(() => made[made.push(new FakeWindow()) - 1]!) };
  };

  it('makes the window once, then brings it up', () => {
    const { made, windows } = keeper();
    expect(windows.current()).toBeUndefined();
    const first = windows.show();
    first.minimized = true;
    expect(windows.show()).toBe(first);
    expect([made.length, first.minimized, first.focused]).toEqual([1, false, true]);
    first.destroyed = true;
    expect(windows.current()).toBeUndefined();
    expect(windows.show()).not.toBe(first);
    expect(made).toHaveLength(2);
  });

  it('work for a page still loading waits for it, in order; for a loaded page it runs at once', () => {
    const { windows } = keeper();
    const done: string[] = [];
    windows.showThen(() => done.push('a'));
    windows.showThen(() => done.push('b'));
    expect(done).toEqual([]);
    windows.current()!.finishLoad();
    expect(done).toEqual(['a', 'b']);
    windows.showThen(() => done.push('c'));
    expect(done).toEqual(['a', 'b', 'c']);
  });

  it('work kept for a window closed before its page loaded goes to the next window', () => {
    const { made, windows } = keeper();
    const done: FakeWindow[] = [];
    windows.showThen((window) => done.push(window));
    made[0]!.destroyed = true;
    windows.showThen((window) => done.push(window));
    made[0]!.finishLoad(); // a late event from the closed window changes nothing
    expect(done).toEqual([]);
    made[1]!.finishLoad();
    expect(done).toEqual([made[1], made[1]]);
  });

  it('one piece of work that throws does not stop the rest', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const { windows } = keeper();
    const done: string[] = [];
    windows.showThen(() => {
      throw new Error('boom');
    });
    windows.showThen(() => done.push('after'));
    windows.current()!.finishLoad();
    expect(done).toEqual(['after']);
    expect(error).toHaveBeenCalledTimes(1);
  });
});

describe('the failure notice', () => {
  const message = (id: number, subject: string, lastError: string | null) => ({ id, subject, lastError }) as MessageView;
  function watch(focused: boolean) {
    const listeners: ((change: OutboxChange) => void)[] = [];
    const messages = new Map([
      [1, message(1, 'Report', '550 No such user here')],
      [2, message(2, '', null)],
    ]);
    const core = {
      events: {
        on: (_event: string, listener: (change: OutboxChange) => void) => {
          listeners.push(listener);
          return () => void listeners.splice(0);
        },
      },
      outbox: {
        view: (id: number) => {
          const found = messages.get(id);
          if (!found) throw new Error(`Message ${id} not found.`);
          return found;
        },
      },
    };
    const notices: Notice[] = [];
    const stop = noticeWhenSendingFails(
      core as unknown as Parameters<typeof noticeWhenSendingFails>[0],
      () => focused,
      (notice) => notices.push(notice),
    );
    return { emit: (change: OutboxChange) => listeners.forEach((listener) => listener(change)), notices, stop };
  }

  it('says which message failed and why, for failures only, while the window is not in front', () => {
    const { emit, notices, stop } = watch(false);
    for (const state of ['queued', 'sending', 'sent', 'uncertain', 'cancelled'] as const) emit({ id: 1, state });
    expect(notices).toEqual([]);
    emit({ id: 1, state: 'failed' });
    emit({ id: 2, state: 'failed' });
    emit({ id: 3, state: 'failed' }); // gone meanwhile: nothing, and nothing thrown into the outbox
    expect(notices).toEqual([
      { title: 'A message could not be sent', body: '“Report”: 550 No such user here' },
      { title: 'A message could not be sent', body: '“(no subject)”: open the Outbox to see why.' },
    ]);
    stop();
    emit({ id: 1, state: 'failed' });
    expect(notices).toHaveLength(2);
  });

  it('stays quiet while the window is in front (the page shows its own alert)', () => {
    const { emit, notices } = watch(true);
    emit({ id: 1, state: 'failed' });
    expect(notices).toEqual([]);
  });
});

describe('the online poll', () => {
  it('calls back when the flag turns true between two looks, once per turn, and stops when told', () => {
    vi.useFakeTimers();
    let online = true;
    const back = vi.fn();
    const stop = whenBackOnline(() => online, back, 1_000);
    vi.advanceTimersByTime(3_000);
    online = false;
    vi.advanceTimersByTime(1_000);
    online = true;
    vi.advanceTimersByTime(500);
    expect(back).not.toHaveBeenCalled();
    vi.advanceTimersByTime(500);
    expect(back).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(5_000);
    online = false;
    vi.advanceTimersByTime(1_000);
    stop();
    online = true;
    vi.advanceTimersByTime(5_000);
    expect(back).toHaveBeenCalledTimes(1);
  });
});

describe('quitting', () => {
  it('stops, waits for the core to close, then exits 0: once however often it is asked', async () => {
    const steps: string[] = [];
    const closed = Promise.withResolvers<void>();
    const quit = quitAfterClosing({
      stop: () => steps.push('stop'),
      core: {
        close: () => {
          steps.push('close');
          return closed.promise;
        },
      },
      exit: (code) => steps.push(`exit ${code}`),
    });
    const first = quit();
    expect(quit()).toBe(first);
    await Promise.resolve();
    expect(steps).toEqual(['stop', 'close']);
    closed.resolve();
    await first;
    expect(steps).toEqual(['stop', 'close', 'exit 0']);
  });

  it('exits even when closing fails, and says why', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const exit = vi.fn();
    await quitAfterClosing({ stop: () => undefined, core: { close: () => Promise.reject(new Error('disk gone')) }, exit })();
    expect(exit).toHaveBeenCalledWith(0);
    expect(error).toHaveBeenCalledWith('outbound: closing the core failed:', new Error('disk gone'));
  });
});

describe('the menu', () => {
  /** Roles by name, labels with their shortcut, `-` for a separator. */
  const shape = (items: MenuItem[]): string[] =>
    items.flatMap((item) =>
      'role' in item
        ? [item.role]
        : 'submenu' in item
          ? [`${item.label}:`, ...shape(item.submenu)]
          : 'label' in item
            ? [item.accelerator ? `${item.label} ${item.accelerator}` : item.label]
            : ['-'],
    );

  it('has New Message, Send, Send Later, Outbox, Sent and Settings; the app menu on macOS only; reload and the developer tools only while developing', () => {
    expect(shape(menuTemplate({ macOS: false, developing: false }, () => undefined))).toEqual([
      'File:',
      'New Message CmdOrCtrl+N',
      'Send CmdOrCtrl+Enter',
      'Send Later… CmdOrCtrl+Shift+Enter',
      '-',
      'Settings CmdOrCtrl+,',
      '-',
      'quit',
      'editMenu',
      'Go:',
      'Outbox',
      'Sent',
      'View:',
      'resetZoom',
      'zoomIn',
      'zoomOut',
      '-',
      'togglefullscreen',
      'windowMenu',
    ]);
    const mac = shape(menuTemplate({ macOS: true, developing: true }, () => undefined));
    expect(mac.slice(0, 17)).toEqual([
      'Outbound:',
      'about',
      '-',
      'Settings… CmdOrCtrl+,',
      '-',
      'services',
      '-',
      'hide',
      'hideOthers',
      'unhide',
      '-',
      'quit',
      'File:',
      'New Message CmdOrCtrl+N',
      'Send CmdOrCtrl+Enter',
      'Send Later… CmdOrCtrl+Shift+Enter',
      'editMenu',
    ]);
    expect(mac).toContain('toggleDevTools');
  });

  it('each item runs its command; Send and Send Later only show their keys, which the composer handles itself', () => {
    const run = vi.fn();
    const clickable = (items: MenuItem[]): Extract<MenuItem, { click: () => void }>[] =>
      items.flatMap((item) => ('submenu' in item ? clickable(item.submenu) : 'click' in item ? [item] : []));
    const items = clickable(menuTemplate({ macOS: false, developing: false }, run));
    for (const item of items) item.click();
    expect(run.mock.calls.map(([command]) => command)).toEqual(['newMessage', 'send', 'sendLater', 'settings', 'outbox', 'sent']);
    expect(items.filter((item) => item.registerAccelerator === false).map((item) => item.label)).toEqual(['Send', 'Send Later…']);
  });
});
