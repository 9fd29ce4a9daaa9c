/** Send later's quick picks, in local time (whatever the machine's zone: the dates are built from local parts). */
import { describe, expect, it } from 'vitest';
import { laterPicks } from '../../renderer/src/time.ts';

const local = (d: Date) => [d.getFullYear(), d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes()];

describe('laterPicks', () => {
  it('in an hour (to the minute), tomorrow at 8, next Monday at 8', () => {
    const tuesday = new Date(2026, 2, 10, 15, 30, 45); // Tuesday 10 March 2026, 15:30:45 local
    const [hour, tomorrow, monday] = laterPicks(tuesday).map((pick) => local(pick.at));
    expect([hour, tomorrow, monday]).toEqual([
      [2026, 3, 10, 16, 30],
      [2026, 3, 11, 8, 0],
      [2026, 3, 16, 8, 0],
    ]);
  });

  it('from a Monday, next Monday is a week on; from a Sunday, the next day', () => {
    expect(local(laterPicks(new Date(2026, 2, 9, 9, 0))[2]!.at)).toEqual([2026, 3, 16, 8, 0]);
    expect(local(laterPicks(new Date(2026, 2, 15, 9, 0))[2]!.at)).toEqual([2026, 3, 16, 8, 0]);
  });

  it('across the end of a month and a year', () => {
    expect(local(laterPicks(new Date(2026, 11, 31, 23, 30))[1]!.at)).toEqual([2027, 1, 1, 8, 0]);
  });
});
