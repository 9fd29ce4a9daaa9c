import { describe, expect, it } from 'vitest';
import { addressProblem, parseAddressList } from '../../../main/core/compose/address.ts';

describe('addresses', () => {
  it('parses what people paste: names, quotes, groups, several per field', () => {
    expect(parseAddressList('to', ['Ann <ann@x.org>, bob@y.org', '"Doe, Jane" <jane@z.org>', 'Team: carl@x.org, dora@x.org;'])).toEqual([
      { name: 'Ann', address: 'ann@x.org' },
      { name: '', address: 'bob@y.org' },
      { name: 'Doe, Jane', address: 'jane@z.org' },
      { name: '', address: 'carl@x.org' },
      { name: '', address: 'dora@x.org' },
    ]);
  });

  it.each([
    ['ann@example.org', undefined],
    ['first.last+tag@sub.example.co.uk', undefined],
    ['"odd local"@example.org', undefined],
    ['ann@[192.0.2.1]', undefined],
    ['jörg@bücher.example', undefined],
    ['@example.org', 'needs a name before the @'],
    ['ann@', 'needs a domain after the @'],
    ['ann@localhost', 'has no dot in the domain "localhost"'],
    ['ann..b@example.org', 'has characters that are not allowed before the @'],
    ['ann@-bad.example', 'has an invalid domain "-bad.example"'],
    [`${'a'.repeat(65)}@example.org`, 'has more than 64 characters before the @'],
  ])('%s → %s', (address, problem) => {
    expect(addressProblem(address)).toBe(problem);
  });

  it('refuses line breaks: no header injection through an address field', () => {
    expect(() => parseAddressList('to', ['ann@x.org\r\nBcc: evil@x.org'])).toThrow(/cannot contain line breaks/);
  });

  it('refuses control characters rather than reading something else than was typed', () => {
    expect(() => parseAddressList('to', ['ann\0@example.org'])).toThrow(/cannot contain control characters/);
    expect(() => parseAddressList('cc', ['ann@example.org>\0Bcc: evil@example.org'])).toThrow(/Cc: addresses cannot contain control characters/);
  });
});
