/**
 * The sandboxed preload (preload/electron/index.ts) run against the stand-in electron: what crosses
 * the bridge into the page is `window.outbound` and nothing else, named functions only.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { eventChannelOf, events, methodChannels, type OutboundApi, type OutboxChange } from '../../preload/common/contract/index.ts';
import { createStandInElectron, type StandInElectron } from './stand-in-electron.ts';

const scratch = mkdtempSync(path.join(tmpdir(), 'outbound-preload-'));
let electron: StandInElectron;
let api: OutboundApi;

beforeAll(async () => {
  electron = createStandInElectron(scratch);
  vi.doMock('electron', () => electron);
  await import('../../preload/electron/index.ts');
  api = electron.contextBridge.exposeInMainWorld.mock.calls[0]![1] as OutboundApi;
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Every value reachable from `value`, with its path. */
function reachable(value: unknown, at = 'outbound'): [string, unknown][] {
  if (typeof value !== 'object' || value === null) return [[at, value]];
  return [[at, value], ...Object.entries(value).flatMap(([key, inner]) => reachable(inner, `${at}.${key}`))];
}

describe('the preload', () => {
  it('exposes one object, `outbound`, once', () => {
    expect(electron.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
    expect(electron.contextBridge.exposeInMainWorld.mock.calls[0]![0]).toBe('outbound');
  });

  it('holds only frozen objects and named functions: one per contract channel and one subscription per event, no ipcRenderer', () => {
    const values = reachable(api);
    const functions = values.filter(([, value]) => typeof value === 'function').map(([at]) => at);
    const objects = values.filter(([, value]) => typeof value === 'object');
    expect(values.filter(([, value]) => typeof value !== 'function' && typeof value !== 'object')).toEqual([]);
    expect(objects.every(([, value]) => Object.isFrozen(value))).toBe(true);
    const subscriptions = Object.keys(events).map((name) => `outbound.on${name[0]!.toUpperCase()}${name.slice(1)}`);
    expect(functions.sort()).toEqual([...methodChannels.map((channel) => `outbound.${channel}`), ...subscriptions].sort());
    expect(values.some(([, value]) => value === electron.ipcRenderer || value === electron.ipcRenderer.invoke)).toBe(false);
  });

  it('a call goes to ipcRenderer.invoke on its own channel with its arguments', async () => {
    electron.ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, value: null });
    expect(await api.outbox.cancel(7)).toEqual({ ok: true, value: null });
    expect(electron.ipcRenderer.invoke).toHaveBeenLastCalledWith('outbox.cancel', 7);
  });

  it('a subscription hands the page the payload, never the IPC event, and stops when asked', () => {
    const channel = eventChannelOf('outboxChanged');
    const seen: unknown[][] = [];
    const stop = api.onOutboxChanged((...args: unknown[]) => seen.push(args));
    const change: OutboxChange = { id: 3, state: 'sent' };
    electron.ipcRenderer.emit(channel, { sender: electron.ipcRenderer, senderId: 0 }, change);
    expect(seen).toEqual([[change]]);
    stop();
    expect(electron.ipcRenderer.listenerCount(channel)).toBe(0);
  });

  it('a menu command or a mailto: link that comes before the page listens is kept for it, in order, once', () => {
    const channel = eventChannelOf('menuCommand');
    const ipcEvent = { sender: electron.ipcRenderer, senderId: 0 };
    electron.ipcRenderer.emit(channel, ipcEvent, 'newMessage');
    electron.ipcRenderer.emit(channel, ipcEvent, 'outbox');
    const seen: unknown[] = [];
    const stop = api.onMenuCommand((command) => seen.push(command));
    expect(seen).toEqual(['newMessage', 'outbox']);
    electron.ipcRenderer.emit(channel, ipcEvent, 'sent');
    stop();
    electron.ipcRenderer.emit(channel, ipcEvent, 'settings'); // kept for the next listener, not the old one
    const again: unknown[] = [];
    api.onMenuCommand((command) => again.push(command));
    expect([seen, again]).toEqual([['newMessage', 'outbox', 'sent'], ['settings']]);
  });
});
