/**
 * Delivery reports from the command line: `send --dsn` and sendmail's `-N`/`-R`, on the wire of a
 * server that offers DSN; words that are not a request exit 64 and queue nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { deliveryReportOption, UsageError } from '../../../main/hosts/cli/common.ts';
import { cli, homeWithWork, sendArgs } from '../../helpers/cli.ts';
import { value } from '../../helpers/core.ts';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.ts';

let server: TestSmtpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setUp() {
  const smtp = (server = await startSmtpServer());
  return { smtp, ...(await homeWithWork(smtp)) };
}

describe('deliveryReportOption', () => {
  it("reads sendmail's words", () => {
    expect(deliveryReportOption('-N', undefined, undefined)).toBeUndefined();
    expect(deliveryReportOption('-N', 'never', undefined)).toEqual({ notify: 'never', returns: 'headers' });
    expect(deliveryReportOption('-N', 'Success,FAILURE,delay', 'full')).toEqual({ notify: ['success', 'failure', 'delay'], returns: 'full' });
    expect(deliveryReportOption('-N', undefined, 'hdrs')).toEqual({ notify: ['failure'], returns: 'headers' });
    expect(() => deliveryReportOption('-N', 'never,failure', undefined)).toThrow(UsageError);
    expect(() => deliveryReportOption('--dsn', 'always', undefined)).toThrow(
      '--dsn takes "never" or a comma-separated list of success, failure, delay, not "always".',
    );
    expect(() => deliveryReportOption('-N', 'failure', 'body')).toThrow('the report\'s return takes "full" or "hdrs", not "body".');
  });
});

describe('outbound send --dsn and sendmail -N -R', () => {
  it('go on the wire as NOTIFY, RET and ENVID', async () => {
    const { home, smtp } = await setUp();
    const run = await cli(home, sendArgs('S', ['--dsn', 'success,failure', '--dsn-return', 'full']));
    expect(run.code).toBe(0);
    const sendmail = await cli(home, ['sendmail', '-N', 'delay', '-R', 'hdrs', 'bob@example.org'], { stdin: 'From: me@outbound.test\nSubject: T\n\nx\n' });
    expect(sendmail.code).toBe(0);
    expect(smtp.messages.map((m) => [m.parsed.subject, m.envelope.dsn?.ret, m.envelope.dsn?.notify])).toEqual([
      ['S', 'FULL', [['SUCCESS', 'FAILURE']]],
      ['T', 'HDRS', [['DELAY']]],
    ]);
  });

  it("account add and edit set the account's default (--dsn none removes it), which send then uses", async () => {
    const { home, smtp, api } = await setUp();
    expect((await cli(home, ['account', 'edit', 'work', '--dsn', 'failure'])).code).toBe(0);
    expect((await value(api.accounts.find('work'))).deliveryReport).toEqual({ notify: ['failure'], returns: 'headers' });
    expect((await cli(home, sendArgs('S'))).code).toBe(0);
    expect(smtp.messages[0]!.envelope.dsn?.notify).toEqual([['FAILURE']]);
    expect((await cli(home, ['account', 'edit', 'work', '--dsn', 'none'])).code).toBe(0);
    expect((await value(api.accounts.find('work'))).deliveryReport).toBeNull();
  });

  it('a request that is not one exits 64 and queues nothing', async () => {
    const { home, api } = await setUp();
    const run = await cli(home, sendArgs('S', ['--dsn', 'sometimes']));
    expect([run.code, run.stderr.trim()]).toEqual([
      64,
      'outbound send: --dsn takes "never" or a comma-separated list of success, failure, delay, not "sometimes".',
    ]);
    const sendmail = await cli(home, ['sendmail', '-N', 'always', 'bob@example.org'], { stdin: 'Subject: T\n\nx\n' });
    expect(sendmail.code).toBe(64);
    expect(await value(api.outbox.list())).toEqual([]);
  });
});
