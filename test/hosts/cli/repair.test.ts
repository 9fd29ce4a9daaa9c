/**
 * `outbound repair` as a person runs it after the database was damaged (issue 17 §4): the command
 * that failed says how to repair, repair says what it kept and what came back, the messages are
 * there as uncertain (a sent one too: nothing says it was sent), and they send again once the
 * person decides. Real processes on a real file whose header was overwritten.
 */
import { closeSync, existsSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { databaseFile } from '../../../main/core/paths.ts';
import { addAccountArgs, cli, sendArgs } from '../../helpers/cli.ts';
import { tempHome } from '../../helpers/core.ts';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.ts';

let server: TestSmtpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

it('a damaged database: every command says how to repair it; repair brings the messages back, and they go once the person says so', async () => {
  const smtp = (server = await startSmtpServer());
  const home = path.join(tempHome(), 'home');
  expect((await cli(home, addAccountArgs(smtp.port, ['--security', 'none']))).code).toBe(0);
  expect((await cli(home, sendArgs('Went out', ['--bcc', 'carol@example.net']))).code).toBe(0);
  expect((await cli(home, sendArgs('Waiting', ['--bcc', 'carol@example.net', '--at', '2099-01-01T00:00:00Z']))).code).toBe(0);
  expect(smtp.messages.map((m) => m.parsed.subject)).toEqual(['Went out']);

  const fd = openSync(databaseFile(home), 'r+');
  writeSync(fd, Buffer.alloc(100, 0x55), 0, 100, 0);
  closeSync(fd);
  const refused = await cli(home, ['outbox', 'list']);
  expect(refused.code).toBe(74);
  expect(refused.stderr).toMatch(/^outbound: Outbound's database \(.*\) is damaged and cannot be read\. .*Run `outbound repair`/);
  expect(refused.stderr).not.toMatch(/^\s+at /m);

  const repaired = await cli(home, ['repair']);
  expect(repaired.code).toBe(0);
  const aside = /moved aside, untouched, to (\S+), and a new one made\./.exec(repaired.stdout)?.[1];
  expect(aside && existsSync(aside)).toBe(true);
  expect(repaired.stdout).toContain('2 messages were brought back from their files as uncertain: nothing is resent by itself.');

  const listed = JSON.parse((await cli(home, ['outbox', 'list', '--json'])).stdout) as {
    id: number;
    subject: string;
    state: string;
    recipients: { kind: string }[];
  }[];
  expect(listed.map((m) => [m.subject, m.state, m.recipients.map((r) => r.kind)]).sort()).toEqual([
    ['Waiting', 'uncertain', ['to', 'bcc']],
    ['Went out', 'uncertain', ['to', 'bcc']],
  ]);
  // The account was in the damaged part: sending again waits for one with the sender's address.
  const waiting = listed.find((m) => m.subject === 'Waiting')!;
  const noAccount = await cli(home, ['outbox', 'resend', String(waiting.id)]);
  expect([noAccount.code, noAccount.stderr.trim()]).toEqual([
    65,
    `outbound: Message ${waiting.id} is uncertain: it has no account to send from any more: add an account for its sender first, then send it again.`,
  ]);
  expect((await cli(home, addAccountArgs(smtp.port, ['--security', 'none']))).code).toBe(0);
  expect((await cli(home, ['outbox', 'resend', String(waiting.id)])).code).toBe(0);
  expect((await cli(home, ['outbox', 'flush'])).code).toBe(0);
  expect(smtp.messages.map((m) => [m.parsed.subject, m.envelope.to])).toEqual([
    ['Went out', ['ann@example.org', 'carol@example.net']],
    ['Waiting', ['ann@example.org', 'carol@example.net']],
  ]);
  expect((await cli(home, ['repair'])).stdout).toMatch(/the database is sound .* nothing was changed\./);
});
