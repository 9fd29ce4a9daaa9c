/**
 * One connection carries an account's messages in turn: a pass over several due messages of one
 * account opens one connection (workers: 1), after a refused message the next one gets a fresh
 * connection, and what the server accepted is recorded as the connection goes on (never more than
 * four messages behind: those a crash would leave uncertain).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { plainAccountFor, testCore, value } from '../../helpers/core.ts';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.ts';

let server: TestSmtpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("an account's due messages", () => {
  it('go on one connection, and a refusal ends it: the next message opens another', async () => {
    server = await startSmtpServer({ rcpt: (address) => (address === 'nobody@example.org' ? { code: 550, message: '5.1.1 No such user' } : undefined) });
    const { api, core } = testCore(server, { sender: { workers: 1 } });
    const account = await value(api.accounts.save(plainAccountFor(server)));
    const send = async (to: string) => (await value(api.outbox.send({ accountId: account.id, to: [to], subject: to, text: 'x', delaySeconds: 0 }))).id;
    const ids = [await send('ann@example.org'), await send('bob@example.org'), await send('nobody@example.org'), await send('cy@example.org')];
    await core.sender.flush();
    expect(ids.map((id) => core.outbox.view(id).state)).toEqual(['sent', 'sent', 'failed', 'sent']);
    expect(server.connectionsOpened).toBe(2);
  });

  it("of two accounts on one worker each go to their own server: an open connection carries only its account's mail", async () => {
    server = await startSmtpServer();
    const other = await startSmtpServer();
    try {
      const { api, core } = testCore(server, { sender: { workers: 1 } });
      const save = async (target: TestSmtpServer, name: string) =>
        (await value(api.accounts.save(plainAccountFor(target, { name, email: `${name}@example.org` })))).id;
      const first = await save(server, 'first');
      const second = await save(other, 'second');
      for (const [accountId, subject] of [
        [first, 'f1'],
        [second, 's1'],
        [first, 'f2'],
        [second, 's2'],
      ] as const) {
        await value(api.outbox.send({ accountId, to: ['ann@example.org'], subject, text: 'x', delaySeconds: 0 }));
      }
      await core.sender.flush();
      expect(server.messages.map((m) => m.parsed.subject).sort()).toEqual(['f1', 'f2']);
      expect(other.messages.map((m) => m.parsed.subject).sort()).toEqual(['s1', 's2']);
      // The open connection's account is claimed first: one connection to each server, not one per message.
      expect([server.connectionsOpened, other.connectionsOpened]).toEqual([1, 1]);
    } finally {
      await other.close();
    }
  });

  it('records what the server accepted while it goes on: at no end of data are more than four accepted messages unrecorded', async () => {
    let recordedSent = (): number => 0;
    const behind: number[] = [];
    server = await startSmtpServer({
      // At each end of data, before the reply: the messages accepted before this one, less those recorded sent.
      data: () => {
        behind.push(server!.messages.length - recordedSent());
        return undefined;
      },
    });
    const { api, core } = testCore(server, { sender: { workers: 1 } });
    recordedSent = () => core.db.prepare(`SELECT count(*) FROM messages WHERE state = 'sent'`).pluck().get() as number;
    const account = await value(api.accounts.save(plainAccountFor(server)));
    for (let n = 1; n <= 30; n++)
      await value(api.outbox.send({ accountId: account.id, to: ['ann@example.org'], subject: `m${n}`, text: 'x', delaySeconds: 0 }));
    await core.sender.flush();
    expect(behind).toHaveLength(30);
    expect(behind.filter((n) => n > 4)).toEqual([]);
    expect(recordedSent()).toBe(30);
    expect(server.connectionsOpened).toBe(1);
  });
});
