/**
 * The CLI's outbox as scripts use it, each command a child process on the data directory: `send
 * --delay` and `--at`, `outbox cancel`, `outbox resend` and `outbox mark-sent`, and exit 1 for a
 * message that was not sent (failed, uncertain, cancelled).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cli, homeWithWork, sendArgs, startCli } from '../../helpers/cli.ts';
import { value } from '../../helpers/core.ts';
import { startSmtpServer, type SmtpServerOptions, type TestSmtpServer } from '../../helpers/smtp.ts';

let server: TestSmtpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const FAILED = 'Refused outright';
const UNCERTAIN = 'Maybe delivered';
/** The server refuses one subject for good and drops the line after receiving another. */
const SCRIPTED: SmtpServerOptions = {
  data: (message) => (message.parsed.subject === FAILED ? { code: 554, message: '5.7.1 Message refused by policy' } : undefined),
  dropAfterData: (message) => message.parsed.subject === UNCERTAIN,
};

async function setUp(options: SmtpServerOptions = SCRIPTED) {
  const smtp = (server = await startSmtpServer(options));
  const { home, core, api } = await homeWithWork(smtp);
  /** Every message, unsent and sent, by id. */
  const messages = async () => [...(await value(api.outbox.list())), ...(await value(api.sent.list()))].sort((a, b) => a.id - b.id);
  return { home, smtp, core, api, messages };
}

const subjects = (smtp: TestSmtpServer) => smtp.messages.map((m) => m.parsed.subject);

describe('outbound send --delay', () => {
  it('waits first, and sends once the wait is over', async () => {
    const { home, smtp, api, messages } = await setUp();
    const run = await cli(home, sendArgs('After a pause', ['--delay', '1']));
    expect(run.stdout).toMatch(/^Sending in 1 s; to stop it: outbound outbox cancel 1$/m);
    expect(run.stdout).toMatch(/^Sent: 250 /m);
    expect(run.code).toBe(0);
    const [message] = await messages();
    const [attempt] = await value(api.outbox.attempts(1));
    expect(Date.parse(attempt!.startedAt) - Date.parse(message!.createdAt)).toBeGreaterThanOrEqual(1000);
    expect(subjects(smtp)).toEqual(['After a pause']);
  });

  it('sends nothing when the message is cancelled during the wait, and exits 1 saying so', async () => {
    const { home, smtp, core, api, messages } = await setUp();
    const running = startCli(home, sendArgs('Second thoughts', ['--delay', '3']));
    const id = Number((await running.printed(/^Sending in 3 s; to stop it: outbound outbox cancel (\d+)$/m))[1]);
    // Cancelled in-process on the same data directory, at once: a second CLI's start-up could outlast the wait.
    expect(await messages()).toMatchObject([{ id, state: 'queued', hold: 'undo' }]);
    await value(api.outbox.cancel(id));
    const run = await running.done;
    expect(run.stderr).toMatch(/^Cancelled: /m);
    expect(run.code).toBe(1);
    expect(core.outbox.view(id).state).toBe('cancelled');
    expect(smtp.connectionsOpened).toBe(0);
  });
});

describe('outbound send --at', () => {
  it('schedules the message and returns; flush leaves it, saying when it is due, and exits 0 (nothing was due); `outbox cancel` cancels it', async () => {
    const { home, smtp, core, messages } = await setUp();
    // A local time, read in the time zone the command runs in (fixed here: +05:30, no daylight saving); a year far ahead.
    const env = { TZ: 'Asia/Kolkata', LC_ALL: 'en_US.UTF-8' };
    const run = await cli(home, sendArgs('Next millennium', ['--at', '2999-01-01T09:30']), { env });
    expect(run.stdout).toMatch(/^Scheduled for .+ \(message 1\); it goes out when Outbound or `outbound outbox flush` runs after that time\.$/m);
    expect(run.code).toBe(0);
    expect(await messages()).toMatchObject([{ id: 1, state: 'queued', hold: 'scheduled', notBefore: '2999-01-01T04:00:00.000Z', attempts: 0 }]);

    const flush = await cli(home, ['outbox', 'flush'], { env });
    const [scheduled] = await messages();
    expect(scheduled).toMatchObject({ id: 1, state: 'queued', hold: 'scheduled', attempts: 0 });
    expect(flush).toMatchObject({
      code: 0,
      stderr: '',
      stdout: `1 ${scheduled!.messageId}: Scheduled for 1/1/2999, 9:30:00 AM; not due yet (message 1 stays in the outbox).\n`,
    });
    expect(smtp.connectionsOpened).toBe(0);

    const cancel = await cli(home, ['outbox', 'cancel', '1']);
    expect(cancel).toMatchObject({ code: 0, stdout: 'Cancelled message 1 (Next millennium).\n' });
    expect(await messages()).toEqual([]);
    expect(core.outbox.view(1).state).toBe('cancelled');
    expect(smtp.connectionsOpened).toBe(0);
  });

  it.each([
    [['--at', 'tomorrow'], 64, /--at "tomorrow" is not a date and time/],
    [['--at', '2000-01-01T00:00Z'], 65, /The scheduled time has already passed: choose a time in the future\./],
    [['--at', '2999-01-01T00:00Z', '--delay', '5'], 64, /give --delay or --at, not both/],
    [['--delay', '1.5'], 64, /--delay takes whole seconds, not "1\.5"/],
  ])('%j exits %i, queueing nothing', async (extra, code, message) => {
    const { home, smtp, messages } = await setUp();
    const run = await cli(home, sendArgs('Never', extra));
    expect(run.stderr).toMatch(message);
    expect(run.code).toBe(code);
    expect(await messages()).toEqual([]);
    expect(smtp.connectionsOpened).toBe(0);
  });
});

describe('outbound outbox resend and mark-sent', () => {
  it('exits 1 for an uncertain message; `resend` sends the same message again, `mark-sent` moves another to Sent', async () => {
    const { home, smtp, messages } = await setUp();
    const runs = [await cli(home, sendArgs(UNCERTAIN)), await cli(home, sendArgs(UNCERTAIN))];
    expect(runs.map((run) => [run.code, /^Uncertain: /m.test(run.stderr)])).toEqual([
      [1, true],
      [1, true],
    ]);
    const [first, second] = smtp.messages.map((m) => m.parsed.messageId);
    expect(first).not.toBe(second);
    expect((await messages()).map((m) => [m.id, m.state])).toEqual([
      [1, 'uncertain'],
      [2, 'uncertain'],
    ]);

    // The server drops every copy of this subject: the resent one is uncertain again, and exits 1 again.
    const resend = await cli(home, ['outbox', 'resend', '1']);
    expect(resend.stderr).toMatch(/^Uncertain: /m);
    expect(resend.code).toBe(1);
    expect(smtp.messages.map((m) => m.parsed.messageId)).toEqual([first, second, first]);

    const marked = await cli(home, ['outbox', 'mark-sent', '2']);
    expect(marked).toMatchObject({ code: 0, stdout: 'Marked message 2 as sent.\n' });
    expect((await messages()).map((m) => [m.id, m.state])).toEqual([
      [1, 'uncertain'],
      [2, 'sent'],
    ]);
    expect(smtp.messages).toHaveLength(3);
  });

  it('exits 1 for a message the server refused; it is neither resent nor marked sent', async () => {
    const { home, smtp, messages } = await setUp();
    const run = await cli(home, sendArgs(FAILED));
    expect(run.stderr).toMatch(/^Failed: .*554 5\.7\.1 Message refused by policy/m);
    expect(run.code).toBe(1);
    for (const verb of ['resend', 'mark-sent']) {
      const refused = await cli(home, ['outbox', verb, '1']);
      expect(refused.stderr).toMatch(/^outbound: Message 1 is failed: only a message whose delivery is uncertain can be /m);
      expect(refused.code).toBe(65);
    }
    expect((await messages()).map((m) => [m.id, m.state, m.attempts])).toEqual([[1, 'failed', 1]]);
    expect(smtp.messages).toEqual([]);
  });
});
