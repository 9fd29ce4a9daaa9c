/**
 * A message that cannot go for a reason on this machine (the account's password command fails) fails
 * before any connection, in the command's own words; sendNow answers with it as it then is.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { accountFor, testCore, value } from '../../helpers/core.ts';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.ts';

let server: TestSmtpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('a password command that fails', () => {
  it('fails the message before connecting, with the reason', async () => {
    server = await startSmtpServer({ auth: { user: 'me', pass: 's3cret pass' } });
    const { api, core } = testCore(server);
    const account = await value(api.accounts.save(accountFor(server, { passwordCommand: "echo 'the vault is locked' >&2; exit 3" })));
    const { id } = await value(api.outbox.send({ accountId: account.id, to: ['ann@example.org'], subject: 'locked', text: 'x', delaySeconds: 0 }));
    const view = await core.sender.sendNow(id);
    expect(view).toMatchObject({
      id,
      lastStage: 'connect',
      lastError: expect.stringContaining('The password command exited with status 3: the vault is locked.'),
    });
    expect(view.state).not.toBe('sent');
    expect(server.connectionsOpened).toBe(0);
    expect(server.messages).toEqual([]);
  });
});
