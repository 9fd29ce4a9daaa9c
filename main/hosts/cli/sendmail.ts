/**
 * `outbound sendmail`: the interface git send-email, PHP's mail(), cron and mutt hand mail to. The
 * message on standard input is queued as it is; exit 0 means it is durable in the outbox, as
 * sendmail's exit 0 means accepted for delivery.
 */
import { deliveryReportOption, EXIT, UsageError, report, type Command, type Context } from './common.ts';
import { reportOutcome } from './outbox.ts';

export type SendmailArgs = {
  recipients: string[];
  /** -t */
  readRecipients: boolean;
  /** -f / -r */
  envelopeFrom?: string;
  /** -F */
  fromName?: string;
  readEnvelopeFrom: boolean;
  account?: string;
  wait: boolean;
  /** -N and -R: a delivery report (RFC 3461). */
  notify?: string;
  returns?: string;
};

/** Options sendmail programs pass that mean nothing here: -o… (-oi, -oem, -odi), -B…, -bm, -G, -v, -i. */
const IGNORED = /^-(o.*|B.*|bm|G|v|i)$/;

/**
 * sendmail's own argument syntax, which node's parseArgs cannot read: single-dash options with
 * attached or separate values (`-faddr`, `-f addr`), `-oi` as one option, and the recipients after.
 */
export function parseSendmailArgs(args: readonly string[]): SendmailArgs {
  const parsed: SendmailArgs = { recipients: [], readRecipients: false, readEnvelopeFrom: false, wait: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const valueOf = (option: string): string => {
      const attached = arg.slice(option.length).replace(/^=/, '');
      if (attached) return attached;
      const next = args[++i];
      if (next === undefined) throw new UsageError(`${option} needs a value.`);
      return next;
    };
    if (arg === '--') {
      parsed.recipients.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') parsed.recipients.push(arg);
    else if (arg === '-t') parsed.readRecipients = true;
    else if (arg === '--wait') parsed.wait = true;
    else if (arg === '--read-envelope-from') parsed.readEnvelopeFrom = true;
    else if (arg === '--account' || arg.startsWith('--account=')) parsed.account = valueOf('--account');
    else if (arg.startsWith('-f') || arg.startsWith('-r')) parsed.envelopeFrom = valueOf(arg.slice(0, 2));
    else if (arg.startsWith('-F')) parsed.fromName = valueOf('-F');
    else if (arg.startsWith('-N')) parsed.notify = valueOf('-N');
    else if (arg.startsWith('-R')) parsed.returns = valueOf('-R');
    else if (arg === '-B')
      i++; // `-B 8BITMIME`: the body type, with its value apart
    else if (!IGNORED.test(arg)) throw new UsageError(`unknown option "${arg}".`);
  }
  return parsed;
}

/** Without --wait, how long the first attempt may take to reach the server before the message is left queued. */
const FIRST_TRY_MS = 5000;

async function sendmail({ values, io, api }: Context): Promise<number> {
  const args = values as SendmailArgs;
  let accountId: number | undefined;
  if (args.account !== undefined) {
    const found = await api.accounts.find(args.account);
    if (!found.ok) return report(io, found.error);
    accountId = found.value.id;
  }
  const deliveryReport = deliveryReportOption('-N', args.notify, args.returns);
  const queued = await api.outbox.submitRaw({
    raw: (await io.readStdinBytes()).toString('base64'),
    recipients: args.recipients,
    readRecipients: args.readRecipients,
    readEnvelopeFrom: args.readEnvelopeFrom,
    ...(args.envelopeFrom !== undefined ? { envelopeFrom: args.envelopeFrom } : {}),
    ...(args.fromName !== undefined ? { fromName: args.fromName } : {}),
    ...(accountId !== undefined ? { accountId } : {}),
    ...(deliveryReport ? { deliveryReport } : {}),
  });
  if (!queued.ok) return report(io, queued.error);
  const sent = await api.outbox.sendNow(queued.value.id);
  if (args.wait) return sent.ok ? reportOutcome(io, sent.value) : report(io, sent.error);
  // Accepted for delivery: whatever this attempt did, the outbox has the message.
  if (!sent.ok) io.stderr(`outbound: ${sent.error.message}`);
  else if (sent.value.state !== 'sent')
    io.stderr(`outbound: message ${sent.value.id} is ${sent.value.state}${sent.value.lastError ? `: ${sent.value.lastError}` : ''}.`);
  return EXIT.ok;
}

export const sendmailCommands: Record<string, Command> = {
  sendmail: {
    usage: `[-t] [-i] [-f ADDR] [-F NAME] [-N never|success,failure,delay] [-R full|hdrs] [--read-envelope-from]
              [--account N] [--wait] [--] [RECIPIENT…]
              The sendmail interface (git send-email, PHP's mail(), cron, mutt): the message on standard
              input is queued as it is, From, Date and Message-ID added when missing, Bcc removed. -t adds
              the recipients of To, Cc and Bcc; -f picks the account by its address or identity; -N and -R
              ask for a delivery report (RFC 3461). Exits 0 once the message is safe in the outbox, after a
              first try; --wait exits as \`send\` does.`,
    options: {},
    parse: (args) => ({ values: parseSendmailArgs(args), positionals: [] }),
    // A first try that cannot reach the server soon leaves the message queued rather than keep the caller waiting.
    core: (values) => (values.wait ? {} : { sender: { submit: { timeouts: { connectMs: FIRST_TRY_MS, greetingMs: FIRST_TRY_MS } } } }),
    run: sendmail,
  },
};
