/** Templates through the contract: kept by name, for any From or one identity, HTML sanitised, gone with their account. */
import { describe, expect, it } from 'vitest';
import { plainAccountFor, testCore, value } from '../../helpers/core.ts';

async function setUp() {
  const t = testCore(undefined);
  const account = await value(
    t.api.accounts.save({
      ...plainAccountFor({ host: '127.0.0.1', port: 1 }),
      identities: [{ email: 'sales@outbound.test', displayName: 'Sales', signature: '' }],
    }),
  );
  return { ...t, account, identity: account.identities[0]! };
}

describe('templates', () => {
  it('are saved, listed by name, replaced and removed', async () => {
    const { api, account, identity } = await setUp();
    const weekly = await value(api.templates.save({ name: ' Weekly report ', accountId: null, identityId: null, subject: 'Week', text: 'Done:\n-' }));
    expect(weekly).toMatchObject({ name: 'Weekly report', accountId: null, identityId: null, subject: 'Week', text: 'Done:\n-', html: null });
    const offer = await value(
      api.templates.save({
        name: 'an offer',
        accountId: account.id,
        identityId: identity.id,
        subject: 'Our offer',
        text: '',
        html: '<p>Hi <b>there</b><script>x()</script></p>',
      }),
    );
    expect(offer.html).toBe('<p>Hi <b>there</b></p>');
    expect((await value(api.templates.list())).map((t) => t.name)).toEqual(['an offer', 'Weekly report']);
    await value(api.templates.save({ id: weekly.id, name: 'Weekly report', accountId: null, identityId: null, subject: 'This week', text: 'Done:' }));
    expect((await value(api.templates.list())).find((t) => t.id === weekly.id)?.subject).toBe('This week');
    await value(api.templates.remove(weekly.id));
    expect(await api.templates.remove(weekly.id)).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('refuse what is not one: no name, an identity of another account or of none', async () => {
    const { api, account } = await setUp();
    expect(await api.templates.save({ name: '  ', accountId: null, identityId: null, subject: '', text: '' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', field: 'name' },
    });
    expect(await api.templates.save({ name: 'x', accountId: account.id, identityId: 999, subject: '', text: '' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', field: 'identityId' },
    });
    expect(await api.templates.save({ name: 'x', accountId: null, identityId: 1, subject: '', text: '' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', field: 'identityId' },
    });
  });

  it('go with their account when it is removed; the ones for any From stay', async () => {
    const { api, account } = await setUp();
    await value(api.templates.save({ name: 'mine', accountId: account.id, identityId: null, subject: '', text: 'x' }));
    await value(api.templates.save({ name: 'anyone', accountId: null, identityId: null, subject: '', text: 'y' }));
    await value(api.accounts.remove(account.id, { queued: 'cancel' }));
    expect((await value(api.templates.list())).map((t) => t.name)).toEqual(['anyone']);
  });
});
