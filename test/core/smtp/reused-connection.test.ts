/**
 * A message on a connection an earlier message opened: when the server had closed it before this
 * message reached the server (no reply to anything of it), the message is tried once more on a fresh
 * connection; once the server has answered any of it, or went silent, what happened is the answer
 * and nothing is sent twice. A session knows when the server closed its idle connection, and closing
 * a session ends its connection.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SmtpSession } from '../../../main/core/smtp/submit.ts';
import { startSmtpServer, type CommandAnswer, type SmtpServerOptions, type TestSmtpServer } from '../../helpers/smtp.ts';

let server: TestSmtpServer | undefined;
let dir: string | undefined;
let session: SmtpSession | undefined;
afterEach(async () => {
  session?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  server = dir = session = undefined;
});

const envelope = { from: 'ann@outbound.test', to: ['bob@example.org'] };

/** A server whose answer to the second message's MAIL FROM or RCPT TO is `second`, and a session that has sent a first message. */
async function afterOneMessage(command: 'mail' | 'rcpt', second: CommandAnswer = undefined, socketMs?: number) {
  let seen = 0;
  const hook = (): CommandAnswer => ((seen += 1) === 2 ? second : undefined);
  server = await startSmtpServer({ [command]: hook } as SmtpServerOptions);
  dir = mkdtempSync(join(tmpdir(), 'outbound-reuse-'));
  const file = join(dir, 'm.eml');
  writeFileSync(file, 'From: ann@outbound.test\r\nTo: bob@example.org\r\nSubject: again\r\n\r\nHello.\r\n');
  session = new SmtpSession({ host: '127.0.0.1', port: server.port, security: 'none' }, socketMs ? { timeouts: { socketMs } } : {});
  expect(await session.send(envelope, file)).toMatchObject({ stage: 'final', accepted: ['bob@example.org'] });
  expect(session.open).toBe(true);
  return { session, server, file };
}

describe('a message on a reused connection', () => {
  it('that the server had closed before the message reached it goes once more on a fresh connection', async () => {
    const { session, server, file } = await afterOneMessage('mail', 'drop');
    const result = await session.send(envelope, file);
    expect(result).toMatchObject({ stage: 'final', bodyWritten: true, accepted: ['bob@example.org'] });
    expect(result.failure).toBeUndefined();
    expect(result.transcript.split('\n')[0]).not.toBe('* Reusing the open connection');
    expect(server.connectionsOpened).toBe(2);
    expect(server.messages).toHaveLength(2);
  });

  it('whose connection broke after the server answered part of it is not tried again', async () => {
    const { session, server, file } = await afterOneMessage('rcpt', 'drop');
    const result = await session.send(envelope, file);
    // (MAIL FROM, RCPT TO and DATA went out together: the server offers PIPELINING.)
    expect(result).toMatchObject({ bodyWritten: false, accepted: [], failure: { kind: 'network' } });
    expect(result.transcript).toMatch(/^S: 250 /m);
    expect(result.failure?.message).toMatch(/^The connection broke during /);
    expect(server.connectionsOpened).toBe(1);
    expect(server.messages).toHaveLength(1);
    expect(session.open).toBe(false);
  });

  it('to which the server does not answer is a timeout, not tried again', async () => {
    const { session, server, file } = await afterOneMessage('mail', 'silence', 1_000);
    const result = await session.send(envelope, file);
    expect(result).toMatchObject({ bodyWritten: false, failure: { kind: 'timeout' } });
    expect(result.failure?.message).toMatch(/^The server stopped answering during /);
    expect(server.connectionsOpened).toBe(1);
    expect(server.messages).toHaveLength(1);
  });
});

describe('a session', () => {
  it('is no longer open once the server closed its idle connection', async () => {
    const { session, server } = await afterOneMessage('mail');
    server.dropConnections();
    await expect.poll(() => session.open, { timeout: 5_000 }).toBe(false);
  });

  it('ends its connection when closed', async () => {
    const { session, server } = await afterOneMessage('mail');
    session.close();
    expect(session.open).toBe(false);
    await server.until(() => server.connectionsClosed === 1, 'the connection closed', 5_000);
  });
});
