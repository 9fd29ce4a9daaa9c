/** Identities, limits kept through a save, the one default account, and what removing an account does to its unsent mail. */
import { describe, expect, it, onTestFinished } from 'vitest';
import { NEW_ACCOUNT_LIMITS, type OutboxChange } from '../../../preload/common/contract/index.ts';
import { testCore, value } from '../../helpers/core.ts';

const account = (name: string, extra: object = {}) => ({
  name,
  email: `${name.toLowerCase()}@example.org`,
  host: 'smtp.example.org',
  port: 465,
  security: 'tls' as const,
  ...extra,
});

describe('accounts', () => {
  it('keep From aliases with their own display name, Reply-To and signature; saving the list adds, updates and removes', async () => {
    const { api } = testCore(undefined);
    const saved = await value(
      api.accounts.save(
        account('Work', {
          replyTo: 'team@example.org',
          signature: '-- \nAnn',
          identities: [
            { email: 'Sales <sales@example.org>', displayName: 'Ann from Sales', replyTo: 'sales-team@example.org', signature: '-- \nSales' },
            { email: 'ann@example.net', displayName: 'Ann' },
          ],
        }),
      ),
    );
    expect(saved).toMatchObject({ replyTo: 'team@example.org', signature: '-- \nAnn', isDefault: true });
    expect(saved.identities).toMatchObject([
      { email: 'sales@example.org', displayName: 'Ann from Sales', replyTo: 'sales-team@example.org', signature: '-- \nSales' },
      { email: 'ann@example.net', displayName: 'Ann', replyTo: null, signature: '' },
    ]);
    const [sales] = saved.identities;
    const edited = await value(
      api.accounts.save({
        ...account('Work'),
        id: saved.id,
        identities: [{ ...sales!, displayName: 'Sales desk', replyTo: '' }, { email: 'new@example.org' }],
      }),
    );
    expect(edited.identities.map((i) => [i.id === sales!.id, i.email, i.displayName, i.replyTo])).toEqual([
      [true, 'sales@example.org', 'Sales desk', null],
      [false, 'new@example.org', '', null],
    ]);
    // Leaving the list out keeps it.
    expect((await value(api.accounts.save({ ...account('Work'), id: saved.id }))).identities).toHaveLength(2);
    expect(await api.accounts.save({ ...account('Work'), id: saved.id, identities: [{ email: 'not an address' }] })).toMatchObject({
      ok: false,
      error: { field: 'identities.0.email' },
    });
  });

  it('keep their limits through a save that leaves them out (as the editor form does); a new account starts with the defaults', async () => {
    const { api } = testCore(undefined);
    const created = await value(api.accounts.save(account('Work')));
    expect(created).toMatchObject(NEW_ACCOUNT_LIMITS);
    expect(NEW_ACCOUNT_LIMITS).toEqual({ maxPerMinute: 30, maxConnections: 2, retryDays: 5 });
    const limited = await value(api.accounts.save({ ...account('Work'), id: created.id, maxPerMinute: 7, maxConnections: 3, retryDays: 0.5 }));
    expect(limited).toMatchObject({ maxPerMinute: 7, maxConnections: 3, retryDays: 0.5 });
    // The editor's save: every field it shows, none of the limits.
    const edited = await value(api.accounts.save({ ...account('Work'), id: created.id, signature: 'Ann', displayName: 'Ann', replyTo: '', identities: [] }));
    expect(edited).toMatchObject({ signature: 'Ann', maxPerMinute: 7, maxConnections: 3, retryDays: 0.5 });
    expect(await value(api.accounts.save({ ...account('Work'), id: created.id, retryDays: 2 }))).toMatchObject({
      maxPerMinute: 7,
      maxConnections: 3,
      retryDays: 2,
    });
    expect(await api.accounts.save({ ...account('Work'), id: created.id, maxConnections: 0 })).toMatchObject({ ok: false, error: { field: 'maxConnections' } });
  });

  it('have exactly one default: the first, or the one chosen; removing it hands the role on', async () => {
    const { api } = testCore(undefined);
    const a = await value(api.accounts.save(account('A')));
    const b = await value(api.accounts.save(account('B')));
    expect([a.isDefault, b.isDefault]).toEqual([true, false]);
    await value(api.accounts.save({ ...account('B'), id: b.id, isDefault: true }));
    expect((await value(api.accounts.list())).map((x) => [x.name, x.isDefault])).toEqual([
      ['A', false],
      ['B', true],
    ]);
    await value(api.accounts.remove(b.id));
    expect((await value(api.accounts.list())).map((x) => [x.name, x.isDefault])).toEqual([['A', true]]);
  });

  it('are not removed with unsent mail unless it is cancelled or moved to another account', async () => {
    const { api } = testCore(undefined);
    const a = await value(api.accounts.save(account('A')));
    const b = await value(api.accounts.save(account('B')));
    const queued = await value(api.outbox.send({ accountId: a.id, to: ['x@example.org'], subject: 'later', text: 'x', delaySeconds: 30 }));
    expect((await value(api.accounts.list())).find((x) => x.id === a.id)?.waiting).toBe(1);
    expect(await api.accounts.remove(a.id)).toMatchObject({
      ok: false,
      error: { code: 'conflict', message: expect.stringMatching(/still has 1 message in the outbox/) },
    });
    expect(await api.accounts.remove(a.id, { queued: 'move' })).toMatchObject({ ok: false, error: { field: 'toAccountId' } });
    await value(api.accounts.remove(a.id, { queued: 'move', toAccountId: b.id }));
    expect(await value(api.outbox.list())).toMatchObject([{ id: queued.id, accountId: b.id, accountName: 'B', state: 'queued' }]);
    await value(api.accounts.remove(b.id, { queued: 'cancel' }));
    expect(await value(api.outbox.list())).toEqual([]);
  });

  it('are removed through the outbox store: each message cancelled or moved is announced, a refusal changes nothing', async () => {
    const { api, core } = testCore(undefined);
    const a = await value(api.accounts.save(account('A')));
    const b = await value(api.accounts.save(account('B')));
    const ids: number[] = [];
    for (const subject of ['one', 'two'])
      ids.push((await value(api.outbox.send({ accountId: a.id, to: ['x@example.org'], subject, text: 'x', delaySeconds: 30 }))).id);
    const seen: OutboxChange[] = [];
    onTestFinished(core.events.on('outboxChanged', (change) => seen.push(change)));

    expect(await api.accounts.remove(a.id, { queued: 'move' })).toMatchObject({ ok: false });
    expect(seen).toEqual([]);
    await value(api.accounts.remove(a.id, { queued: 'move', toAccountId: b.id }));
    expect(seen).toEqual(ids.map((id) => ({ id, state: 'queued' })));
    // The same frozen bytes (From: A's address), from B's envelope sender.
    expect(ids.map((id) => core.outbox.row(id)).map((m) => [m.account_id, m.account_name, m.envelope_from, m.from_header])).toEqual(
      ids.map(() => [b.id, 'B', 'b@example.org', 'a@example.org']),
    );

    seen.length = 0;
    await value(api.accounts.remove(b.id, { queued: 'cancel' }));
    expect(seen).toEqual(ids.map((id) => ({ id, state: 'cancelled' })));
    expect(ids.map((id) => core.outbox.view(id).state)).toEqual(['cancelled', 'cancelled']);
  });
});
