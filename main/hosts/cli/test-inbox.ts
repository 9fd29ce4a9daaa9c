/** `outbound test-inbox …` and `account add --test-inbox`: the built-in test inbox from the command line (issue 18). */
import { TEST_INBOX_FAULTS } from '../../../preload/common/contract/choices.ts';
import type { TestInboxFault } from '../../../preload/common/contract/index.ts';
import { EXIT, UsageError, optional, report, type Command, type Context } from './common.ts';

/** `account add --test-inbox [--name N]`: the test inbox's account, made once. */
export async function addTestInbox({ values, io, api }: Context): Promise<number> {
  const name = optional(values, 'name');
  const added = await api.testInbox.create(name === undefined ? {} : { name });
  if (!added.ok) return report(io, added.error);
  io.stdout(
    `Account "${added.value.name}" sends to Outbound's own test inbox on 127.0.0.1:${added.value.port}: mail to any address is kept there, never relayed. ` +
      `Try: outbound send --account "${added.value.name}" --to someone@example.org --subject Hello --text Hi; then outbound test-inbox list.`,
  );
  return EXIT.ok;
}

async function list({ values, io, api }: Context): Promise<number> {
  const messages = await api.testInbox.list();
  if (!messages.ok) return report(io, messages.error);
  if (values.json) io.stdout(JSON.stringify(messages.value, null, 2));
  else if (messages.value.length === 0) io.stdout('The test inbox is empty.');
  else
    for (const m of messages.value)
      io.stdout(`${m.id}\t${m.receivedAt}\t${m.from}\t${m.envelopeTo.join(', ')}\t${m.subject || '(no subject)'}\t${m.size} bytes`);
  return EXIT.ok;
}

async function show({ positionals, values, io, api }: Context): Promise<number> {
  const id = Number(positionals[0]);
  if (!Number.isInteger(id) || id < 1) throw new UsageError('give the message as its number from `outbound test-inbox list`.');
  const message = await api.testInbox.get(id);
  if (!message.ok) return report(io, message.error);
  const m = message.value;
  if (values.json) io.stdout(JSON.stringify(m, null, 2));
  else if (values.source) io.stdout(m.source);
  else {
    const attachments = m.attachments.map((a) => `${a.filename} (${a.contentType}, ${a.size} bytes)`).join(', ');
    io.stdout(
      [`From: ${m.from}`, `To: ${m.to}`, ...(m.cc ? [`Cc: ${m.cc}`] : []), `Subject: ${m.subject}`, `Envelope: ${m.envelopeFrom} → ${m.envelopeTo.join(', ')}`]
        .concat(attachments ? [`Attachments: ${attachments}`] : [])
        .concat(['', m.text.trimEnd()])
        .join('\n'),
    );
  }
  return EXIT.ok;
}

async function empty({ io, api }: Context): Promise<number> {
  const emptied = await api.testInbox.empty();
  if (!emptied.ok) return report(io, emptied.error);
  io.stdout('The test inbox is empty.');
  return EXIT.ok;
}

async function fault({ positionals, io, api }: Context): Promise<number> {
  const wanted = positionals[0] as TestInboxFault;
  if (!TEST_INBOX_FAULTS.includes(wanted)) throw new UsageError(`the fault is one of ${TEST_INBOX_FAULTS.join(', ')}.`);
  const set = await api.testInbox.setFault(wanted);
  if (!set.ok) return report(io, set.error);
  io.stdout(`The test inbox now plays: ${wanted}.`);
  return EXIT.ok;
}

export const testInboxCommands: Record<string, Command> = {
  'test-inbox list': { usage: '[--json]   What the test inbox received, newest first.', options: { json: { type: 'boolean' } }, run: list },
  'test-inbox show': {
    usage: 'ID [--source | --json]   One message: its headers and text, or its bytes as received.',
    options: { source: { type: 'boolean' }, json: { type: 'boolean' } },
    operands: 1,
    run: show,
  },
  'test-inbox empty': { usage: '   Remove every message it received.', options: {}, run: empty },
  'test-inbox fault': {
    usage: `${TEST_INBOX_FAULTS.join('|')}   Play a fault to try the outbox on: reject every recipient but the first (550),
              defer all (451), or be away; none again serves normally (it keeps the setting).`,
    options: {},
    operands: 1,
    run: fault,
  },
};
