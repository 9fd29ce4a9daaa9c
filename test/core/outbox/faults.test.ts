/**
 * Fault injection: for each SMTP stage × (connection dropped, 4xx, 5xx, silence), the message ends in
 * the right state, and the server receives it at most once — unless the outbox says `uncertain`,
 * which it then never resends by itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageState } from '../../../preload/common/contract/index.ts';
import { accountFor, testCore, value } from '../../helpers/core.ts';
import { startFaultServer, type FaultKind, type FaultServer, type FaultStage } from '../../helpers/fault-server.ts';
import { closedPort } from '../../helpers/net.ts';

const TIMEOUTS = { connectMs: 1_000, greetingMs: 1_000, socketMs: 1_000 };
/** Large enough that the client is still writing when the server stops reading mid-body. */
const BIG_BODY = `${'x'.repeat(998)}\n`.repeat(16_000);

let server: FaultServer;
beforeAll(async () => {
  server = await startFaultServer();
});
afterAll(() => server.close());

const EXPECTED: Record<FaultStage, Partial<Record<FaultKind, MessageState>>> = {
  greeting: { drop: 'queued', '4xx': 'queued', '5xx': 'failed', timeout: 'queued' },
  ehlo: { drop: 'queued', '4xx': 'queued', '5xx': 'failed', timeout: 'queued' },
  starttls: { drop: 'queued', '4xx': 'queued', '5xx': 'failed', timeout: 'queued' },
  auth: { drop: 'queued', '4xx': 'queued', '5xx': 'failed', timeout: 'queued' },
  mail: { drop: 'queued', '4xx': 'queued', '5xx': 'failed', timeout: 'queued' },
  rcpt: { drop: 'queued', '4xx': 'queued', '5xx': 'failed', timeout: 'queued' },
  data: { drop: 'queued', '4xx': 'queued', '5xx': 'failed', timeout: 'queued' },
  body: { drop: 'queued', timeout: 'queued' },
  final: { drop: 'uncertain', '4xx': 'queued', '5xx': 'failed', timeout: 'uncertain' },
  noop: {}, // the connection test's, never said when sending
  rset: {},
};
const CASES = Object.entries(EXPECTED).flatMap(([stage, kinds]) =>
  Object.entries(kinds).map(([kind, state]) => ({ stage: stage as FaultStage, kind: kind as FaultKind, state })),
);

async function queueOne(subject: string, port = server.port) {
  const t = testCore(server, { sender: { submit: { timeouts: TIMEOUTS }, retry: { networkRetryMs: 60_000 } } });
  const account = await value(t.api.accounts.save(accountFor({ host: '127.0.0.1', port })));
  const text = subject.startsWith('body') ? BIG_BODY : 'Hello.';
  const message = await value(t.api.outbox.send({ accountId: account.id, to: ['ann@example.org', 'bob@example.org'], subject, text, delaySeconds: 0 }));
  return { ...t, account, message };
}

describe('fault injection', () => {
  it.each(CASES)('$stage / $kind → $state', async ({ stage, kind, state }) => {
    const subject = `${stage}-${kind}`;
    const { core, message } = await queueOne(subject);
    server.setFault({ stage, kind });
    const before = server.received.length;

    const first = await core.sender.sendNow(message.id);
    expect(first.state, first.lastError ?? '').toBe(state);
    expect(first.lastStage).toBe(stage); // the fault server offers no PIPELINING: each stage is its own round trip
    expect(first.lastError).toBeTruthy();
    const receivedNow = server.received.slice(before).filter((m) => m.messageId === message.messageId).length;
    expect(receivedNow).toBe(state === 'uncertain' ? 1 : 0);

    // Whatever happened, nothing is resent behind the user's back, and a retry goes out once.
    server.setFault(undefined);
    await core.sender.flush();
    const after = core.outbox.view(message.id);
    const total = server.received.filter((m) => m.messageId === message.messageId);
    if (state === 'queued') {
      expect(after.state).toBe('sent');
      expect(total).toHaveLength(1);
    } else {
      expect(after.state).toBe(state);
      expect(total).toHaveLength(state === 'uncertain' ? 1 : 0);
    }
  });

  it('connect / refused → queued, waiting for the network', async () => {
    const { core, message } = await queueOne('connect-refused', await closedPort());
    const view = await core.sender.sendNow(message.id);
    expect(view).toMatchObject({ state: 'queued', lastStage: 'connect' });
    expect(view.lastError).toMatch(/refused the connection.*as soon as the server can be reached/);
    expect(core.sender.connectivity.online).toBe(false);
  });

  it('a rejected password fails the message and pauses the account until it is saved again', async () => {
    const { core, api, account, message } = await queueOne('auth-pause');
    const second = await value(api.outbox.send({ accountId: account.id, to: ['ann@example.org'], subject: 'waits', text: 't', delaySeconds: 0 }));
    server.setFault({ stage: 'auth', kind: '5xx' });
    expect((await core.sender.sendNow(message.id)).state).toBe('failed');
    const paused = (await value(api.accounts.list()))[0]!;
    expect(paused.pausedReason).toMatch(/Sending is paused: The server rejected the login: 535 5\.7\.8/);

    await core.sender.flush();
    expect(core.outbox.view(second.id).state).toBe('queued'); // held while paused

    server.setFault(undefined);
    await value(api.accounts.save({ ...accountFor({ host: '127.0.0.1', port: server.port }), id: account.id }));
    expect((await value(api.accounts.list()))[0]!.pausedReason).toBeNull();
    await core.sender.flush();
    expect(core.outbox.view(second.id).state).toBe('sent');
  });
});
