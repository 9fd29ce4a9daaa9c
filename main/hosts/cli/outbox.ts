/** `outbound send` and `outbound outbox …` */
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AccountView, Hold, ListFilter, ListState, MessageView, OutboundApi } from '../../../preload/common/contract/index.ts';
import { deliveryReportOption, EXIT, UsageError, list, optional, report, required, type CliIo, type Command, type Context } from './common.ts';

async function send({ values, io, api }: Context): Promise<number> {
  const text = optional(values, 'text');
  const textFile = optional(values, 'text-file');
  const htmlFile = optional(values, 'html-file');
  if (text !== undefined && textFile !== undefined) throw new UsageError('give the text with --text or --text-file, not both.');
  if (text === undefined && textFile === undefined && htmlFile === undefined) throw new UsageError('give the body with --text, --text-file or --html-file.');
  const found = await api.accounts.find(required(values, 'account'));
  if (!found.ok) return report(io, found.error);
  const account = found.value;
  const identity = optional(values, 'identity');
  const identityId = identity === undefined ? undefined : identityOf(account, identity);
  let body: string | undefined;
  let html: string | undefined;
  try {
    body = textFile === undefined ? text : await readOption('text-file', textFile);
    html = htmlFile === undefined ? undefined : await readOption('html-file', htmlFile);
  } catch (error) {
    return report(io, { code: 'invalid_input', message: (error as Error).message });
  }
  // The --attach files, as the CLI's file dialog (cli/main.ts) hands them to the core.
  const picked = await api.attachments.pick();
  if (!picked.ok) return report(io, picked.error);
  const replyTo = optional(values, 'reply-to');
  const { delaySeconds, sendAt } = when(values);
  const deliveryReport = deliveryReportOption('--dsn', optional(values, 'dsn'), optional(values, 'dsn-return'));
  const queued = await api.outbox.send({
    accountId: account.id,
    ...(identityId !== undefined ? { identityId } : {}),
    to: list(values.to),
    cc: list(values.cc),
    bcc: list(values.bcc),
    subject: required(values, 'subject'),
    text: body ?? '',
    ...(html !== undefined ? { html } : {}),
    ...(replyTo !== undefined ? { replyTo } : {}),
    attachments: picked.value.map(({ path }) => ({ path })),
    delaySeconds,
    ...(sendAt ? { sendAt } : {}),
    ...(deliveryReport ? { deliveryReport } : {}),
  });
  if (!queued.ok) return report(io, queued.error);
  const message = queued.value;
  io.stdout(`Message-ID: ${message.messageId}`);
  if (sendAt) {
    io.stdout(
      `Scheduled for ${new Date(sendAt).toLocaleString()} (message ${message.id}); it goes out when Outbound or \`outbound outbox flush\` runs after that time.`,
    );
    return EXIT.ok;
  }
  if (delaySeconds > 0) {
    io.stdout(`Sending in ${delaySeconds} s; to stop it: outbound outbox cancel ${message.id}`);
    await sleep(delaySeconds * 1000);
  }
  return sendNow(io, api, message.id);
}

async function readOption(option: string, file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`Cannot read --${option} "${file}": ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`, { cause: error });
  }
}

/** --identity: one of the account's From aliases, by its address. */
function identityOf(account: AccountView, address: string): number {
  const identity = account.identities.find((i) => i.email.toLowerCase() === address.trim().toLowerCase());
  if (identity) return identity.id;
  const known = account.identities.map((i) => i.email);
  throw new UsageError(
    `--identity "${address}" is not an identity of ${account.name}${known.length ? ` (identities: ${known.join(', ')})` : ' (it has none)'}.`,
  );
}

/** --delay: an undo window (none by default, unlike the app); --at: a scheduled time. */
function when(values: Context['values']): { delaySeconds: number; sendAt?: string } {
  const delay = optional(values, 'delay');
  const at = optional(values, 'at');
  if (delay !== undefined && at !== undefined) throw new UsageError('give --delay or --at, not both.');
  if (at !== undefined) {
    const time = new Date(at);
    if (Number.isNaN(time.getTime())) throw new UsageError(`--at "${at}" is not a date and time (e.g. 2026-12-01T09:30 or 2026-12-01T09:30+01:00).`);
    return { delaySeconds: 0, sendAt: time.toISOString() };
  }
  const delaySeconds = delay === undefined ? 0 : Number(delay);
  if (!Number.isInteger(delaySeconds)) throw new UsageError(`--delay takes whole seconds, not "${delay}".`);
  return { delaySeconds };
}

/** Attempt a message now and say how it ended (or, if it was cancelled meanwhile, what it is). */
async function sendNow(io: CliIo, api: OutboundApi, id: number): Promise<number> {
  const result = await api.outbox.sendNow(id);
  return result.ok ? reportOutcome(io, result.value) : report(io, result.error);
}

function messageId(positionals: string[], verb: string): number {
  const id = Number(positionals[0]);
  if (!Number.isInteger(id) || id < 1) throw new UsageError(`give the message to ${verb} as its number from \`outbound outbox list\`.`);
  return id;
}

async function outboxCancel({ positionals, io, api }: Context): Promise<number> {
  const result = await api.outbox.cancel(messageId(positionals, 'cancel'));
  if (!result.ok) return report(io, result.error);
  io.stdout(`Cancelled message ${result.value.id} (${result.value.subject || 'no subject'}).`);
  return EXIT.ok;
}

async function outboxResend({ positionals, io, api }: Context): Promise<number> {
  const result = await api.outbox.resend(messageId(positionals, 'send again'));
  if (!result.ok) return report(io, result.error);
  return sendNow(io, api, result.value.id);
}

async function outboxMarkSent({ positionals, io, api }: Context): Promise<number> {
  const result = await api.outbox.markSent(messageId(positionals, 'mark as sent'));
  if (!result.ok) return report(io, result.error);
  io.stdout(`Marked message ${result.value.id} as sent.`);
  return EXIT.ok;
}

/** `outbox list`: everything not yet sent, then the newest 50 sent; --search, --account and --state narrow both. */
async function outboxList({ values, io, api }: Context): Promise<number> {
  const filter: ListFilter = { search: optional(values, 'search'), state: optional(values, 'state') as ListState | undefined };
  const account = optional(values, 'account');
  if (account !== undefined) {
    const found = await api.accounts.find(account);
    if (!found.ok) return report(io, found.error);
    filter.accountId = found.value.id;
  }
  const messages: MessageView[] = [];
  // The whole outbox, page by page.
  for (let after: string | undefined, more = true; more;) {
    const page = await api.outbox.page({ ...filter, after, limit: 500 });
    if (!page.ok) return report(io, page.error);
    messages.push(...page.value.messages);
    after = page.value.next ?? undefined;
    more = after !== undefined;
  }
  const sent = await api.sent.page({ ...filter, limit: 50 });
  if (!sent.ok) return report(io, sent.error);
  messages.push(...sent.value.messages);
  if (values.json) {
    io.stdout(JSON.stringify(messages, null, 2));
    return EXIT.ok;
  }
  if (messages.length === 0) io.stdout(filter.search || filter.state || filter.accountId ? 'No message matches.' : 'The outbox is empty.');
  for (const m of messages) {
    const who = m.recipients.map((r) => `${r.address}${r.state === 'accepted' || r.state === 'pending' ? '' : ` (${r.state})`}`).join(', ');
    io.stdout(`${m.id}\t${m.state}\t${m.subject || '(no subject)'}\t${who}\tattempts ${m.attempts}\t${m.lastError ?? m.lastReply ?? ''}`);
  }
  return EXIT.ok;
}

/** One message and its attempts, newest first, each with the SMTP dialogue. */
async function outboxShow({ positionals, values, io, api }: Context): Promise<number> {
  const id = messageId(positionals, 'show');
  const attempts = await api.outbox.attempts(id);
  if (!attempts.ok) return report(io, attempts.error);
  const message = await api.outbox.get(id);
  if (!message.ok) return report(io, message.error);
  const m = message.value;
  if (values.json) {
    io.stdout(JSON.stringify({ ...m, attemptHistory: attempts.value }, null, 2));
    return EXIT.ok;
  }
  io.stdout(`${m.id}\t${m.state}\t${m.subject || '(no subject)'}\t${m.messageId}`);
  for (const r of m.recipients) io.stdout(`${r.kind}: ${r.address} (${r.state})${r.reply ? ` ${r.reply}` : ''}`);
  if (m.lastError) io.stdout(m.lastError);
  if (attempts.value.length === 0) io.stdout('No attempt yet.');
  attempts.value.forEach((a, i) => {
    io.stdout(
      `\nAttempt ${attempts.value.length - i}, ${a.startedAt}: ${a.outcome ?? 'unfinished'} at ${a.stage ?? 'connect'}${a.reply ? `: ${a.reply}` : ''}`,
    );
    io.stdout(a.transcript);
  });
  return EXIT.ok;
}

async function outboxFlush({ io, api }: Context): Promise<number> {
  const outcomes = await api.outbox.flush();
  if (!outcomes.ok) return report(io, outcomes.error);
  if (outcomes.value.length === 0) io.stdout('Nothing queued.');
  let worst: number = EXIT.ok;
  for (const m of outcomes.value) {
    const code = reportOutcome(io, m, `${m.id} ${m.messageId}: `);
    if (code !== EXIT.ok && worst !== EXIT.failed) worst = code;
  }
  return worst;
}

/** `outbox pause` and `outbox resume`: the setting every sender on the data directory reads. */
function pausing(sendingPaused: boolean): (ctx: Context) => Promise<number> {
  return async ({ io, api }) => {
    const saved = await api.settings.save({ sendingPaused });
    if (!saved.ok) return report(io, saved.error);
    io.stdout(
      sendingPaused
        ? 'Sending is paused: messages wait in the outbox until `outbound outbox resume`.'
        : 'Sending resumed: the app and `outbound daemon` pick up what waits within a minute; `outbound outbox flush` sends it now.',
    );
    return EXIT.ok;
  };
}

const HELD: Record<Hold, string> = { scheduled: 'Scheduled for', undo: 'In its undo window until' };

export function reportOutcome(io: CliIo, m: MessageView, prefix = ''): number {
  switch (m.state) {
    case 'sent':
      io.stdout(`${prefix}Sent: ${m.lastReply ?? ''}${m.lastError ? `\n${prefix}${m.lastError}` : ''}`);
      return EXIT.ok;
    case 'queued':
      // Held on purpose (a schedule, an undo window) is not due, so not a failure: flush did its job.
      if (m.hold && m.notBefore) {
        io.stdout(`${prefix}${HELD[m.hold]} ${new Date(m.notBefore).toLocaleString()}; not due yet (message ${m.id} stays in the outbox).`);
        return EXIT.ok;
      }
      io.stderr(
        `${prefix}Still queued, will retry${m.notBefore ? ` after ${m.notBefore}` : ''}${m.lastError ? `: ${m.lastError}` : ''} (message ${m.id} stays in the outbox)`,
      );
      return EXIT.tempFail;
    case 'sending':
      io.stderr(`${prefix}Another Outbound process is sending message ${m.id} right now.`);
      return EXIT.tempFail;
    default:
      io.stderr(`${prefix}${m.state === 'failed' ? 'Failed' : m.state === 'uncertain' ? 'Uncertain' : 'Cancelled'}: ${m.lastError ?? m.lastReply ?? ''}`);
      return EXIT.failed;
  }
}

export const outboxCommands: Record<string, Command> = {
  send: {
    usage: `--account N --to ADDR [--to ADDR…] [--cc ADDR…] [--bcc ADDR…] --subject S
              (--text T | --text-file F) [--html-file F] [--attach FILE…] [--reply-to ADDR] [--identity ADDR]
              [--delay SECONDS | --at TIME] [--dsn never|success,failure,delay] [--dsn-return full|hdrs]
              Queues the message, sends it and waits for the server's answer. --html-file adds rich
              text (with only --html-file, the plain text is made from it); --identity sends from one
              of the account's aliases. --delay waits first (cancel meanwhile with \`outbox cancel\`);
              --at schedules it and returns. --dsn asks for a delivery report (RFC 3461) when the
              server offers them; without it, the account's default.`,
    options: {
      account: { type: 'string' },
      to: { type: 'string', multiple: true },
      cc: { type: 'string', multiple: true },
      bcc: { type: 'string', multiple: true },
      subject: { type: 'string' },
      text: { type: 'string' },
      'text-file': { type: 'string' },
      'html-file': { type: 'string' },
      attach: { type: 'string', multiple: true },
      'reply-to': { type: 'string' },
      identity: { type: 'string' },
      delay: { type: 'string' },
      at: { type: 'string' },
      dsn: { type: 'string' },
      'dsn-return': { type: 'string' },
    },
    run: send,
  },
  'outbox list': {
    usage: `[--search WORDS] [--account N] [--state S] [--json]
              What waits, then the newest 50 sent. --search finds words of the subject, the people or
              the text; --state: queued, scheduled, sending, failed, uncertain or sent.`,
    options: { json: { type: 'boolean' }, search: { type: 'string' }, account: { type: 'string' }, state: { type: 'string' } },
    run: outboxList,
  },
  'outbox show': {
    usage: 'ID [--json] A message and each attempt: the stage it reached, the reply, the SMTP dialogue (AUTH redacted).',
    options: { json: { type: 'boolean' } },
    operands: 1,
    run: outboxShow,
  },
  'outbox pause': { usage: '        Pause all sending (the app, the daemon, every command) until `outbox resume`.', options: {}, run: pausing(true) },
  'outbox resume': {
    usage: '       Resume sending (the app and the daemon pick up what waits within a minute; `outbox flush` sends it now).',
    options: {},
    run: pausing(false),
  },
  'outbox flush': { usage: '         Attempt every due or retrying message now, ignoring backoff (cron-friendly).', options: {}, run: outboxFlush },
  'outbox cancel': { usage: 'ID      Cancel a waiting, failed or uncertain message.', options: {}, operands: 1, run: outboxCancel },
  'outbox resend': { usage: 'ID      An uncertain message did not arrive: send the same message again now.', options: {}, operands: 1, run: outboxResend },
  'outbox mark-sent': { usage: 'ID   An uncertain message did arrive: move it to Sent.', options: {}, operands: 1, run: outboxMarkSent },
};
