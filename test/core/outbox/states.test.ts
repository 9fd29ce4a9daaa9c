/**
 * The one table of a message's moves between states (TRANSITIONS) and the guard every change of state
 * goes through: each move in the table is made, each other is refused and leaves the row as it was;
 * the user's choices are refused, in words, from any state they are not for; and no other code
 * writes a message's state.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MESSAGE_STATES, type MessageState } from '../../../preload/common/contract/index.ts';
import { UNSENT } from '../../../main/core/outbox/store/index.ts';
import { changeState, TRANSITIONS } from '../../../main/core/outbox/store/states.ts';
import { plainAccountFor, testCore, value, type TestCore } from '../../helpers/core.ts';

async function oneMessage(t: TestCore): Promise<number> {
  const account = await value(t.api.accounts.save(plainAccountFor({ host: '127.0.0.1', port: 2525 })));
  const message = await value(t.api.outbox.send({ accountId: account.id, to: ['ann@example.org', 'bob@example.org'], subject: 's', text: 't' }));
  return message.id;
}

/** When the fixture's sent message was sent: far from today, so that no test depends on the day. */
const SENT_AT = Date.UTC(2999, 0, 1, 4, 0);

/** The fixture puts the message in `state` directly, past the guard, as only a test may (a sent one with its time). */
function putIn(t: TestCore, id: number, state: MessageState) {
  t.core.db
    .prepare(`UPDATE messages SET state = @state, sent_at = CASE @state WHEN 'sent' THEN @sentAt END WHERE id = @id`)
    .run({ state, id, sentAt: SENT_AT });
  return snapshot(t, id);
}

const snapshot = (t: TestCore, id: number) => ({
  message: t.core.db.prepare('SELECT * FROM messages WHERE id = ?').get(id),
  recipients: t.core.db.prepare('SELECT * FROM recipients WHERE message_id = ? ORDER BY position').all(id),
});

const allowed = (from: MessageState, to: MessageState) => TRANSITIONS[from].includes(to);
const moves = MESSAGE_STATES.flatMap((from) => MESSAGE_STATES.map((to) => [from, to] as const));

describe('the states of a message', () => {
  it('the table names every state, and a message can leave exactly the unsent ones', () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...MESSAGE_STATES].sort());
    // What the outbox does (ARCHITECTURE.md, "The outbox"); a new move is a decision, made here too.
    expect(moves.filter(([from, to]) => allowed(from, to)).map(([from, to]) => `${from} → ${to}`)).toEqual([
      'queued → queued',
      'queued → sending',
      'queued → cancelled',
      'sending → queued',
      'sending → sent',
      'sending → failed',
      'sending → uncertain',
      'failed → queued',
      'failed → cancelled',
      'uncertain → queued',
      'uncertain → sent',
      'uncertain → cancelled',
    ]);
    const t = testCore(undefined);
    const unsent = t.core.db.prepare(`SELECT ${UNSENT} AS unsent FROM (SELECT ? AS state)`);
    for (const state of MESSAGE_STATES) {
      expect({ state, unsent: (unsent.get(state) as { unsent: number }).unsent === 1 }).toEqual({ state, unsent: TRANSITIONS[state].length > 0 });
    }
  });

  it('the guard makes each move in the table, and refuses every other with the row unchanged: to a given state, or to one given per row', async () => {
    const t = testCore(undefined);
    const id = await oneMessage(t);
    const given = t.core.db.prepare(changeState({ to: { sql: '@to' }, set: 'updated_at = updated_at + 1', where: 'id = @id' }));
    const seen: string[] = [];
    for (const [from, to] of moves) {
      const fixed = t.core.db.prepare(changeState({ to, set: 'updated_at = updated_at + 1', where: 'id = @id' }));
      for (const statement of [fixed, given]) {
        const before = putIn(t, id, from);
        const { changes } = statement.run({ id, to });
        const after = snapshot(t, id);
        if (allowed(from, to)) expect(after.message).toMatchObject({ state: to });
        else expect(after).toEqual(before);
        seen.push(`${from} → ${to}: ${changes === 1 ? 'made' : 'refused'}`);
      }
    }
    expect(seen).toEqual(moves.flatMap(([from, to]) => Array(2).fill(`${from} → ${to}: ${allowed(from, to) ? 'made' : 'refused'}`)));
  });

  it("the user's choices are made from the states they are for and refused from any other, in words of the message's state, the message unchanged", async () => {
    const t = testCore(undefined);
    const id = await oneMessage(t);
    const choices = {
      cancel: { from: ['queued', 'failed', 'uncertain'], to: 'cancelled', refused: '' },
      retry: { from: ['queued', 'failed'], to: 'queued', refused: 'only queued or failed messages can be retried' },
      resend: { from: ['uncertain'], to: 'queued', refused: 'only a message whose delivery is uncertain can be sent again this way' },
      markSent: { from: ['uncertain'], to: 'sent', refused: 'only a message whose delivery is uncertain can be marked as sent' },
    } as const satisfies Record<string, { from: readonly MessageState[]; to: MessageState; refused: string }>;
    // Whatever was asked, a message past the user's decisions is refused with where it is.
    const beyondChoice: Partial<Record<MessageState, string>> = {
      sending: `Message ${id} is being sent right now: wait for the attempt to finish.`,
      sent: `Message ${id} was sent on ${new Date(SENT_AT).toLocaleString()}.`,
      cancelled: `Message ${id} is already cancelled.`,
    };
    for (const [name, { from, to, refused }] of Object.entries(choices)) {
      for (const state of MESSAGE_STATES) {
        const before = putIn(t, id, state);
        const result = await t.api.outbox[name as keyof typeof choices](id);
        if ((from as readonly MessageState[]).includes(state)) {
          expect(allowed(state, to)).toBe(true);
          expect(result).toMatchObject({ ok: true, value: { id, state: to } });
        } else {
          expect(result).toMatchObject({ ok: false, error: { code: 'conflict', message: beyondChoice[state] ?? `Message ${id} is ${state}: ${refused}.` } });
          expect(snapshot(t, id)).toEqual(before);
        }
      }
    }
  });

  it('sending again a message whose account is gone is refused with what to do; an account for its sender makes it that account’s', async () => {
    const t = testCore(undefined);
    const id = await oneMessage(t);
    putIn(t, id, 'uncertain');
    t.core.db.prepare('UPDATE messages SET account_id = NULL WHERE id = ?').run(id);
    t.core.db.prepare('DELETE FROM accounts').run();
    const before = snapshot(t, id);
    expect(await t.api.outbox.resend(id)).toMatchObject({
      ok: false,
      error: {
        code: 'conflict',
        message: `Message ${id} is uncertain: it has no account to send from any more: add an account for its sender first, then send it again.`,
      },
    });
    expect(snapshot(t, id)).toEqual(before);
    const again = await value(t.api.accounts.save(plainAccountFor({ host: '127.0.0.1', port: 2525 }, { name: 'Again' })));
    expect(await value(t.api.outbox.resend(id))).toMatchObject({ state: 'queued', accountId: again.id });
  });

  it("no UPDATE but the guard's sets a message's state", () => {
    const main = path.resolve(import.meta.dirname, '..', '..', '..', 'main');
    const guard = path.join('core', 'outbox', 'store', 'states.ts');
    const writers = readdirSync(main, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts') && file !== guard)
      .filter((file) =>
        [...readFileSync(path.join(main, file), 'utf8').matchAll(/UPDATE\s+messages\s+SET\s((?:(?!WHERE)[\s\S])*)/gi)].some(([, set]) =>
          /(^|[\s,(])state\s*=/.test(set!),
        ),
      );
    expect(writers).toEqual([]);
  });
});
