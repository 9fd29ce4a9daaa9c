/** Offline: Send still queues; when the server can be reached again, everything goes out by itself. */
import { describe, expect, it } from 'vitest';
import type { Connectivity } from '../../../preload/common/contract/index.ts';
import { plainAccountFor, testCore, value } from '../../helpers/core.ts';
import { closedPort } from '../../helpers/net.ts';
import { startSmtpServer } from '../../helpers/smtp.ts';

describe('offline', () => {
  it('queues while the server is unreachable and sends all without user action once it is back', async () => {
    const port = await closedPort();
    const { core, api } = testCore(undefined, { autoSend: true, sender: { probeEveryMs: 200, retry: { networkRetryMs: 3_600_000 } } });
    const changes: Connectivity[] = [];
    core.events.on('connectivityChanged', (c) => changes.push(c));
    const account = await value(api.accounts.save(plainAccountFor({ host: '127.0.0.1', port })));
    const sent = [];
    for (const n of [1, 2, 3]) {
      sent.push(await value(api.outbox.send({ accountId: account.id, to: [`r${n}@example.org`], subject: `offline ${n}`, text: 't', delaySeconds: 0 })));
    }
    await expect
      .poll(async () => (await value(api.outbox.list())).map((m) => [m.state, m.attempts]), { timeout: 10_000 })
      .toEqual([
        ['queued', 1],
        ['queued', 1],
        ['queued', 1],
      ]);
    expect(await value(api.outbox.connectivity())).toEqual({ online: false });
    for (const m of await value(api.outbox.list())) {
      expect([m.state, m.lastError]).toEqual(['queued', expect.stringMatching(/as soon as the server can be reached/)]);
    }

    const server = await startSmtpServer({ port });
    try {
      // No flush, no retry: the probe notices and the outbox goes.
      const received = await server.waitForMessages(3, 10_000);
      expect(received.map((m) => m.parsed.subject).sort()).toEqual(['offline 1', 'offline 2', 'offline 3']);
      await expect.poll(async () => (await value(api.sent.list())).length).toBe(3);
      expect(changes).toEqual([{ online: false }, { online: true }]);
    } finally {
      await server.close();
    }
  });
});
