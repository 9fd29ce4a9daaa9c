/** Drafts: saved, listed, restored after the core is reopened (a restart), discarded; takeBack's shape. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { accountFor, tempHome, testCore, value } from '../../helpers/core.ts';

const server = { host: '127.0.0.1', port: 2525 };

describe('drafts', () => {
  it('save creates and updates, list is newest first, get and discard — and they survive reopening the core', async () => {
    const home = tempHome();
    const first = testCore(undefined, { home });
    const account = await value(first.api.accounts.save(accountFor(server, { username: '', passwordCommand: '' })));
    const attached = join(tempHome(), 'notes.txt');
    writeFileSync(attached, 'notes');
    const [picked] = await first.core.compose.gate.approve([attached]);

    const a = await value(first.api.drafts.save({ accountId: account.id, to: ['half typed@'], subject: 'First', text: 'hello' }));
    const b = await value(
      first.api.drafts.save({
        accountId: account.id,
        subject: 'Second',
        html: '<p onclick="x()">Hi <b>there</b></p>',
        replyTo: 'desk@outbound.test',
        attachments: [{ path: picked!.path }],
      }),
    );
    expect(a).toMatchObject({ accountId: account.id, identityId: null, to: ['half typed@'], subject: 'First', html: null, attachments: [], inline: [] });
    expect(b.html).toBe('<p>Hi <b>there</b></p>');
    expect(b.attachments).toEqual([{ path: picked!.path, name: 'notes.txt', size: 5 }]);
    const updated = await value(first.api.drafts.save({ id: a.id, accountId: account.id, to: ['ann@example.org'], subject: 'First, edited' }));
    expect(updated.id).toBe(a.id);
    expect((await value(first.api.drafts.list())).map((d) => d.subject)).toEqual(['First, edited', 'Second']);
    await first.core.close();

    // A new process: the draft's file is attachable again without being picked in this one.
    const second = testCore(undefined, { home });
    const restored = await value(second.api.drafts.get(b.id));
    expect(restored).toMatchObject({ subject: 'Second', replyTo: 'desk@outbound.test', attachments: [{ path: picked!.path, name: 'notes.txt', size: 5 }] });
    const queued = await value(second.api.outbox.send({ accountId: account.id, to: ['ann@example.org'], attachments: restored.attachments, draftId: b.id }));
    expect(queued.state).toBe('queued');
    expect((await value(second.api.drafts.list())).map((d) => d.id)).toEqual([a.id]); // sending it discarded the draft
    await value(second.api.drafts.discard(a.id));
    expect(await value(second.api.drafts.list())).toEqual([]);
    expect(await second.api.drafts.get(a.id)).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await second.api.drafts.save({ id: a.id, accountId: account.id })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('takeBack returns everything the composer needs to restore the message', async () => {
    const t = testCore(undefined);
    const account = await value(t.api.accounts.save(accountFor(server, { username: '', passwordCommand: '', identities: [{ email: 'alias@outbound.test' }] })));
    const staged = await value(t.api.attachments.stage('a.txt', Buffer.from('abc').toString('base64')));
    const queued = await value(
      t.api.outbox.send({
        accountId: account.id,
        identityId: account.identities[0]!.id,
        to: ['ann@example.org'],
        bcc: ['b@example.org'],
        subject: 'S',
        html: '<p>x</p>',
        replyTo: 'r@example.org',
        attachments: [{ path: staged.path }],
        delaySeconds: 10,
      }),
    );
    expect(await value(t.api.outbox.takeBack(queued.id))).toEqual({
      accountId: account.id,
      identityId: account.identities[0]!.id,
      to: ['ann@example.org'],
      cc: [],
      bcc: ['b@example.org'],
      subject: 'S',
      text: '',
      html: '<p>x</p>',
      replyTo: 'r@example.org',
      attachments: [{ path: staged.path, name: 'a.txt', size: 3 }],
      inline: [],
    });
  });

  it('takeBack of a message queued before rich text existed fills the new fields', async () => {
    const t = testCore(undefined);
    const account = await value(t.api.accounts.save(accountFor(server, { username: '', passwordCommand: '' })));
    const queued = await value(t.api.outbox.send({ accountId: account.id, to: ['ann@example.org'], subject: 'Old', delaySeconds: 10 }));
    t.core.db
      .prepare('UPDATE message_drafts SET content = ? WHERE message_id = ?')
      .run(JSON.stringify({ accountId: account.id, to: ['ann@example.org'], cc: [], bcc: [], subject: 'Old', text: 't' }), queued.id);
    expect(await value(t.api.outbox.takeBack(queued.id))).toEqual({
      accountId: account.id,
      identityId: null,
      to: ['ann@example.org'],
      cc: [],
      bcc: [],
      subject: 'Old',
      text: 't',
      html: null,
      replyTo: null,
      attachments: [],
      inline: [],
    });
  });
});
