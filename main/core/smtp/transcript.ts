/**
 * The SMTP dialogue as a person can read it: `C:` client, `S:` server, `*` connection events.
 * Never the message content (nodemailer's transactionLog omits it), and never an AUTH payload:
 * nodemailer masks passwords but leaves the username inside AUTH PLAIN's base64, so every client
 * line of an AUTH exchange is replaced here.
 */
import { format } from 'node:util';
import type { SmtpStage } from '../../../preload/common/contract/index.ts';

const MAX_LINES = 300;
const MAX_LINE = 1000;

const STAGE_OF_COMMAND: Record<string, SmtpStage> = {
  EHLO: 'ehlo',
  HELO: 'ehlo',
  LHLO: 'ehlo',
  STARTTLS: 'starttls',
  AUTH: 'auth',
  MAIL: 'mail',
  RCPT: 'rcpt',
  DATA: 'data',
};

export interface LogEntry {
  tnx?: string;
}

/** Records the dialogue and the stage reached; plugs into SMTPConnection as its `logger`. */
export class SmtpTranscript {
  readonly lines: string[] = [];
  /** How far the dialogue got. */
  stage: SmtpStage;
  /** Set once nodemailer has written the whole body and the final dot. */
  bodyWritten = false;
  private inAuth = false;

  private readonly onBodyWritten: (() => void) | undefined;

  /**
   * `initial`: where the dialogue starts ('mail' on a connection already set up by an earlier message).
   * `onBodyWritten`: called once the body and the end of data are with the connection.
   */
  constructor(initial: SmtpStage = 'connect', onBodyWritten?: () => void) {
    this.stage = initial;
    this.onBodyWritten = onBodyWritten;
  }

  /** A bunyan-style logger for nodemailer. */
  readonly logger = {
    trace: (entry: LogEntry, message: string, ...args: unknown[]) => this.record(entry, message, args),
    debug: (entry: LogEntry, message: string, ...args: unknown[]) => this.record(entry, message, args),
    info: (entry: LogEntry, message: string, ...args: unknown[]) => this.record(entry, message, args),
    warn: (entry: LogEntry, message: string, ...args: unknown[]) => this.record(entry, message, args),
    error: (entry: LogEntry, message: string, ...args: unknown[]) => this.record(entry, message, args),
    fatal: (entry: LogEntry, message: string, ...args: unknown[]) => this.record(entry, message, args),
  };

  note(text: string): void {
    this.push(`* ${text}`);
  }

  toString(): string {
    return this.lines.join('\n');
  }

  private record(entry: LogEntry, message: string, args: unknown[]): void {
    const text = format(message, ...args);
    switch (entry.tnx) {
      case 'client':
        return this.client(text);
      case 'server':
        return this.server(text);
      case 'message':
        // "<N bytes encoded mime message …>": logged when the body and the final dot are written.
        this.bodyWritten = true;
        this.stage = 'final';
        this.push(`* ${text}`);
        return this.onBodyWritten?.();
      case 'network':
        if (this.stage === 'connect' && /established/i.test(text)) this.stage = 'greeting';
        return this.push(`* ${text}`);
      default:
        return this.push(`* ${text}`);
    }
  }

  private client(text: string): void {
    const command = text.split(' ', 1)[0]!.toUpperCase();
    const stage = STAGE_OF_COMMAND[command];
    if (stage) this.stage = stage;
    if (command === 'AUTH') {
      this.inAuth = true;
      const [, mechanism] = text.split(' ');
      return this.push(`C: AUTH ${mechanism ?? ''}${text.split(' ').length > 2 ? ' [redacted]' : ''}`.trimEnd());
    }
    if (this.inAuth) return this.push('C: [redacted]');
    this.push(`C: ${text}`);
  }

  private server(text: string): void {
    if (this.inAuth && !text.startsWith('334')) this.inAuth = false;
    for (const line of text.split(/\r?\n/)) this.push(`S: ${line}`);
  }

  private push(line: string): void {
    if (this.lines.length === MAX_LINES) this.lines.push('* [transcript truncated]');
    if (this.lines.length > MAX_LINES) return;
    this.lines.push(line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}…` : line);
  }
}
