/**
 * Outbound as separate processes on one data directory, as the app and the CLI are: killed with
 * SIGKILL in the middle of sending, at points counted from what the server has received (no message
 * lost; nothing received twice; what may have gone out, and every message the kill cut off between
 * the end of data and its record as sent, is `uncertain`), and two flushing at once (each message
 * received exactly once).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../main/core/db/index.ts';
import { openCore } from '../../../main/core/index.ts';
import { databaseFile } from '../../../main/core/paths.ts';
import type { MessageState } from '../../../preload/common/contract/index.ts';
import { accountFor, tempHome, value } from '../../helpers/core.ts';
import { inProcessApi } from '../../../main/hosts/in-process.ts';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.ts';

const FLUSH = join(import.meta.dirname, '..', '..', 'fixtures', 'flush.ts');

let server: TestSmtpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A data directory with `count` messages queued to `server` (no AUTH, plain: the processes, not TLS, are under test). */
async function queued(count: number): Promise<{ home: string; messageIds: string[] }> {
  const home = tempHome();
  const core = openCore({ home, autoSend: false });
  const api = inProcessApi(core);
  const account = await value(
    api.accounts.save(
      accountFor(server!, {
        security: 'none',
        username: '',
        passwordCommand: '',
        maxPerMinute: 100_000,
        maxConnections: 4,
      }),
    ),
  );
  const messageIds: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const message = await value(api.outbox.send({ accountId: account.id, to: [`r${i}@example.org`], subject: `m${i}`, text: `message ${i}`, delaySeconds: 0 }));
    messageIds.push(message.messageId);
  }
  await core.close();
  return { home, messageIds };
}

interface FlushProcess {
  /** The signal that ended it, or its exit code. */
  exited: Promise<NodeJS.Signals | number | null>;
  kill(): void;
}

function flushProcess(home: string, workers = 2): FlushProcess {
  const env = { ...process.env, OUTBOUND_HOME: home, OUTBOUND_TEST_WORKERS: String(workers) };
  const child = spawn(process.execPath, [FLUSH], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code && code !== 0) reject(new Error(`flush process failed (${code}): ${stderr}`));
      else resolve(signal ?? code);
    });
  });
  return { exited, kill: () => child.kill('SIGKILL') };
}

/** Deterministic randomness, so a failing round can be replayed. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

const receivedCounts = (s: TestSmtpServer) =>
  s.messages.reduce((counts, m) => counts.set(m.parsed.messageId!, (counts.get(m.parsed.messageId!) ?? 0) + 1), new Map<string, number>());

/** Where in its sending a round's process is killed: once the server has received this many more messages, and this many ms later. */
interface KillPoint {
  afterMessages: number;
  thenMs: number;
}

/**
 * Killed rounds on `home`, each at its kill point: the kill lands in the middle of the process's
 * work (not in Node's start-up), the server's count being what the process has reached. Returns, per
 * round, the messages cut mid-send: received by the server (end of data and all), yet not recorded
 * as sent when the process died.
 */
async function killedRounds(home: string, points: KillPoint[]): Promise<string[][]> {
  const db = openDatabase(databaseFile(home));
  const stateOf = db.prepare<[string], { state: MessageState }>('SELECT state FROM messages WHERE message_id = ?');
  const cut: string[][] = [];
  try {
    for (const [round, { afterMessages, thenMs }] of points.entries()) {
      const s = server!;
      const before = s.messages.length;
      const child = flushProcess(home);
      const killing = s.waitForMessages(before + afterMessages, 30_000).then(async () => {
        if (thenMs) await sleep(thenMs);
        child.kill();
      });
      const [ended] = await Promise.all([child.exited, killing]);
      expect(ended, `round ${round} was killed, not ended by itself`).toBe('SIGKILL');
      // Everything that arrived on its connections has been handled: what the server has of this round is all it will have.
      await s.until(() => s.connectionsClosed === s.connectionsOpened, `round ${round}'s connections to close`);
      const received = s.messages.slice(before).map((m) => m.parsed.messageId!);
      cut.push(received.filter((id) => stateOf.get(id)?.state !== 'sent'));
    }
  } finally {
    db.close();
  }
  return cut;
}

/**
 * What the outbox says of each message against what the server received: nothing lost; nothing
 * received twice, not even among the `uncertain` (never resent by themselves); what may have gone
 * out is `uncertain`, and so is every message cut mid-send.
 */
async function expectNothingLostOrDoubled(home: string, messageIds: string[], cutMidSend: string[]): Promise<string[]> {
  const core = openCore({ home, autoSend: false });
  try {
    const all = messageIds.length;
    const states = new Map([...core.outbox.list('outbox', all), ...core.outbox.list('sent', all)].map((m) => [m.messageId, m.state]));
    const counts = receivedCounts(server!);
    for (const id of messageIds) {
      const state = states.get(id);
      expect(['sent', 'uncertain'], `${id} is ${state}`).toContain(state);
      if (state === 'sent') expect(counts.get(id), `${id} sent`).toBe(1);
    }
    expect(
      [...counts].filter(([, n]) => n > 1),
      'received more than once',
    ).toEqual([]);
    expect(
      [...counts.keys()].filter((id) => !messageIds.includes(id)),
      'received, never queued',
    ).toEqual([]);
    expect(
      cutMidSend.filter((id) => states.get(id) !== 'uncertain'),
      'cut mid-send, yet not uncertain',
    ).toEqual([]);
    return messageIds.filter((id) => states.get(id) === 'uncertain');
  } finally {
    await core.close();
  }
}

/** Kill points from the seed: `afterMessages` in 1…maxMessages, `thenMs` in 0…maxMs, a third of them at once. */
function killPoints(seed: number, rounds: number, maxMessages: number, maxMs: number): KillPoint[] {
  const random = prng(seed);
  return Array.from({ length: rounds }, () => ({
    afterMessages: 1 + Math.floor(random() * maxMessages),
    thenMs: random() < 1 / 3 ? 0 : Math.floor(random() * maxMs),
  }));
}

describe('several Outbound processes on one data directory', () => {
  /**
   * Queues enough for the rounds (each sends up to its kill point, and at most `slack` more before
   * the kill lands), runs them and a final process that may finish, and checks the outcome. At least
   * `share` of the rounds must have been cut mid-send, and so must every round killed at once when
   * `atOnceCuts` (the server then has yet to reply to the message that just arrived).
   */
  async function survivesKills(points: KillPoint[], { slack, share, atOnceCuts }: { slack: number; share: number; atOnceCuts: boolean }) {
    const { home, messageIds } = await queued(points.reduce((n, p) => n + p.afterMessages + slack, 0));
    const cut = await killedRounds(home, points);
    await flushProcess(home, 4).exited;
    const uncertain = await expectNothingLostOrDoubled(home, messageIds, cut.flat());
    const cutRounds = cut.filter((ids) => ids.length > 0).length;
    console.log(
      `cut mid-send: ${cutRounds} of ${points.length} rounds (${cut.flat().length} messages); uncertain: ${uncertain.length} of ${messageIds.length}`,
    );
    const perRound = points.map((p, i) => `${p.afterMessages}+${p.thenMs}ms:${cut[i]!.length}`).join(' ');
    expect(cutRounds / points.length, `rounds cut mid-send (kill point: messages cut) ${perRound}`).toBeGreaterThanOrEqual(share);
    if (atOnceCuts)
      expect(
        points.filter((p, i) => p.thenMs === 0 && cut[i]!.length === 0),
        'killed at once, not cut',
      ).toEqual([]);
  }

  it('survives SIGKILL in every stage of sending, 30 rounds: nothing lost, nothing sent twice, what was cut mid-send uncertain', async () => {
    // A server that takes 30 ms at MAIL, RCPT and the final reply: a kill up to 100 ms after a message arrived lands between the end of
    // data and the server's reply (cut mid-send), in the claim after it, or in any stage of the next message.
    server = await startSmtpServer({ slowMs: 30 });
    const points = killPoints(Number(process.env.OUTBOUND_CRASH_SEED ?? 20261128), 30, 4, 100);
    await survivesKills(points, { slack: 5, share: 0.4, atOnceCuts: true });
  }, 120_000);

  it('survives SIGKILL while connections claim ahead and carry sent outcomes on a fast server, 15 rounds', async () => {
    // Milliseconds per message: each connection claims several messages at once, sends them in turn, and records their outcomes later.
    server = await startSmtpServer();
    const points = killPoints(Number(process.env.OUTBOUND_CRASH_SEED ?? 20261129), 15, 100, 20);
    await survivesKills(points, { slack: 50, share: 0.6, atOnceCuts: false });
  }, 120_000);

  it('two processes flushing the same outbox deliver each message exactly once', async () => {
    server = await startSmtpServer();
    const { home, messageIds } = await queued(30);
    await Promise.all([flushProcess(home).exited, flushProcess(home).exited]);
    const counts = receivedCounts(server);
    expect(messageIds.map((id) => counts.get(id) ?? 0)).toEqual(messageIds.map(() => 1));
    const core = openCore({ home, autoSend: false });
    expect(core.outbox.list('sent')).toHaveLength(30);
    await core.close();
  }, 60_000);
});
