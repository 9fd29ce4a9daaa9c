/**
 * One SMTP session carrying messages one after another, against the in-process server: the second
 * message goes on the open connection (no second greeting, EHLO or STARTTLS), a failure ends the
 * session's reuse, and the next message opens a connection of its own.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SmtpSession } from '../../../main/core/smtp/submit.ts';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.ts';

const REFUSED = 'nobody@example.org';
let server: TestSmtpServer | undefined;
let dir: string | undefined;
afterEach(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  server = dir = undefined;
});

describe('an SMTP session', () => {
  it('sends the next message on the open connection, and opens a new one after a failure', async () => {
    server = await startSmtpServer({ rcpt: (address) => (address === REFUSED ? { code: 550, message: '5.1.1 No such user' } : undefined) });
    dir = mkdtempSync(join(tmpdir(), 'outbound-session-'));
    const file = join(dir, 'm.eml');
    writeFileSync(file, 'From: ann@outbound.test\r\nTo: bob@example.org\r\nSubject: again\r\n\r\nHello.\r\n');
    const session = new SmtpSession({ host: '127.0.0.1', port: server.port, security: 'starttls' }, { extraCaCertificates: [server.ca] });
    const envelope = { from: 'ann@outbound.test', to: ['bob@example.org'] };
    expect(session.open).toBe(false);

    const first = await session.send(envelope, file);
    expect(first).toMatchObject({ stage: 'final', bodyWritten: true, accepted: ['bob@example.org'], rejected: [], reply: expect.stringMatching(/^250 /) });
    expect(first.failure).toBeUndefined();
    expect(first.transcript).toMatch(/^C: STARTTLS$/m);
    expect(session.open).toBe(true);

    const second = await session.send(envelope, file);
    expect(second).toMatchObject({ stage: 'final', bodyWritten: true, accepted: ['bob@example.org'] });
    const lines = second.transcript.split('\n');
    expect(lines[0]).toBe('* Reusing the open connection');
    expect(lines.filter((line) => /^C: (EHLO|STARTTLS)/.test(line))).toEqual([]);
    expect(lines).toContain('C: MAIL FROM:<ann@outbound.test>');
    expect(server.connectionsOpened).toBe(1);

    const refused = await session.send({ ...envelope, to: [REFUSED] }, file);
    expect(refused).toMatchObject({ accepted: [], bodyWritten: false, failure: { kind: 'reply', code: 550 } });
    expect(refused.rejected).toEqual([{ address: REFUSED, code: 550, reply: expect.stringContaining('550 5.1.1 No such user') }]);
    expect(session.open).toBe(false);

    const third = await session.send(envelope, file);
    expect(third.accepted).toEqual(['bob@example.org']);
    expect(third.transcript.split('\n')[0]).not.toBe('* Reusing the open connection');
    expect(server.connectionsOpened).toBe(2);
    expect(server.messages).toHaveLength(3);
    session.close();
    expect(session.open).toBe(false);
  });
});
