/**
 * Who holds a message being sent, as another sender sees it: a lease owner names its machine and
 * process, so a lease of a process of this machine that died is taken back at once, by `sendNow` and
 * by a pass alike, while a live process's lease is left alone (sendNow answers with the message as
 * it is); a sender keeps renewing the lease of the message it is sending, however long it takes.
 */
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { isDeadOwner, OutboxSender } from '../../../main/core/outbox/sender.ts';
import { TestClock } from '../../helpers/clock.ts';
import { plainAccountFor, testCore, value, type TestCore } from '../../helpers/core.ts';
import { startSmtpServer, type SmtpServerOptions, type TestSmtpServer } from '../../helpers/smtp.ts';

const HOUR = 3_600_000;
/** A process of this machine that has exited: its pid is free (and not reused this soon). */
const deadPid = spawnSync(process.execPath, ['-e', '']).pid;
const DEAD = `${hostname()}:${deadPid}:deadbeef/1`;
/** A process of this machine that is alive: the one that started the tests. */
const ALIVE = `${hostname()}:${process.ppid}:cafebabe/1`;

let server: TestSmtpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A core on `serverOptions`'s server, on a clock the test moves, with an account for it; `queue` enqueues a message due now. */
async function setUp(serverOptions: SmtpServerOptions = {}, sender: { leaseMs?: number } = {}) {
  server = await startSmtpServer(serverOptions);
  const clock = new TestClock();
  const logged: string[] = [];
  const t = testCore(server, { clock, sender: { ...sender, log: (line) => logged.push(line) } });
  const account = await value(t.api.accounts.save(plainAccountFor(server)));
  const queue = async (subject: string) =>
    (await value(t.api.outbox.send({ accountId: account.id, to: ['ann@example.org'], subject, text: 'x', delaySeconds: 0 }))).id;
  /** `owner` claims the message as another process would, for an hour. */
  const claimAs = (owner: string, id: number) => expect(t.core.outbox.claim(owner, clock.now(), clock.now() + HOUR, { id })).toHaveLength(1);
  return { ...t, clock, logged, account, queue, claimAs };
}

describe('a lease owner', () => {
  it('is taken for a dead process only when it names this machine and a pid that no longer runs', () => {
    expect(isDeadOwner(DEAD)).toBe(true);
    expect(isDeadOwner(ALIVE)).toBe(false);
    expect(isDeadOwner(`${hostname()}:${process.pid}:mine/1`)).toBe(false);
    expect(isDeadOwner(`elsewhere.invalid:${deadPid}:deadbeef/1`)).toBe(false); // another machine's: cannot tell
    expect(isDeadOwner(hostname())).toBe(false);
    expect(isDeadOwner(`${hostname()}::x/1`)).toBe(false);
  });

  it("names this machine and process, and is each sender's own", () => {
    const t = testCore(undefined);
    const other = new OutboxSender(t.core.outbox, t.core.accounts);
    expect(t.core.sender.owner.split(':').slice(0, 2)).toEqual([hostname(), String(process.pid)]);
    expect(other.owner).not.toBe(t.core.sender.owner);
  });
});

describe("a dead process's lease", () => {
  it('is taken back by sendNow, which sends the message', async () => {
    const { core, queue, claimAs } = await setUp();
    const id = await queue('left by a crash');
    claimAs(DEAD, id);
    expect(await core.sender.sendNow(id)).toMatchObject({ state: 'sent' });
    expect(server!.messages).toHaveLength(1);
  });

  it('is taken back by a pass, which sends the message', async () => {
    const { core, queue, claimAs } = await setUp();
    const id = await queue('left by a crash');
    claimAs(DEAD, id);
    await core.sender.flush();
    expect(core.outbox.view(id).state).toBe('sent');
  });
});

describe('sendNow on a message it cannot claim', () => {
  it('answers with the message as it is while a live process holds it, and sends nothing', async () => {
    const { core, queue, claimAs } = await setUp();
    const id = await queue('theirs');
    claimAs(ALIVE, id);
    expect(await core.sender.sendNow(id)).toMatchObject({ id, state: 'sending' });
    await core.sender.flush();
    expect(core.outbox.row(id)).toMatchObject({ state: 'sending', lease_owner: ALIVE });
    expect(server!.messages).toEqual([]);
  });

  it("answers with the message still queued while its account's sending is paused", async () => {
    const { core, account, queue } = await setUp();
    const id = await queue('paused');
    core.accounts.pause(account.id, 'Sending is paused: the test says so.');
    expect(await core.sender.sendNow(id)).toMatchObject({ id, state: 'queued' });
    expect(server!.messages).toEqual([]);
  });

  it('refuses a message that is no longer queued, saying what it is', async () => {
    const { core, queue } = await setUp();
    const id = await queue('once');
    expect(await core.sender.sendNow(id)).toMatchObject({ state: 'sent' });
    await expect(core.sender.sendNow(id)).rejects.toMatchObject({ code: 'conflict', message: `Message ${id} is sent, not queued.` });
    expect(server!.messages).toHaveLength(1);
  });
});

describe('the lease of a message being sent', () => {
  const LEASE = 60_000;

  it.each([
    ['sendNow', (core: TestCore['core'], id: number) => core.sender.sendNow(id)],
    ['a pass', (core: TestCore['core']) => core.sender.flush()],
  ])('is renewed as long as %s takes: no other process takes the message, and it is sent; nothing is logged', async (_by, send) => {
    const recovered: number[] = [];
    let during = (): void => undefined;
    const { core, clock, queue, logged } = await setUp({ rcpt: () => (during(), undefined) }, { leaseMs: LEASE });
    // While the server holds RCPT TO, time goes on to several times the lease; another process looks for expired leases at each step.
    during = () => {
      for (let step = 0; step < 5; step += 1) {
        if (step > 0) clock.advance(LEASE / 2);
        recovered.push(core.outbox.recoverExpiredLeases(clock.now()));
      }
    };
    const id = await queue('slow');
    await send(core, id);
    expect(recovered).toEqual([0, 0, 0, 0, 0]);
    expect(core.outbox.view(id)).toMatchObject({ state: 'sent', attempts: 1 });
    expect(server!.messages).toHaveLength(1);
    expect(logged).toEqual([]);
  });
});
