/**
 * Pausing all sending (the tray's "Pause Sending", the `sendingPaused` setting): kept in the data
 * directory, so every sender on it holds (the app, the CLI, another window), and resuming sends at once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openCore } from '../../../main/core/index.ts';
import { TestClock } from '../../helpers/clock.ts';
import { plainAccountFor, testCore, value } from '../../helpers/core.ts';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.ts';

let server: TestSmtpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('pausing all sending', () => {
  it('holds every sender on the data directory, flushes included; resuming sends what waits', async () => {
    server = await startSmtpServer();
    const clock = new TestClock();
    const { core, api } = testCore(server, { autoSend: true, clock });
    const account = await value(api.accounts.save(plainAccountFor(server)));
    await value(api.settings.save({ undoSeconds: 0, sendingPaused: true }));
    const message = await value(api.outbox.send({ accountId: account.id, to: ['ann@example.org'], subject: 'Paused', text: 'x' }));
    await core.sender.settled();
    await core.sender.flush();
    expect(core.outbox.nextDue()).toBeUndefined(); // nothing to wake up for while paused
    const other = openCore({ home: core.home, autoSend: false, extraCaCertificates: [server.ca], clock }); // a CLI on the same data
    await other.sender.flush();
    await other.close();
    expect([server.messages.length, core.outbox.view(message.id).state]).toEqual([0, 'queued']);

    await value(api.settings.save({ sendingPaused: false })); // the change wakes the sender
    await core.sender.settled();
    expect(core.outbox.view(message.id).state).toBe('sent');
    expect(server.messages).toHaveLength(1);
  });

  it('the change is announced, for the tray and every window', async () => {
    const { core, api } = testCore(undefined);
    const seen: unknown[] = [];
    core.events.on('settingsChanged', (settings) => seen.push(settings));
    await value(api.settings.save({ sendingPaused: true }));
    expect(seen).toEqual([{ undoSeconds: 5, sendingPaused: true }]);
  });
});
