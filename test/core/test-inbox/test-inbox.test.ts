/**
 * The built-in test inbox (issue 18) against the real core: its server on 127.0.0.1 with STARTTLS on
 * the certificate its account pins and AUTH with the password in the keychain (or in memory with no
 * keychain); what arrives is listed, opened and emptied; the fault switch refuses, defers and goes
 * away; a restart keeps it all; it listens on loopback only and relays nothing.
 */
import { networkInterfaces } from 'node:os';
import { connect } from 'node:net';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { AppError } from '../../../main/core/app-error.ts';
import { openCore, type Core } from '../../../main/core/index.ts';
import { inProcessApi } from '../../../main/hosts/in-process.ts';
import { tempHome, value, withTestDns } from '../../helpers/core.ts';
import { hasPrivateKeyring, testKeychain } from '../../helpers/keychain.ts';
import { startSmtpServer } from '../../helpers/smtp.ts';
import type { SecretStore } from '../../../main/core/accounts/secrets.ts';

function open(home: string, secrets: SecretStore = testKeychain()): { core: Core; api: ReturnType<typeof inProcessApi> } {
  const core = openCore({ ...withTestDns({}), home, autoSend: false, secrets });
  onTestFinished(() => core.close());
  return { core, api: inProcessApi(core) };
}

const noKeychain: SecretStore = {
  get: () => Promise.reject(new AppError('keychain_unavailable', 'none here')),
  set: () => Promise.reject(new AppError('keychain_unavailable', 'none here')),
  delete: () => Promise.reject(new AppError('keychain_unavailable', 'none here')),
};

async function send(api: ReturnType<typeof inProcessApi>, core: Core, accountId: number, to: string[], subject: string) {
  const queued = await value(api.outbox.send({ accountId, to, subject, text: 'Hello from the test inbox test.', html: '<p>Hello <b>there</b></p>' }));
  return core.sender.sendNow(queued.id);
}

describe.skipIf(!hasPrivateKeyring && !process.env.CI)('the test inbox', () => {
  it('takes a real account through TLS and AUTH; what arrives is listed, opened, kept over a restart, and emptied', async () => {
    const home = tempHome();
    const secrets = testKeychain();
    let { core, api } = open(home, secrets);
    const account = await value(api.testInbox.create({}));
    expect(account).toMatchObject({ name: 'Test inbox', host: '127.0.0.1', security: 'starttls', username: 'outbound', secretSource: 'keychain' });
    expect(account.tlsFingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(await secrets.secrets()).toHaveLength(1); // its password, in the keychain
    expect(await value(api.testInbox.create({}))).toMatchObject({ id: account.id }); // once

    const test = await value(api.accounts.test(account.id));
    expect(test.ok).toBe(true);
    expect((await send(api, core, account.id, ['ann@example.org', 'bob@example.net'], 'First')).state).toBe('sent');
    const [listed] = await value(api.testInbox.list());
    expect(listed).toMatchObject({
      envelopeFrom: 'you@test-inbox.localhost',
      envelopeTo: ['ann@example.org', 'bob@example.net'],
      from: 'You <you@test-inbox.localhost>',
      subject: 'First',
    });
    const opened = await value(api.testInbox.get(listed!.id));
    expect(opened).toMatchObject({
      to: 'ann@example.org, bob@example.net',
      text: expect.stringContaining('Hello from the test inbox test.'),
      html: '<p>Hello <b>there</b></p>',
    });
    expect(opened.source).toMatch(/^[\s\S]*Subject: First\r\n/);

    await core.close();
    ({ core, api } = open(home, secrets));
    expect(await value(api.testInbox.status())).toMatchObject({ accountId: account.id, port: account.port, fault: 'none' });
    expect((await send(api, core, account.id, ['carol@example.org'], 'After a restart')).state).toBe('sent');
    expect((await value(api.testInbox.list())).map((m) => m.subject)).toEqual(['After a restart', 'First']);

    await value(api.testInbox.empty());
    expect(await value(api.testInbox.list())).toEqual([]);
    expect(readdirSync(path.join(home, 'test-inbox')).filter((f) => f.endsWith('.eml'))).toEqual([]);
  });

  it('the fault switch: every recipient but the first refused (550), all deferred (451), away; back, the queue goes', async () => {
    const { core, api } = open(tempHome());
    const { id } = await value(api.testInbox.create({ name: 'Try' }));
    await value(api.testInbox.setFault('reject'));
    const rejected = await send(api, core, id, ['ann@example.org', 'bob@example.net'], 'Refused in part');
    expect(rejected.state).toBe('sent');
    expect(rejected.recipients.map((r) => [r.address, r.state, r.reply?.slice(0, 9)])).toEqual([
      ['ann@example.org', 'accepted', '250 Kept '],
      ['bob@example.net', 'rejected', '550 5.1.1'],
    ]);
    await value(api.testInbox.setFault('defer'));
    expect((await send(api, core, id, ['ann@example.org'], 'Deferred')).state).toBe('queued');
    await value(api.testInbox.setFault('away'));
    expect(await value(api.testInbox.status())).toMatchObject({ running: false, fault: 'away' });
    expect((await send(api, core, id, ['ann@example.org'], 'Away')).lastError).toMatch(/Will retry as soon as the server can be reached/);
    await value(api.testInbox.setFault('none'));
    await core.sender.flush();
    expect((await value(api.testInbox.list())).map((m) => m.subject).sort()).toEqual(['Away', 'Deferred', 'Refused in part']);
  });

  it('with no keychain, its password lives in this process: the account still signs in and sends', async () => {
    const { core, api } = open(tempHome(), noKeychain);
    const { id } = await value(api.testInbox.create({}));
    expect((await send(api, core, id, ['ann@example.org'], 'No keychain')).state).toBe('sent');
  });

  it('listens on loopback only, and relays nothing: mail for a real server stays in the test inbox', async () => {
    const relay = await startSmtpServer();
    onTestFinished(() => relay.close());
    const { core, api } = open(tempHome());
    const account = await value(api.testInbox.create({}));
    expect((await send(api, core, account.id, [`someone@[127.0.0.1]`], 'Not relayed')).state).toBe('sent');
    expect(relay.messages).toEqual([]);
    const outside = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
    if (!outside) return; // no other address on this machine to try
    const refused = await new Promise<string>((resolve) => {
      const socket = connect({ host: outside, port: account.port }, () => resolve('connected'));
      socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
  });
});
