/**
 * An error no one expected in the middle of a pass (here: what records the server's capabilities
 * throws, after the server took the message) is logged with its stack, and the message is not sent
 * again behind the user's back: its lease runs out, and it is then uncertain.
 */
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { OutboxSender } from '../../../main/core/outbox/sender.ts';
import { plainAccountFor, testCore, value } from '../../helpers/core.ts';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.ts';

const LEASE = 60_000;
let server: TestSmtpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('an unexpected error in a pass', () => {
  it('is logged with its stack; the message the server took is left to its lease, then uncertain', async () => {
    server = await startSmtpServer();
    const { core, api } = testCore(server);
    const account = await value(api.accounts.save(plainAccountFor(server)));
    const logged: string[] = [];
    const sender = new OutboxSender(core.outbox, core.accounts, {
      leaseMs: LEASE,
      submit: { extraCaCertificates: [server.ca] },
      onCapabilities: () => {
        throw new Error('the capabilities could not be kept');
      },
      log: (line) => logged.push(line),
    });
    onTestFinished(() => sender.stop());
    const { id } = await value(api.outbox.send({ accountId: account.id, to: ['ann@example.org'], subject: 'once', text: 'x', delaySeconds: 0 }));
    sender.start();
    await server.waitForMessages(1);
    await sender.settled();

    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(/^outbound: the sender stopped a pass: Error: the capabilities could not be kept\n\s+at /);
    expect(core.outbox.view(id).state).toBe('sending');
    expect(core.outbox.recoverExpiredLeases(Date.now() + 2 * LEASE)).toBe(1);
    expect(core.outbox.view(id).state).toBe('uncertain');
    expect(server.messages).toHaveLength(1);
  });
});
