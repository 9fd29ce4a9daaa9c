/** The delivery report <select>'s values, to and from what the contract carries. */
import { describe, expect, it } from 'vitest';
import { REPORT_CHOICES, reportChoices, reportOf, reportValue } from '../../renderer/src/compose/delivery-report.ts';

describe('delivery report choices', () => {
  it('round-trip every choice, events in the standard order whatever order they came in', () => {
    for (const { value } of REPORT_CHOICES) expect(reportValue(reportOf(value))).toBe(value);
    expect(reportValue({ notify: ['delay', 'failure'], returns: 'full' })).toBe('failure,delay');
    expect(reportOf('')).toBeNull();
    expect(reportOf('never')).toEqual({ notify: 'never', returns: 'headers' });
  });

  it('offer a choice made elsewhere (the CLI) beside the usual ones', () => {
    expect(reportChoices('failure')).toBe(REPORT_CHOICES);
    expect(reportChoices('never').at(-1)).toEqual({ value: 'never', label: 'Never, not even on failure' });
    expect(reportChoices('success,failure').at(-1)).toEqual({ value: 'success,failure', label: 'success, failure' });
  });
});
