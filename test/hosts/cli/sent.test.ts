/**
 * `outbound sent export`, `sent attachment` and `sent edit-as-new` as scripts run them, child processes
 * on a data directory: the bytes as sent, a hostile attachment name kept inside the folder, nothing
 * written over, a clear refusal for a number that is not there.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cli, homeWithWork } from '../../helpers/cli.ts';
import { tempHome, value } from '../../helpers/core.ts';
import { rawWithAttachments } from '../../helpers/mime.ts';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.ts';

let server: TestSmtpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A message from a program (sendmail) whose attachment is named to climb out of the folder it is saved in, sent. */
const HOSTILE = rawWithAttachments('Keys', 'See attached.', [{ filename: '../../.ssh/authorized_keys', content: 'ssh-ed25519 AAAA evil\n' }]);

async function setUp() {
  server = await startSmtpServer();
  const work = await homeWithWork(server);
  const queued = await value(
    work.api.outbox.submitRaw({ raw: Buffer.from(HOSTILE).toString('base64'), recipients: [], readRecipients: true, readEnvelopeFrom: true }),
  );
  expect((await work.core.sender.sendNow(queued.id)).state).toBe('sent');
  return { ...work, id: queued.id, frozen: readFileSync(work.core.outbox.fileOf(work.core.outbox.row(queued.id))) };
}

describe('outbound sent', () => {
  it('exports the message as sent, byte for byte, and never over a file that is there', async () => {
    const { home, id, frozen } = await setUp();
    const dir = tempHome();
    const run = await cli(home, ['sent', 'export', String(id)], { cwd: dir });
    expect(run).toMatchObject({ code: 0, stdout: 'Saved Keys.eml.\n' });
    expect(readFileSync(join(dir, 'Keys.eml')).equals(frozen)).toBe(true);
    writeFileSync(join(dir, 'mine.eml'), 'my own');
    const again = await cli(home, ['sent', 'export', String(id), '--out', join(dir, 'mine.eml')]);
    expect(again.code).toBe(73);
    expect(again.stderr).toContain('is there already; nothing was written. Give another name with --out FILE.');
    expect(readFileSync(join(dir, 'mine.eml'), 'utf8')).toBe('my own');
  });

  it('saves an attachment under its own name inside the current folder, however it is named', async () => {
    const { home, id } = await setUp();
    const dir = tempHome();
    const run = await cli(home, ['sent', 'attachment', String(id), '1'], { cwd: dir });
    expect(run).toMatchObject({ code: 0, stdout: 'Saved authorized_keys.\n' });
    expect(readdirSync(dir)).toEqual(['authorized_keys']);
    expect(readFileSync(join(dir, 'authorized_keys'), 'utf8')).toBe('ssh-ed25519 AAAA evil\n');
    const missing = await cli(home, ['sent', 'attachment', String(id), '2'], { cwd: dir });
    expect(missing).toMatchObject({ code: 67, stderr: 'outbound: That message has one attachment, so there is no attachment number 2.\n' });
    const usage = await cli(home, ['sent', 'attachment', String(id), 'first'], { cwd: dir });
    expect(usage.code).toBe(64);
    expect(usage.stderr).toContain('give the attachment as its number, 1 for the first.');
  });

  it('makes a new draft from the message, which stays as it was', async () => {
    const { home, id, api } = await setUp();
    const before = await value(api.outbox.get(id));
    const run = await cli(home, ['sent', 'edit-as-new', String(id)]);
    expect(run).toMatchObject({ code: 0, stdout: "Draft 1 made from it (Keys): open it in the app's Drafts to change and send it.\n" });
    const [draft] = await value(api.drafts.list());
    expect(draft).toMatchObject({ to: ['ann@example.org'], subject: 'Keys', attachments: [{ name: 'authorized_keys', size: 22 }] });
    expect(await value(api.outbox.get(id))).toEqual(before);
  });
});
