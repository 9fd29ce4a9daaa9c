/**
 * The frozen file on its own: whatever line endings a message's bytes come with, and however they are
 * split into chunks, the file holds them with CRLF line endings and ends in one; a source that fails
 * leaves no file behind.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { newMessageId, writeFrozen } from '../../../main/core/compose/freeze.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** `chunks` frozen into a new messages directory: the file's bytes and the size reported. */
async function frozen(chunks: string[]): Promise<{ bytes: string; size: number; dir: string; file: string }> {
  const dir = join(mkdtempSync(join(tmpdir(), 'outbound-freeze-')), 'messages');
  dirs.push(join(dir, '..'));
  const { file, size } = await writeFrozen(dir, Readable.from(chunks.map((c) => Buffer.from(c, 'latin1'))));
  return { bytes: readFileSync(join(dir, file), 'latin1'), size, dir, file };
}

describe('a frozen message', () => {
  it.each([
    ['bare LFs', ['a\nb\n'], 'a\r\nb\r\n'],
    ['bare CRs', ['a\rb\r'], 'a\r\nb\r\n'],
    ['CRLFs already', ['a\r\nb\r\n'], 'a\r\nb\r\n'],
    ['a CRLF split across chunks', ['a\r', '\nb\r\n'], 'a\r\nb\r\n'],
    ['a lone CR at the end of a chunk before canonical lines', ['a\r', 'b\r\n'], 'a\r\nb\r\n'],
    ['a bare LF at the start of a chunk', ['a\r\n', '\nb\r\n'], 'a\r\n\r\nb\r\n'],
    ['no line end at the end', ['a\r\n', 'b'], 'a\r\nb\r\n'],
    ['a CR as the very last byte', ['a\r\nb\r'], 'a\r\nb\r\n'],
    ['mixed, in Latin-1 bytes', ['Gr\xfc\xdfe\n', '\r\n\xe9\r'], 'Gr\xfc\xdfe\r\n\r\n\xe9\r\n'],
  ])('with %s is written with CRLF line endings, ending in one', async (_case, chunks, expected) => {
    const { bytes, size, file } = await frozen(chunks);
    expect(bytes).toBe(expected);
    expect(size).toBe(Buffer.byteLength(expected, 'latin1'));
    expect(file).toMatch(/^[0-9a-f-]{36}\.eml$/);
  });

  it('leaves no file when its source fails, and says why', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'outbound-freeze-')), 'messages');
    dirs.push(join(dir, '..'));
    const failing = Readable.from(
      (async function* () {
        yield Buffer.from('Subject: half\r\n');
        throw new Error('the attachment went away');
      })(),
    );
    await expect(writeFrozen(dir, failing)).rejects.toThrow('the attachment went away');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('gets a Message-ID of its own at the sender’s domain, in lower case', () => {
    const of = (address: string) => newMessageId({ address, name: 'Ann' } as Parameters<typeof newMessageId>[0]);
    expect(of('ann@Mail.Example.ORG')).toMatch(/^<[0-9a-f-]{36}@mail\.example\.org>$/);
    expect(of('ann@example.org')).not.toBe(of('ann@example.org'));
    expect(of('ann@')).toMatch(/^<[0-9a-f-]{36}@outbound\.invalid>$/);
  });
});
