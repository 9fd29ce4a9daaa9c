/**
 * What an attempt's outcome says about the network: a server not reached (refused, or silent where
 * its greeting should be) puts the outbox offline; a connection that breaks or stalls after the server
 * answered does not, a local failure says nothing either way, and any server answering brings it back online.
 */
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { accountFor, testCore, value, type TestCore } from '../../helpers/core.ts';
import { closedPort } from '../../helpers/net.ts';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.ts';

const servers: TestSmtpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

// No probe within the test, and no automatic retry: every change of state here comes from an attempt.
const quiet = { sender: { probeEveryMs: 3_600_000, retry: { networkRetryMs: 3_600_000 } } };

async function queue({ api }: TestCore, target: { host: string; port: number }, name: string, passwordCommand = '') {
  const account = await value(
    api.accounts.save(
      accountFor(target, {
        name,
        email: `${name}@example.org`,
        ...(passwordCommand ? { security: 'starttls', username: 'me' } : { security: 'none', username: '' }),
        passwordCommand,
      }),
    ),
  );
  return (await value(api.outbox.send({ accountId: account.id, to: ['ann@example.org'], subject: 'x', text: 'x', delaySeconds: 0 }))).id;
}

describe('the outcome of an attempt and the network', () => {
  it('a connection dropped after the server took the body is not the network gone', async () => {
    const server = await startSmtpServer({ dropAfterData: () => true });
    servers.push(server);
    const test = testCore(server, quiet);
    const id = await queue(test, server, 'dropped');
    const view = await test.core.sender.sendNow(id);
    expect(view.lastStage).toBe('final'); // the server's answer to the end of data never came
    expect(await value(test.api.outbox.connectivity())).toEqual({ online: true });
  });

  it('offline after a refused connection; a local failure leaves it so; a server that answers brings it back', async () => {
    const down = { host: '127.0.0.1', port: await closedPort() };
    const up = await startSmtpServer();
    servers.push(up);
    const test = testCore(up, quiet);
    const unreachable = await queue(test, down, 'down');
    const local = await queue(test, up, 'local', 'exit 3');
    const reachable = await queue(test, up, 'up');

    await test.core.sender.sendNow(unreachable);
    expect(await value(test.api.outbox.connectivity())).toEqual({ online: false });
    expect((await test.core.sender.sendNow(local)).lastError).toContain('The password command exited with status 3');
    expect(await value(test.api.outbox.connectivity())).toEqual({ online: false });
    expect((await test.core.sender.sendNow(reachable)).state).toBe('sent');
    expect(await value(test.api.outbox.connectivity())).toEqual({ online: true });
  });

  it('a server that takes the connection and never greets: offline; one that stalls after its greeting: not', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => void sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => {
      for (const socket of sockets) socket.destroy();
      silent.close();
    });
    const stalling = await startSmtpServer({ mail: () => 'silence' });
    servers.push(stalling);
    const test = testCore(stalling, { sender: { ...quiet.sender, submit: { timeouts: { greetingMs: 1_000, socketMs: 1_000 } } } });
    const unanswered = await queue(test, { host: '127.0.0.1', port: (silent.address() as AddressInfo).port }, 'silent');
    const stalled = await queue(test, stalling, 'stalling');

    expect((await test.core.sender.sendNow(unanswered)).lastStage).toBe('greeting');
    expect(await value(test.api.outbox.connectivity())).toEqual({ online: false });
    // Past the greeting (which stage waited last depends on the commands pipelined with MAIL FROM).
    expect(['mail', 'rcpt', 'data']).toContain((await test.core.sender.sendNow(stalled)).lastStage);
    expect(await value(test.api.outbox.connectivity())).toEqual({ online: true });
  });
});
