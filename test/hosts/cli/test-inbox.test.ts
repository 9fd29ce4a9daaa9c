/**
 * The test inbox from the command line (issue 18): `account add --test-inbox`, a send that the CLI
 * hosts the server for, what arrived listed and shown, the 550 switch refusing a recipient, emptied.
 * Each command is a process of its own on one data directory, the password in the suite's keychain.
 */
import path from 'node:path';
import { expect, it } from 'vitest';
import { cli } from '../../helpers/cli.ts';
import { tempHome } from '../../helpers/core.ts';
import { hasPrivateKeyring } from '../../helpers/keychain.ts';

const send = (subject: string, to: string[]) => ['send', '--account', 'Try it', ...to.flatMap((a) => ['--to', a]), '--subject', subject, '--text', 'Hi.'];

it.skipIf(!hasPrivateKeyring && !process.env.CI)('add it, send to it, read what it kept, make it refuse, empty it', async () => {
  const home = path.join(tempHome(), 'home');
  const added = await cli(home, ['account', 'add', '--test-inbox', '--name', 'Try it']);
  expect([added.code, added.stdout]).toEqual([0, expect.stringMatching(/^Account "Try it" sends to Outbound's own test inbox on 127\.0\.0\.1:\d+: /)]);

  expect((await cli(home, send('Hello', ['ann@example.org']))).code).toBe(0);
  const [kept] = JSON.parse((await cli(home, ['test-inbox', 'list', '--json'])).stdout) as { id: number; subject: string; envelopeTo: string[] }[];
  expect(kept).toMatchObject({ subject: 'Hello', envelopeTo: ['ann@example.org'] });
  const shown = await cli(home, ['test-inbox', 'show', String(kept!.id)]);
  expect(shown.stdout).toBe(
    'From: You <you@test-inbox.localhost>\nTo: ann@example.org\nSubject: Hello\nEnvelope: you@test-inbox.localhost → ann@example.org\n\nHi.\n',
  );
  expect((await cli(home, ['test-inbox', 'show', String(kept!.id), '--source'])).stdout).toMatch(/\r\nSubject: Hello\r\n/);

  expect((await cli(home, ['test-inbox', 'fault', 'reject'])).stdout).toBe('The test inbox now plays: reject.\n');
  await cli(home, send('Two of us', ['ann@example.org', 'bob@example.net']));
  const [sent] = JSON.parse((await cli(home, ['outbox', 'list', '--json'])).stdout) as { subject: string; recipients: { address: string; state: string }[] }[];
  expect(sent).toMatchObject({
    subject: 'Two of us',
    recipients: [
      { address: 'ann@example.org', state: 'accepted' },
      { address: 'bob@example.net', state: 'rejected' },
    ],
  });
  expect((await cli(home, ['test-inbox', 'fault', 'sideways'])).code).toBe(64);

  expect((await cli(home, ['test-inbox', 'empty'])).code).toBe(0);
  expect((await cli(home, ['test-inbox', 'list'])).stdout).toBe('The test inbox is empty.\n');
});
