/** Files dropped on the page: at most STAGE_LIMIT_BYTES each, and kept in staging/ only while a draft or an unsent message still needs them. */
import { existsSync, readdirSync, utimesSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeUnusedStaging, stagingDir } from '../../../main/core/compose/attachments.ts';
import { base64Length, STAGE_LIMIT_BYTES } from '../../../preload/common/staging.ts';
import { plainAccountFor, testCore, value } from '../../helpers/core.ts';

const base64 = (text: string) => Buffer.from(text).toString('base64');
const age = (path: string, hours: number) => {
  const then = new Date(Date.now() - hours * 3_600_000);
  utimesSync(dirname(path), then, then);
};

describe('staged uploads', () => {
  it('are removed once old and unused, never while a draft or a queued message refers to them', async () => {
    const { core, api } = testCore(undefined);
    const account = await value(api.accounts.save(plainAccountFor({ host: 'smtp.example.org', port: 587 })));
    const inDraft = await value(api.attachments.stage('kept.txt', base64('draft')));
    const inQueue = await value(api.attachments.stage('queued.txt', base64('queued')));
    const unused = await value(api.attachments.stage('dropped.txt', base64('nobody')));
    const fresh = await value(api.attachments.stage('fresh.txt', base64('just now')));
    await value(api.drafts.save({ accountId: account.id, to: [], subject: 'draft', text: '', attachments: [{ path: inDraft.path }] }));
    await value(
      api.outbox.send({ accountId: account.id, to: ['ann@example.org'], subject: 'waits', text: 't', attachments: [{ path: inQueue.path }], delaySeconds: 30 }),
    );
    for (const file of [inDraft, inQueue, unused]) age(file.path, 48);

    await removeUnusedStaging(core.home, core.db);
    expect(existsSync(inDraft.path)).toBe(true);
    expect(existsSync(inQueue.path)).toBe(true);
    expect(existsSync(unused.path)).toBe(false);
    expect(existsSync(fresh.path)).toBe(true);
  });

  it('take a file of exactly STAGE_LIMIT_BYTES and refuse one byte more, saying by how much, staging nothing; the contract refuses longer base64 before it is decoded, naming the file and the limit', async () => {
    const { core, api } = testCore(undefined);
    const largest = await value(api.attachments.stage('largest.bin', Buffer.alloc(STAGE_LIMIT_BYTES).toString('base64')));
    expect(largest.size).toBe(STAGE_LIMIT_BYTES);
    // One byte more has base64 as long as the limit's own: the core refuses it once decoded.
    expect(await api.attachments.stage('larger.bin', Buffer.alloc(STAGE_LIMIT_BYTES + 1).toString('base64'))).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', field: 'attachments', message: '"larger.bin" is 1 byte over the 20 MB limit for files added this way.' },
    });
    expect(await api.attachments.stage('longer.bin', 'A'.repeat(base64Length(STAGE_LIMIT_BYTES) + 4))).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', field: 'attachments', message: '"longer.bin" is over the 20 MB limit for files added this way.' },
    });
    expect(readdirSync(stagingDir(core.home))).toEqual([basename(dirname(largest.path))]);
  });
});
