/**
 * Delivery status notifications (RFC 3461): the request as an account's default and a message's
 * choice keep it (a JSON column), and as MAIL FROM and RCPT TO carry it (nodemailer's `dsn`
 * envelope: RET, ENVID, NOTIFY), sent only when the server's EHLO offers DSN.
 */
import type { DeliveryReport } from '../../../preload/common/contract/index.ts';

export const deliveryReportColumn = (report: DeliveryReport | null): string | null => (report === null ? null : JSON.stringify(report));

export const deliveryReportOf = (column: string | null): DeliveryReport | null => (column === null ? null : (JSON.parse(column) as DeliveryReport));

/** The message's choice, else its account's default (`undefined`: the composer did not say). */
export const deliveryReportFor = (asked: DeliveryReport | null | undefined, accountDefault: DeliveryReport | null): DeliveryReport | null =>
  asked === undefined ? accountDefault : asked;

export interface EnvelopeDsn {
  notify: string[];
  ret: 'HDRS' | 'FULL';
  /** The message's own id, so a report can be matched to it (RFC 3461 §4.4). */
  envid: string;
}

export function envelopeDsn(report: DeliveryReport, messageId: string): EnvelopeDsn {
  return {
    notify: report.notify === 'never' ? ['NEVER'] : report.notify.map((event) => event.toUpperCase()),
    ret: report.returns === 'full' ? 'FULL' : 'HDRS',
    envid: messageId.replace(/^<|>$/g, ''),
  };
}

/** The attempt's dialogue shows the request did not go out: a recipient was given without NOTIFY (the server offered no DSN). */
export const deliveryReportDropped = (transcript: string): boolean => /^C: RCPT TO:(?!.* NOTIFY=)/m.test(transcript);
