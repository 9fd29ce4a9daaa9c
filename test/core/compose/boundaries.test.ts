/**
 * The contract's limits on a message (SECURITY.md "Size limits before anything is written"), each
 * just at the limit — queued as given — and just over it: refused naming the field, nothing written.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { messagesDir } from '../../../main/core/paths.ts';
import type { ComposeInput } from '../../../preload/common/contract/index.ts';
import { plainAccountFor, testCore, value } from '../../helpers/core.ts';

const addresses = (count: number) => Array.from({ length: count }, (_, i) => `r${i}@example.org`);

/** One entry as a person types it, a comma-separated list of addresses, exactly `length` characters long. */
function entryOf(length: number): string {
  const list = addresses(length).join(', ');
  // Room left for one more address of at least one letter, which makes up the length.
  const cut = list.slice(0, list.lastIndexOf(', ', length - ', z@example.org'.length));
  return `${cut}, ${'z'.repeat(length - cut.length - ', @example.org'.length)}@example.org`;
}

/** What is tried, the field the refusal names, the limit, and the message fields of a given size. */
const LIMITS: [what: string, field: string, limit: number, fields: (size: number) => Partial<ComposeInput>][] = [
  ['a subject of 998 characters', 'subject', 998, (size) => ({ subject: 'x'.repeat(size) })],
  ['1 000 entries in To', 'to', 1000, (size) => ({ to: addresses(size) })],
  ['1 000 entries in Bcc', 'bcc', 1000, (size) => ({ bcc: addresses(size) })],
  ['an entry of 4 096 characters in Cc', 'cc.0', 4096, (size) => ({ cc: [entryOf(size)] })],
];

describe('the limits of a message', () => {
  it('are tried with an entry of exactly the length asked', () => {
    expect([4096, 4097].map((length) => entryOf(length).length)).toEqual([4096, 4097]);
  });

  it.each(LIMITS)('takes %s, and refuses one more', async (_what, field, limit, fields) => {
    const { core, api } = testCore(undefined);
    const account = await value(api.accounts.save(plainAccountFor({ host: 'smtp.example.org', port: 587 })));
    const input = (size: number): ComposeInput => ({
      accountId: account.id,
      to: ['ann@example.org'],
      subject: 's',
      text: 't',
      delaySeconds: 30,
      ...fields(size),
    });

    const queued = await value(api.outbox.send(input(limit)));
    expect(queued).toMatchObject({ state: 'queued', subject: input(limit).subject });
    const frozen = readdirSync(messagesDir(core.home)).sort();
    expect(frozen.map((f) => f.replace(/^[0-9a-f-]{36}/, 'ID'))).toEqual(['ID.eml', 'ID.envelope.json']);

    expect(await api.outbox.send(input(limit + 1))).toMatchObject({ ok: false, error: { code: 'invalid_input', field } });
    expect(readdirSync(messagesDir(core.home)).sort()).toEqual(frozen);
    expect(core.outbox.list('outbox').map((m) => m.id)).toEqual([queued.id]);
  });
});
