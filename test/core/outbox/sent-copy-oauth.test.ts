/**
 * The copy in Sent of an account that signs in with OAuth2: IMAP logs in with XOAUTH2 and the same
 * access token as SMTP, against a Dovecot that asks a local introspection endpoint (RFC 7662) whether
 * the token is the OAuth2 server's current one.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { accountFor, testCore, value } from '../../helpers/core.ts';
import { missingDovecotImap, SENT, startImapServer, type TestImapServer } from '../../helpers/imap.ts';
import { hasPrivateKeyring, testKeychain } from '../../helpers/keychain.ts';
import { keptHome } from '../../helpers/secrets.ts';
import { testCertificates } from '../../helpers/tls.ts';
import { follow, startOAuthServer, type TestOAuthServer } from '../accounts/oauth-server.ts';
import { startAccountsServer, type AccountsServer } from '../accounts/servers.ts';

const USER = 'ann@gmail.example';
const CLIENT_ID = 'copy-in-sent.apps.example';
let oauth: TestOAuthServer | undefined;
let smtp: AccountsServer | undefined;
let imap: TestImapServer | undefined;
let introspection: Server | undefined;
afterEach(async () => {
  await smtp?.close();
  await oauth?.close();
  await imap?.stop();
  await new Promise((resolve) => (introspection ? introspection.close(resolve) : resolve(null)));
  oauth = smtp = imap = introspection = undefined;
});

describe.skipIf(!hasPrivateKeyring || missingDovecotImap())('the copy in Sent with OAuth2', () => {
  it('logs in to IMAP with XOAUTH2 and the account’s access token, and saves the copy', async () => {
    const server = (oauth = await startOAuthServer({ clientId: CLIENT_ID }));
    smtp = await startAccountsServer({ auth: { user: USER, pass: 'unused', methods: ['XOAUTH2'] }, accessToken: () => server.accessTokens.at(-1) });
    const asked: string[] = [];
    introspection = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        const token = new URLSearchParams(body).get('token') ?? '';
        asked.push(token);
        const active = token !== '' && token === server.accessTokens.at(-1);
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(active ? { active: true, username: USER } : { active: false }));
      });
    });
    await new Promise<void>((resolve) => introspection!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(introspection.address() as AddressInfo).port}/introspect`;
    imap = await startImapServer({ user: { name: 'nobody-else', pass: 'unused' }, certificate: await testCertificates(), oauth2IntrospectionUrl: url });
    const { api } = testCore(
      { ca: (await testCertificates()).ca },
      { home: keptHome(), secrets: testKeychain(), oauth: { openExternal: follow, endpoints: { google: server.endpoints } } },
    );
    await value(api.settings.save({ undoSeconds: 0 }));
    const account = await value(
      api.accounts.signIn({
        provider: 'google',
        clientId: CLIENT_ID,
        account: {
          ...accountFor({ host: '127.0.0.1', port: smtp.port }),
          email: USER,
          username: '',
          passwordCommand: '',
          imap: { host: '127.0.0.1', port: imap.port, security: 'starttls' },
          sentCopy: 'always',
        },
      }),
    );
    const queued = await value(api.outbox.send({ accountId: account.id, to: ['bob@example.org'], subject: 'Signed in with Google', text: 'Hello' }));
    await value(api.outbox.flush());
    const message = await value(api.outbox.get(queued.id));
    expect(message.state).toBe('sent');
    expect(message.sentCopy).toMatchObject({ state: 'saved', folder: SENT });
    expect(asked).toContain(server.accessTokens.at(-1));
  });
});
