/** The outbox's rows as SQLite gives them, and what its jobs take and give. */
import type { DeliveryReport, DraftView, Hold, MessageState, RecipientState, RecipientView, SmtpStage } from '../../../../preload/common/contract/index.ts';

export interface MessageRow {
  id: number;
  account_id: number | null;
  account_name: string;
  message_id: string;
  envelope_from: string;
  from_header: string;
  subject: string;
  raw_file: string;
  size: number;
  state: MessageState;
  not_before: number;
  lease_owner: string | null;
  lease_until: number | null;
  attempts: number;
  last_stage: SmtpStage | null;
  last_reply: string | null;
  last_error: string | null;
  created_at: number;
  sent_at: number | null;
  updated_at: number;
  hold: Hold | null;
  waiting_for_network: number;
  submitted_by: 'sendmail' | null;
  /** JSON DeliveryReport, or NULL: none asked for. */
  delivery_report: string | null;
  delivery_report_dropped: 0 | 1;
}

export interface RecipientRow {
  id: number;
  message_id: number;
  position: number;
  kind: RecipientView['kind'];
  address: string;
  state: RecipientState;
  reply: string | null;
}

export interface AttemptRow {
  started_at: number;
  finished_at: number | null;
  stage: SmtpStage | null;
  outcome: MessageState | null;
  reply: string | null;
  error: string | null;
  transcript: string | null;
}

export interface NewMessage {
  accountId: number;
  accountName: string;
  /** The account's address: what a repair finds the account by (envelope-file.ts). */
  accountEmail: string;
  messageId: string;
  envelopeFrom: string;
  fromHeader: string;
  subject: string;
  rawFile: string;
  size: number;
  notBefore: number;
  hold: Hold | null;
  draft: DraftView;
  /** Queued by `outbound sendmail` rather than composed. */
  submittedBy?: 'sendmail';
  deliveryReport: DeliveryReport | null;
  recipients: { kind: RecipientView['kind']; address: string }[];
}

/** How an attempt ended, decided by the sender. */
export interface AttemptOutcome {
  state: Extract<MessageState, 'queued' | 'sent' | 'failed' | 'uncertain'>;
  stage: SmtpStage;
  reply: string | null;
  error: string | null;
  transcript: string;
  notBefore?: number;
  /** Retry as soon as the network is back (the failure was the network's). */
  waitingForNetwork?: boolean;
  recipients: { address: string; state: RecipientState; reply: string | null }[];
}

/** A message claimed for an attempt, with the recipients still to be tried: pending, or deferred by a 4xx. */
export interface Claimed {
  row: MessageRow;
  recipients: string[];
}

/** An attempt and how it ended, ready to be recorded. */
export interface FinishedAttempt {
  /** The message as claimed: its `lease_owner` is the lease the outcome is recorded under. */
  row: MessageRow;
  startedAt: number;
  outcome: AttemptOutcome;
}
