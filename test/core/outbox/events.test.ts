/**
 * Every change of a message is announced with the state it is in now (the desktop's failure notices
 * and its keeping the machine awake go by it): queued, cancelled, taken back, sending, sent,
 * uncertain (a line dying after the dot, a repair bringing it back), marked sent, and the
 * recovery of a message whose sender stopped.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Core } from '../../../main/core/index.ts';
import { TestClock } from '../../helpers/clock.ts';
import { plainAccountFor, testCore, value } from '../../helpers/core.ts';
import { startSmtpServer } from '../../helpers/smtp.ts';

/** What was announced, beside what the message is at that moment ('gone': its row was removed). */
function announced(core: Core) {
  const heard: { id: number; said: string; is: string }[] = [];
  core.events.on('outboxChanged', ({ id, state }) => {
    let is: string;
    try {
      is = core.outbox.row(id).state;
    } catch {
      is = 'gone';
    }
    heard.push({ id, said: state, is });
  });
  return heard;
}

describe('what a change of a message announces', () => {
  it('the state it is in now, for every kind of change', async () => {
    const server = await startSmtpServer({ dropAfterData: (m) => m.parsed.subject === 'Line dies' });
    onTestFinished(() => server.close());
    const clock = new TestClock();
    const { core, api } = testCore(server, { clock });
    const account = await value(api.accounts.save(plainAccountFor(server)));
    await value(api.settings.save({ undoSeconds: 0 }));
    const heard = announced(core);
    const queue = async (subject: string) => (await value(api.outbox.send({ accountId: account.id, to: ['ann@example.org'], subject, text: 'x' }))).id;

    const takenBack = await queue('Taken back');
    const cancelled = await queue('Cancelled'); // after it: the id of a row taken back is not given again
    await value(api.outbox.cancel(cancelled));
    await value(api.outbox.takeBack(takenBack));
    const sent = await queue('Sent');
    await core.sender.sendNow(sent);
    const uncertain = await queue('Line dies');
    await core.sender.sendNow(uncertain);
    await value(api.outbox.markSent(uncertain));
    const stopped = await queue('Its sender stopped');
    core.db.prepare(`UPDATE messages SET state = 'sending', lease_owner = 'elsewhere:1:x', lease_until = ? WHERE id = ?`).run(clock.now() + 1, stopped);
    clock.advance(2);
    await core.sender.flush(); // recovers it first, then sends it
    expect(heard.filter((h) => h.said !== h.is && !(h.is === 'gone' && h.said === 'cancelled'))).toEqual([]);
    const saidOf = (id: number) => heard.filter((h) => h.id === id).map((h) => h.said);
    expect({
      cancelled: saidOf(cancelled),
      takenBack: saidOf(takenBack),
      sent: saidOf(sent).at(-1),
      uncertain: saidOf(uncertain).slice(-2),
      stopped: saidOf(stopped),
    }).toEqual({
      cancelled: ['queued', 'cancelled'],
      takenBack: ['queued', 'cancelled'],
      sent: 'sent',
      uncertain: ['uncertain', 'sent'],
      stopped: expect.arrayContaining(['queued', 'sent']),
    });
    expect(saidOf(stopped).indexOf('queued', 1)).toBeGreaterThan(0); // queued once more by the recovery

    // A row lost (as a damaged database loses it): its message comes back from its files as uncertain, and says so.
    const lost = await queue('Row lost');
    core.db.prepare('DELETE FROM recipients WHERE message_id = ?').run(lost);
    core.db.prepare('DELETE FROM messages WHERE id = ?').run(lost);
    heard.length = 0;
    expect(core.outbox.bringBack().count).toBe(1);
    expect(heard).toEqual([{ id: expect.any(Number), said: 'uncertain', is: 'uncertain' }]);
  });
});
