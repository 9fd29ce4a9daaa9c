/** The recipient fields' text on its own: lists as people paste them, entries, and what the chips say is wrong. */
import { describe, expect, it } from 'vitest';
import {
  addressProblem,
  chipProblem,
  domainOf,
  formatMailbox,
  parseEntry,
  recipientEntries,
  splitRecipients,
} from '../../renderer/src/compose/recipient-text.ts';

describe('splitRecipients', () => {
  it('splits on commas, semicolons and new lines, dropping group names and empty entries', () => {
    expect(splitRecipients('Ann Smith <ann@example.org>, bob@example.net; Team: carol@example.org,\n dave@example.org;;')).toEqual([
      'Ann Smith <ann@example.org>',
      'bob@example.net',
      'carol@example.org',
      'dave@example.org',
    ]);
  });

  it('keeps separators inside quotes and angle brackets', () => {
    expect(splitRecipients('"Doe, Dave" <dave@example.org>, "Team: A" <a@example.org>, <odd,@example.org>')).toEqual([
      '"Doe, Dave" <dave@example.org>',
      '"Team: A" <a@example.org>',
      '<odd,@example.org>',
    ]);
  });
});

describe('entries and mailboxes', () => {
  it('reads the name and the address of an entry, unquoting the name', () => {
    expect(parseEntry(' "Doe, Dave" <dave@example.org> ')).toEqual({ name: 'Doe, Dave', address: 'dave@example.org' });
    expect(parseEntry('"A \\"B\\"" <ab@example.org>')).toEqual({ name: 'A "B"', address: 'ab@example.org' });
    expect(parseEntry('ann@example.org')).toEqual({ name: '', address: 'ann@example.org' });
  });

  it('quotes a name only when it holds a character that would split it, and reads back the same', () => {
    expect(formatMailbox({ name: 'Ann Smith', address: 'ann@example.org' })).toBe('Ann Smith <ann@example.org>');
    const quoted = formatMailbox({ name: 'Doe, "D"', address: 'd@example.org' });
    expect(quoted).toBe('"Doe, \\"D\\"" <d@example.org>');
    expect(parseEntry(quoted)).toEqual({ name: 'Doe, "D"', address: 'd@example.org' });
    expect(formatMailbox({ name: '', address: 'd@example.org' })).toBe('d@example.org');
  });

  it('takes every chip and what is still typed', () => {
    expect(recipientEntries({ chips: ['a@example.org'], pending: 'b@example.org; c@example.org' })).toEqual([
      'a@example.org',
      'b@example.org',
      'c@example.org',
    ]);
  });

  it('looks the domain up in lower case', () => {
    expect(domainOf('Ann@Mail.Example.ORG')).toBe('mail.example.org');
  });
});

describe('what is wrong with an address', () => {
  it.each([
    ['', 'is empty'],
    ['ann @example.org', 'contains a space'],
    ['ann', 'needs an @ and a domain, like name@example.org'],
    ['@example.org', 'needs a name before the @'],
    ['ann@', 'needs a domain after the @'],
    [`${'a'.repeat(65)}@example.org`, 'has more than 64 characters before the @'],
    [`ann@${'a'.repeat(250)}.org`, 'is longer than 254 characters'],
    ['an..n@example.org', 'has characters that are not allowed before the @'],
    ['ann@localhost', 'has no dot in the domain “localhost”'],
    ['ann@-bad.example.org', 'has an invalid domain “-bad.example.org”'],
  ])('%j %s', (address, problem) => {
    expect(addressProblem(address)).toBe(problem);
  });

  it.each(['ann@example.org', 'ann.smith+news@mail.example.org', '"ann,smith"@example.org', 'jörg@bücher.example', 'ann@[192.0.2.1]'])(
    '%j is fine',
    (address) => {
      expect(addressProblem(address)).toBeNull();
    },
  );

  it('puts the problem in a sentence on the chip, else the domain check’s warning', () => {
    const warnings = new Map([['gmial.com', 'No such domain: “gmial.com” does not exist. Check the spelling.']]);
    expect(chipProblem('Erin <erin@>', warnings)).toBe('“erin@” needs a domain after the @.');
    expect(chipProblem('frank@GMIAL.com', warnings)).toBe('No such domain: “gmial.com” does not exist. Check the spelling.');
    expect(chipProblem('ann@example.org', warnings)).toBeNull();
  });
});
