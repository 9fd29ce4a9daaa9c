/** What a server announces in EHLO (SIZE, SMTPUTF8) is remembered from real sends, for the composer's checks. */
import { describe, expect, it } from 'vitest';
import { plainAccountFor, testCore, value } from '../../helpers/core.ts';
import { startSmtpServer } from '../../helpers/smtp.ts';

describe("the server's limits", () => {
  it('are recorded from the EHLO of the connection that sent a message', async () => {
    const server = await startSmtpServer({ size: 5_000_000 });
    try {
      const { core, api } = testCore(server);
      const account = await value(api.accounts.save(plainAccountFor(server)));
      expect(core.compose.limits.get(account.id)).toBeUndefined();
      const queued = await value(api.outbox.send({ accountId: account.id, to: ['ann@example.org'], subject: 's', text: 't', delaySeconds: 0 }));
      expect((await core.sender.sendNow(queued.id)).state).toBe('sent');
      expect(core.compose.limits.get(account.id)).toEqual({ size: 5_000_000, smtpUtf8: true, dsn: true });
      expect(await value(api.compose.sizeLimit(account.id))).toMatchObject({ bytes: 5_000_000, source: 'server' });
    } finally {
      await server.close();
    }
  });
});
