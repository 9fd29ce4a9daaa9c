/** The boundary every transport goes through: unknown methods and bad payloads get typed errors and change nothing. */
import { describe, expect, it } from 'vitest';
import { createApi } from '../../main/hosts/api.ts';
import { createDispatch } from '../../main/hosts/dispatch.ts';
import { methodChannels } from '../../preload/common/contract/index.ts';
import { testCore } from '../helpers/core.ts';

describe('dispatch', () => {
  it("knows exactly the contract's channels", () => {
    // A new method is a decision about what the page may call: it is added here, on purpose.
    expect([...methodChannels].sort()).toEqual([
      'accounts.discover',
      'accounts.find',
      'accounts.list',
      'accounts.makeDefault',
      'accounts.providers',
      'accounts.remove',
      'accounts.save',
      'accounts.signIn',
      'accounts.test',
      'accounts.testSettings',
      'accounts.trustCertificate',
      'attachments.pick',
      'attachments.stage',
      'compose.checkDomains',
      'compose.fromMailto',
      'compose.sizeLimit',
      'desktop.get',
      'desktop.makeDefaultMailApp',
      'desktop.offerStartAtLogin',
      'desktop.setStartAtLogin',
      'drafts.discard',
      'drafts.get',
      'drafts.list',
      'drafts.page',
      'drafts.save',
      'outbox.attempts',
      'outbox.cancel',
      'outbox.cancelAll',
      'outbox.connectivity',
      'outbox.flush',
      'outbox.get',
      'outbox.list',
      'outbox.markSent',
      'outbox.page',
      'outbox.resend',
      'outbox.retry',
      'outbox.retryAll',
      'outbox.send',
      'outbox.sendNow',
      'outbox.submitRaw',
      'outbox.takeBack',
      'sent.attachment',
      'sent.content',
      'sent.editAsNew',
      'sent.eml',
      'sent.list',
      'sent.page',
      'sent.retryCopy',
      'settings.get',
      'settings.save',
      'templates.list',
      'templates.remove',
      'templates.save',
      'testInbox.create',
      'testInbox.empty',
      'testInbox.get',
      'testInbox.list',
      'testInbox.setFault',
      'testInbox.status',
    ]);
    expect(methodChannels.every((channel) => /^[a-z][a-zA-Z]+\.[a-zA-Z]+$/.test(channel))).toBe(true);
  });

  it.each([
    ['toString', []],
    ['accounts.constructor', []],
    ['__proto__.x', []],
    ['accounts.list.extra', []],
    ['', []],
  ])('refuses the unknown channel %j', async (channel, args) => {
    const { core } = testCore(undefined);
    const dispatch = createDispatch(createApi(core), core.home);
    expect(await dispatch(channel, args)).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringMatching(/^Unknown method/) } });
  });

  it.each([
    ['accounts.remove', ['1']],
    ['accounts.remove', [-1]],
    ['accounts.remove', [1, 2]],
    ['accounts.makeDefault', ['1']],
    ['accounts.trustCertificate', [1]],
    ['accounts.trustCertificate', [1, 'AB:CD\nInjected: yes']],
    ['accounts.save', [{ name: 'x' }]],
    ['accounts.save', [{ name: 'x', email: 'x@example.org', host: 'h.example.org', port: 587, security: 'ssl' }]],
    ['accounts.save', [{ name: 'x\nInjected: yes', email: 'x@example.org', host: 'h.example.org', port: 587, security: 'tls' }]],
    ['outbox.send', [{ accountId: 1, to: 'not-an-array' }]],
    ['outbox.send', [{ accountId: 1, to: ['a@example.org'], text: 'x'.repeat(20_000_001) }]],
    ['outbox.send', [null]],
    ['outbox.list', [{ unexpected: true }]],
    ['outbox.flush', [1]],
    ['sent.list', [{ limit: 0 }]],
    ['sent.list', [{ limit: 1001 }]],
    ['accounts.find', ['Work\nInjected: yes']],
  ])('%s %j → a typed invalid_input error, nothing written', async (channel, args) => {
    const { core } = testCore(undefined);
    const dispatch = createDispatch(createApi(core), core.home);
    const result = await dispatch(channel, args);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(core.db.prepare('SELECT (SELECT count(*) FROM accounts) + (SELECT count(*) FROM messages) AS n').get()).toEqual({ n: 0 });
  });

  it("carries each of the core's events to its own subscribers in-process, until they unsubscribe", () => {
    const { core, api } = testCore(undefined);
    const opened: unknown[] = [];
    const changed: unknown[] = [];
    const stop = api.onMailtoOpened((view) => opened.push(view));
    api.onOutboxChanged((change) => changed.push(change));
    core.compose.openMailto('mailto:ann@example.org?subject=Hi');
    stop();
    core.compose.openMailto('mailto:bob@example.org');
    expect(opened).toMatchObject([{ to: ['ann@example.org'], subject: 'Hi' }]);
    expect(changed).toEqual([]);
  });

  it('turns an unexpected failure into an internal error without leaking the payload', async () => {
    const { core } = testCore(undefined);
    const logged: string[] = [];
    const dispatch = createDispatch(
      {
        ...createApi(core),
        sent: {
          ...createApi(core).sent,
          list: () => {
            throw new Error('disk on fire');
          },
        },
      },
      core.home,
      (line) => logged.push(line),
    );
    const result = await dispatch('sent.list', []);
    expect(result).toEqual({ ok: false, error: { code: 'internal', message: expect.stringMatching(/nothing was changed/) } });
    expect(logged.join()).toMatch(/sent\.list failed: Error: disk on fire/);
  });
});
