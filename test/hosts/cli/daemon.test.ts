/**
 * `outbound daemon`, the headless sender, as a child process on the data directory: it sends what
 * other programs queue, rides out the server going away and coming back, and stops cleanly on
 * SIGTERM with nothing left `sending`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { homeWithWork, startCli } from '../../helpers/cli.ts';
import { value } from '../../helpers/core.ts';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.ts';

let server: TestSmtpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('outbound daemon', () => {
  it('sends what is queued, waits out a server that went away, and stops on SIGTERM with nothing sending', { timeout: 45_000 }, async () => {
    server = await startSmtpServer();
    const { port } = server;
    const { home, core, api, account } = await homeWithWork(server);
    // Queued by another program (as `outbound sendmail` leaves it when its first try cannot finish).
    const queue = (subject: string) => value(api.outbox.send({ accountId: account.id, to: ['ann@example.org'], subject, text: 'x', delaySeconds: 0 }));
    await queue('Before');
    const daemon = startCli(home, ['daemon']);
    await daemon.printed(/^outbound daemon: sending what waits in the outbox \(1 account\) until stopped/m);
    await server.until(() => server!.messages.length === 1, 'the queued message');

    await server.close(); // the server goes away
    server = undefined;
    const during = await queue('While away');
    // Tried, and back in the queue waiting for the network, not failed.
    await expect.poll(() => (({ state, attempts }) => [state, attempts > 0])(core.outbox.view(during.id)), { timeout: 15_000 }).toEqual(['queued', true]);
    server = await startSmtpServer({ port }); // and comes back where it was
    await server.until(() => server!.messages.length === 1, 'the message queued while the server was away', 20_000);
    expect(server.messages[0]!.parsed.subject).toBe('While away');

    daemon.signal('SIGTERM');
    const run = await daemon.done;
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/SIGTERM: finishing the message being sent, then stopping\.$/m);
    expect(core.db.prepare(`SELECT count(*) FROM messages WHERE state = 'sending'`).pluck().get()).toBe(0);
  });
});
