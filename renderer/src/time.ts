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

/** Morning, for "tomorrow morning" and "Monday morning", as mail apps offer it. */
const MORNING_HOUR = 8;

/** Send later's quick picks, in the user's own time zone: in an hour, tomorrow morning, next Monday morning. */
export function laterPicks(now: Date): { label: string; at: Date }[] {
  const inAnHour = new Date(now.getTime() + 3_600_000);
  inAnHour.setSeconds(0, 0);
  const morning = (daysAhead: number) => new Date(now.getFullYear(), now.getMonth(), now.getDate() + daysAhead, MORNING_HOUR, 0);
  // Next Monday: from a Monday, the one a week later; from Sunday, tomorrow.
  const toMonday = (8 - now.getDay()) % 7 || 7;
  const weekday = new Intl.DateTimeFormat(undefined, { weekday: 'long' });
  const hour = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
  return [
    { label: 'In an hour', at: inAnHour },
    { label: `Tomorrow, ${hour.format(morning(1))}`, at: morning(1) },
    { label: `${weekday.format(morning(toMonday))}, ${hour.format(morning(toMonday))}`, at: morning(toMonday) },
  ];
}
