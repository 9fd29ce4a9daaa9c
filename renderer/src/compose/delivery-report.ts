/**
 * The delivery report choices the composer and the account editor offer (RFC 3461 DSN), as the value
 * of a <select>: "" none, "never", or the events in the standard's order ("failure,delay").
 */
import type { DeliveryReport, DsnNotify } from '../../../preload/common/contract/index.ts';

const ORDER: readonly DsnNotify[] = ['success', 'failure', 'delay'];

export const REPORT_CHOICES: readonly { value: string; label: string }[] = [
  { value: '', label: 'None' },
  { value: 'failure', label: 'If it cannot be delivered' },
  { value: 'failure,delay', label: 'If it is delayed or cannot be delivered' },
  { value: 'success,failure,delay', label: 'Always, also when it is delivered' },
];

export const reportValue = (report: DeliveryReport | null): string =>
  report === null ? '' : report.notify === 'never' ? 'never' : ORDER.filter((event) => (report.notify as readonly string[]).includes(event)).join(',');

export const reportOf = (value: string): DeliveryReport | null =>
  value === '' ? null : { notify: value === 'never' ? 'never' : (value.split(',') as DsnNotify[]), returns: 'headers' };

/** The choices, with `current` among them when it is one set elsewhere (the CLI's `never`, say). */
export const reportChoices = (current: string) =>
  REPORT_CHOICES.some((choice) => choice.value === current)
    ? REPORT_CHOICES
    : [...REPORT_CHOICES, { value: current, label: current === 'never' ? 'Never, not even on failure' : current.replaceAll(',', ', ') }];

/** How a request reads in the Outbox and Sent. */
export const reportLabel = (report: DeliveryReport): string => {
  const value = reportValue(report);
  return reportChoices(value).find((choice) => choice.value === value)!.label;
};
