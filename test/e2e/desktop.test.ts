/**
 * The desktop app's rows in Settings, the pause of all sending, the offer to start at login after a
 * scheduled message, and the menu's commands, in Chromium against the real core through the browser
 * host. The host carries what the shell carries: the `desktop` methods over the Electron-free
 * implementation (an XDG autostart entry in a temporary config folder; the system's mailto: client
 * kept in memory, as only Electron can ask the system) and menu commands down the same event stream.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { eventChannelOf, type ApiImplementation, type MenuCommand } from '../../preload/common/contract/index.ts';
import { openCore, type Core } from '../../main/core/index.ts';
import { createApi } from '../../main/hosts/api.ts';
import { startBrowserHost } from '../../main/hosts/browser/server.ts';
import { xdgAutostart } from '../../main/hosts/desktop/login-item.ts';
import { desktopApi } from '../../main/hosts/desktop/system.ts';
import { createDispatch } from '../../main/hosts/dispatch.ts';
import { forwardEvents, type EventSink } from '../../main/hosts/events.ts';
import { inProcessApi } from '../../main/hosts/in-process.ts';
import { plainAccountFor, value, withTestDns } from '../helpers/core.ts';
import { fillComposer, launchBrowser, localMinute, nav, newTestPage, shot } from './app-page.ts';
import { builtApp, screenshotsDir } from './built-app.ts';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
  await mkdir(screenshotsDir, { recursive: true });
});
afterAll(() => browser.close());

interface DesktopPage {
  page: Page;
  core: Core;
  /** The XDG autostart entry start-at-login writes. */
  autostart: string;
  /** What the shell does when a menu item is chosen (once the page's event stream is open). */
  menu: (command: MenuCommand) => Promise<void>;
}

/**
 * The app on a fresh data directory; `asDesktop`: with the desktop methods the shell has, else as the
 * browser host has them; `withAccount`: an account saved before the page loads.
 */
async function openApp({ asDesktop, withAccount = false }: { asDesktop: boolean; withAccount?: boolean }): Promise<DesktopPage> {
  const scratch = await mkdtemp(path.join(tmpdir(), 'outbound-e2e-desktop-'));
  const core = openCore({ ...withTestDns({}), home: path.join(scratch, 'home'), autoSend: false });
  if (withAccount) await value(inProcessApi(core).accounts.save(plainAccountFor({ host: '127.0.0.1', port: 1 })));
  const autostart = path.join(scratch, 'config', 'autostart', 'outbound.desktop');
  let defaultMailApp = false;
  const desktop: ApiImplementation['desktop'] | undefined = asDesktop
    ? desktopApi(core.settings, {
        loginItem: xdgAutostart(['/opt/Outbound/outbound'], autostart),
        mailApp: { isDefault: () => defaultMailApp, makeDefault: () => (defaultMailApp = true) },
      })
    : undefined;
  const stream = Promise.withResolvers<EventSink>();
  const host = await startBrowserHost({
    ...builtApp(),
    dispatch: createDispatch(createApi(core, desktop), core.home),
    events: (sink) => {
      stream.resolve(sink);
      return forwardEvents(core.events, sink);
    },
  });
  const { page, problems } = await newTestPage(browser);
  onTestFinished(async () => {
    await page.close();
    await host.close();
    await core.close();
    await rm(scratch, { recursive: true, force: true });
    expect(problems).toEqual([]);
  });
  await page.goto(`${host.url}#token=${host.token}`);
  await page.getByRole('heading', { name: 'Compose' }).waitFor();
  return { page, core, autostart, menu: async (command) => (await stream.promise)(eventChannelOf('menuCommand'), command) };
}

describe('Settings: this computer', () => {
  it('in the browser host, says that only the desktop app can change them', async () => {
    const { page } = await openApp({ asDesktop: false });
    await nav(page, 'Settings').click();
    await expect.poll(() => page.getByTestId('default-mail-app').textContent()).toBe('Default mail app: Only the desktop app can change this.');
    expect(await page.getByLabel('Start Outbound when I log in').isDisabled()).toBe(true);
    await shot(page, 'settings-browser-host');
  });

  it('in the desktop app: start at login writes the autostart entry; the default mail app is made so on request', async () => {
    const { page, autostart } = await openApp({ asDesktop: true });
    await nav(page, 'Settings').click();
    const login = page.getByLabel('Start Outbound when I log in');
    await expect.poll(() => login.isEnabled()).toBe(true);
    expect(await page.getByTestId('default-mail-app').textContent()).toBe('Default mail app: another app opens mailto: links.');
    await shot(page, 'settings');
    await login.check();
    await expect.poll(() => existsSync(autostart)).toBe(true);
    await page.getByRole('button', { name: 'Make Outbound the default mail app' }).click();
    await expect.poll(() => page.getByTestId('default-mail-app').textContent()).toBe('Default mail app: Outbound opens mailto: links.');
    await shot(page, 'settings-desktop-on');
    await login.uncheck();
    await expect.poll(() => existsSync(autostart)).toBe(false);
  });
});

describe('pausing all sending', () => {
  it('from Settings or the tray: the Outbox says so at once, and Resume there resumes', async () => {
    const { page, core } = await openApp({ asDesktop: true });
    await nav(page, 'Settings').click();
    await page.getByLabel('Pause all sending').check();
    await expect.poll(() => core.settings.get().sendingPaused).toBe(true);
    await nav(page, 'Outbox').click();
    await page.getByTestId('paused-banner').waitFor();
    await shot(page, 'outbox-paused');
    await page.getByRole('button', { name: 'Resume sending' }).click();
    await page.getByTestId('paused-banner').waitFor({ state: 'detached' });
    expect(core.settings.get().sendingPaused).toBe(false);
    core.settings.save({ sendingPaused: true }); // the tray's Pause Sending, behind the page
    await page.getByTestId('paused-banner').waitFor();
  });
});

describe('the offer to start at login', () => {
  it('comes once, after the first scheduled message; accepting it writes the autostart entry', async () => {
    const { page, core, autostart } = await openApp({ asDesktop: true, withAccount: true });
    const scheduled: string[] = [];
    // Each step waits for what it did, so a slow machine fails at the step that was slow.
    const schedule = async (subject: string) => {
      await fillComposer(page, { to: 'ann@example.org', subject });
      await page.getByLabel('Send later').check();
      await page.getByLabel('Send at').fill(localMinute(Date.now() + 3 * 60 * 60_000));
      await page.getByRole('button', { name: 'Schedule' }).click();
      scheduled.unshift(subject);
      await expect.poll(() => core.outbox.list('outbox').map((m) => m.subject), { timeout: 10_000 }).toEqual(scheduled);
      await page.getByRole('status').filter({ hasText: 'Scheduled for' }).waitFor();
    };
    await schedule('Tomorrow');
    const offer = page.getByTestId('start-at-login-offer');
    await offer.waitFor();
    await shot(page, 'compose-start-at-login-offer');
    await offer.getByRole('button', { name: 'Start at login' }).click();
    await offer.waitFor({ state: 'detached' });
    expect(existsSync(autostart)).toBe(true);
    await schedule('The day after');
    expect(await offer.count()).toBe(0);
  });
});

describe('menu commands', () => {
  it('New Message, Outbox, Sent and Settings open their screens; Send sends the message being written', async () => {
    const { page, core, menu } = await openApp({ asDesktop: true, withAccount: true });
    for (const [command, title] of [
      ['outbox', 'Outbox'],
      ['sent', 'Sent'],
      ['settings', 'Settings'],
      ['newMessage', 'Compose'],
    ] as const) {
      await menu(command);
      await page.getByRole('heading', { name: title }).waitFor();
    }
    await fillComposer(page, { to: 'ann@example.org', subject: 'From the menu' });
    await menu('sendLater');
    await expect.poll(() => page.getByLabel('Send later').isChecked()).toBe(true);
    await page.getByLabel('Send later').uncheck();
    await menu('send');
    await expect.poll(() => core.outbox.list('outbox').map((m) => m.subject)).toEqual(['From the menu']);
  });
});
