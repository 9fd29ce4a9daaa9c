/**
 * Pausing all sending from the command line (`outbox pause`, `outbox resume`), and what the commands
 * that send say while it is paused: the message waits in the outbox, exit 75, and why.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cli, homeWithWork, sendArgs } from '../../helpers/cli.ts';
import { value } from '../../helpers/core.ts';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.ts';

let server: TestSmtpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const PAUSED =
  'outbound: Sending is paused, so the message waits in the Outbox. Resume sending in the Outbox or Settings (or the tray), or with `outbound outbox resume`.';

describe('outbound outbox pause and resume', () => {
  it('while paused, send and flush say so and exit 75, sendmail queues and says so; resumed, flush sends', async () => {
    const smtp = (server = await startSmtpServer());
    const { home, api } = await homeWithWork(smtp);
    const pause = await cli(home, ['outbox', 'pause']);
    expect([pause.code, pause.stdout.trim()]).toEqual([0, 'Sending is paused: messages wait in the outbox until `outbound outbox resume`.']);
    expect((await value(api.settings.get())).sendingPaused).toBe(true);

    const send = await cli(home, sendArgs('Held'));
    expect([send.code, send.stderr.trim()]).toEqual([75, PAUSED]);
    const sendmail = await cli(home, ['sendmail', 'bob@example.org'], { stdin: 'Subject: Also held\n\nx\n' });
    expect([sendmail.code, sendmail.stderr.trim()]).toEqual([0, PAUSED]);
    const flush = await cli(home, ['outbox', 'flush']);
    expect([flush.code, flush.stderr.trim()]).toEqual([75, PAUSED]);
    expect(smtp.messages).toEqual([]);
    expect((await value(api.outbox.list())).map((m) => m.state)).toEqual(['queued', 'queued']);

    expect((await cli(home, ['outbox', 'resume'])).code).toBe(0);
    expect((await cli(home, ['outbox', 'flush'])).code).toBe(0);
    expect(smtp.messages.map((m) => m.parsed.subject).sort()).toEqual(['Also held', 'Held']);
  });
});
