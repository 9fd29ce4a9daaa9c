/**
 * Secrets never leave the keychain: after adding accounts, testing them (right and wrong password),
 * sending and failing, the passwords — plain or base64 as AUTH carries them — are in no file of the
 * data directory, in nothing the API returned, and in nothing logged. What is logged still reaches the
 * console, where the suite's final secrets scan reads it too, with the data directory kept for it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { accountFor, testCore, value } from '../../helpers/core.ts';
import { keptHome, registerTestSecret } from '../../helpers/secrets.ts';
import { testCertificates } from '../../helpers/tls.ts';
import { memoryKeychain } from './oauth-server.ts';
import { startAccountsServer, type AccountsServer } from './servers.ts';

const PASSWORD = registerTestSecret('Tr0ub4dor&3-unique-secret', { user: 'me' });
const WRONG = registerTestSecret('wrong-but-also-secret-7731', { user: 'me' });

let server: AccountsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? filesUnder(join(dir, name)) : [join(dir, name)]));

describe('secrets', () => {
  it('occur in no file of the data directory, no API answer and no log', async () => {
    // Watched, not silenced: the lines still reach the console.
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) => vi.spyOn(console, level));
    const secrets = memoryKeychain();
    server = await startAccountsServer({ auth: { user: 'me', pass: PASSWORD, methods: ['PLAIN', 'LOGIN'] } });
    const { core, api } = testCore(undefined, { home: keptHome(), secrets, extraCaCertificates: [(await testCertificates()).ca] });
    const answers: unknown[] = [];
    const keep = async <T>(p: Promise<T>) => {
      const r = await p;
      answers.push(r);
      return r;
    };
    const noCommand = { passwordCommand: '' };
    const good = await value(keep(api.accounts.save({ ...accountFor({ host: '127.0.0.1', port: server.port }), ...noCommand, password: PASSWORD })));
    const bad = await value(keep(api.accounts.save({ ...accountFor({ host: '127.0.0.1', port: server.port }), ...noCommand, name: 'Bad', password: WRONG })));
    await keep(api.accounts.test(good.id));
    await keep(api.accounts.test(bad.id));
    for (const account of [good, bad]) {
      const queued = await value(keep(api.outbox.send({ accountId: account.id, to: ['ann@example.org'], subject: 's', text: 't', delaySeconds: 0 })));
      answers.push(await core.sender.sendNow(queued.id));
    }
    await keep(api.accounts.list());
    await keep(api.outbox.list());
    await keep(api.sent.list());
    expect(secrets.entries.size).toBe(2);
    await core.close();

    const logged = spies.flatMap((spy) => spy.mock.calls.flat());
    const forms = [PASSWORD, WRONG].flatMap((p) => [p, Buffer.from(`\u0000me\u0000${p}`).toString('base64'), Buffer.from(p).toString('base64')]);
    const haystacks = [
      ...filesUnder(core.home).map((file) => [file, readFileSync(file).toString('latin1')] as const),
      ['API answers', JSON.stringify(answers)] as const,
      ['logs', JSON.stringify(logged, (_k, v: unknown) => (v instanceof Error ? `${v.message} ${v.stack}` : v))] as const,
    ];
    expect(haystacks.length).toBeGreaterThan(3);
    for (const [where, text] of haystacks) for (const secret of forms) expect(text.includes(secret), `${secret} in ${where}`).toBe(false);
  });
});
