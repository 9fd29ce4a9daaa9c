/** Frozen files without a row: removed after a crash, but never while another process is still enqueuing. */
import { existsSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { accountFor, testCore, value } from '../../helpers/core.ts';

describe('orphaned frozen files', () => {
  it('removes old files no row points at, keeps fresh ones and every queued message', async () => {
    const { core, api } = testCore(undefined);
    const account = await value(
      api.accounts.save(accountFor({ host: 'smtp.example.org', port: 587 }, { security: 'none', username: '', passwordCommand: '' })),
    );
    const queued = await value(api.outbox.send({ accountId: account.id, to: ['ann@example.org'], subject: 'kept', text: 't' }));
    const file = (name: string) => join(core.outbox.dir, name);
    writeFileSync(file('crashed.eml'), 'From: x\r\n\r\nbody\r\n');
    writeFileSync(file('.half.eml.partial'), 'From: x\r\n');
    writeFileSync(file('in-flight.eml'), 'From: x\r\n\r\nbody\r\n'); // another process, about to commit its row
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    utimesSync(file('crashed.eml'), twoHoursAgo, twoHoursAgo);
    utimesSync(file('.half.eml.partial'), twoHoursAgo, twoHoursAgo);

    await core.outbox.removeOrphanFiles();
    expect(existsSync(file('crashed.eml'))).toBe(false);
    expect(existsSync(file('.half.eml.partial'))).toBe(false);
    expect(existsSync(file('in-flight.eml'))).toBe(true);
    expect(existsSync(core.outbox.fileOf(core.outbox.row(queued.id)))).toBe(true);
  });
});
