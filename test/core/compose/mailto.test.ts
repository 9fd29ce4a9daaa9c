/** RFC 6068 mailto: URLs, parsed under Node (the same parser the app and the shell use through compose.fromMailto). */
import { describe, expect, it } from 'vitest';
import { parseMailto } from '../../../main/core/compose/mailto.ts';
import { testCore } from '../../helpers/core.ts';

const empty = { to: [], cc: [], bcc: [], subject: '', text: '' };

describe('parseMailto', () => {
  it.each([
    ['mailto:chris@example.com', { ...empty, to: ['chris@example.com'] }],
    ['MAILTO:infobot@example.com?subject=current-issue', { ...empty, to: ['infobot@example.com'], subject: 'current-issue' }],
    ['mailto:?to=joe@example.com&cc=bob@example.com&body=hello', { ...empty, to: ['joe@example.com'], cc: ['bob@example.com'], text: 'hello' }],
    // RFC 6068 §6.1 examples: several addresses, repeated and case-insensitive hfnames
    [
      'mailto:joe@example.com,bob@example.com?To=ann@example.com&TO=zed@example.com&CC=c@example.com&bcc=d@example.com',
      { ...empty, to: ['joe@example.com', 'bob@example.com', 'ann@example.com', 'zed@example.com'], cc: ['c@example.com'], bcc: ['d@example.com'] },
    ],
    ['mailto:%22not%40me%22@example.org', { ...empty, to: ['"not@me"@example.org'] }],
    [
      'mailto:user@example.org?subject=caf%C3%A9%20%E2%9C%93&body=line%201%0D%0Aline%202%0D%0A',
      { ...empty, to: ['user@example.org'], subject: 'café ✓', text: 'line 1\nline 2\n' },
    ],
    ['mailto:a@example.org?subject=1+1%3D2', { ...empty, to: ['a@example.org'], subject: '1+1=2' }], // + is not a space
    ['mailto:%E7%B4%8D%E8%B1%86@example.jp', { ...empty, to: ['納豆@example.jp'] }],
    ['mailto:Ann%20Example%20%3Cann@example.org%3E', { ...empty, to: ['"Ann Example" <ann@example.org>'] }],
    ['mailto:a@example.org?subject=first&subject=second&body=one&body=two', { ...empty, to: ['a@example.org'], subject: 'first', text: 'one' }],
  ])('%s', (url, expected) => {
    expect(parseMailto(url)).toEqual(expected);
  });

  it('ignores unknown and dangerous header fields, and cannot put a line break into the subject or an address', () => {
    expect(
      parseMailto(
        'mailto:a@example.org?from=evil@example.org&reply-to=evil@example.org&In-Reply-To=%3Cx%3E&X-Injected=1&Subject=hi%0D%0ABcc:%20evil@example.org&cc=c@example.org%0D%0ABcc:%20evil@example.org',
      ),
    ).toMatchObject({ to: ['a@example.org'], bcc: [], subject: 'hi Bcc: evil@example.org', text: '' });
    const { cc, bcc } = parseMailto('mailto:a@example.org?cc=c@example.org%0D%0ABcc:%20evil@example.org');
    // Whatever the address parser makes of it, the smuggled address stays visible in Cc, on one line.
    expect(cc).toContain('evil@example.org');
    expect(cc.filter((a) => /[\r\n]/.test(a))).toEqual([]);
    expect(bcc).toEqual([]);
  });

  it('takes at most 1 000 entries per recipient field, as the contract allows', () => {
    const addresses = (n: number) => Array.from({ length: n }, (_, i) => `r${i}@example.org`);
    expect(parseMailto(`mailto:${addresses(1000).join(',')}`).to).toEqual(addresses(1000));
    expect(parseMailto(`mailto:${addresses(1001).join(',')}`).to).toEqual(addresses(1000));
    expect(parseMailto(`mailto:?cc=${addresses(600).join(',')}&cc=${addresses(600).join(',')}`).cc).toHaveLength(1000);
  });

  it('refuses what is not a mailto: URL or has broken percent-encoding', () => {
    for (const url of ['https://example.org', 'javascript:alert(1)', 'mailto:a@example.org?subject=%E2%28', 'mailto:%']) {
      expect(() => parseMailto(url)).toThrow(/mailto/);
    }
  });

  it('is in the contract as compose.fromMailto', async () => {
    const { api } = testCore(undefined);
    expect(await api.compose.fromMailto('mailto:a@example.org?subject=x')).toEqual({ ok: true, value: { ...empty, to: ['a@example.org'], subject: 'x' } });
    expect(await api.compose.fromMailto('http://x')).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'url' } });
  });
});
