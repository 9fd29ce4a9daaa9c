/** Dates and times as the user's locale writes them. */
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export const formatTime = (iso: string): string => dateTime.format(new Date(iso));

const pad = (n: number): string => String(Math.abs(n)).padStart(2, '0');

/**
 * ISO 8601 with the local offset (`2025-03-01T09:30:00+01:00`): what the contract's `sendAt` takes,
 * and what keeps "9:30 here" meaning 9:30 here.
 */
export function isoWithOffset(date: Date): string {
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  return `${day}T${time}${sign}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`;
}

/** The value a `datetime-local` input shows for `date` (local time, minutes). */
export const localInputValue = (date: Date): string => isoWithOffset(date).slice(0, 16);
