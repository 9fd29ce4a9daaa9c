/** `outbound sent …`: a message taken out of Sent (or the outbox) as the app's Sent screen does: its .eml, an attachment, Edit as new. */
import { writeFile } from 'node:fs/promises';
import type { FileCopy, Result } from '../../../preload/common/contract/index.ts';
import { EXIT, UsageError, optional, report, type Command, type Context } from './common.ts';

function number(text: string | undefined, what: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`give ${what}.`);
  return n;
}

const messageOf = (positionals: string[]): number => number(positionals[0], 'the message as its number from `outbound outbox list`');

/**
 * The file written where --out says, else under its own name in the current directory (a name the
 * core made safe: no directories); never over a file that is there already.
 */
async function saved(io: Context['io'], values: Context['values'], copy: Result<FileCopy>): Promise<number> {
  if (!copy.ok) return report(io, copy.error);
  const file = optional(values, 'out') ?? copy.value.name;
  try {
    await writeFile(file, Buffer.from(copy.value.base64, 'base64'), { flag: 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') io.stderr(`outbound: ${file} is there already; nothing was written. Give another name with --out FILE.`);
    else io.stderr(`outbound: cannot write ${file} (${code ?? 'unknown error'}); nothing was written.`);
    return EXIT.cantCreate;
  }
  io.stdout(`Saved ${file}.`);
  return EXIT.ok;
}

async function exportEml({ positionals, values, io, api }: Context): Promise<number> {
  return saved(io, values, await api.sent.eml(messageOf(positionals)));
}

async function attachment({ positionals, values, io, api }: Context): Promise<number> {
  const id = messageOf(positionals);
  const n = number(positionals[1], 'the attachment as its number, 1 for the first');
  return saved(io, values, await api.sent.attachment(id, n - 1));
}

async function editAsNew({ positionals, io, api }: Context): Promise<number> {
  const draft = await api.sent.editAsNew(messageOf(positionals));
  if (!draft.ok) return report(io, draft.error);
  io.stdout(`Draft ${draft.value.id} made from it (${draft.value.subject || 'no subject'}): open it in the app's Drafts to change and send it.`);
  return EXIT.ok;
}

const out = { out: { type: 'string' } } as const;

export const sentCommands: Record<string, Command> = {
  'sent export': {
    usage: 'ID [--out FILE]   The message exactly as it was sent, as an .eml file (named after its subject).',
    options: out,
    operands: 1,
    run: exportEml,
  },
  'sent attachment': {
    usage: 'ID N [--out FILE]   Save attachment N (1 for the first) of a message, under its own name.',
    options: out,
    operands: 2,
    run: attachment,
  },
  'sent edit-as-new': {
    usage: 'ID   A new draft with the message’s From, recipients, subject, body and attachments.',
    options: {},
    operands: 1,
    run: editAsNew,
  },
};
