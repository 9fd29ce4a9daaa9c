/**
 * The app on a damaged database (issue 17 §4): it asks, in words, whether to repair or quit; Quit
 * leaves the file as it was, Repair tells what came back, and the app then opens on the repaired one.
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Question } from '../../../main/hosts/desktop/system.ts';
import { openCore } from '../../../main/core/index.ts';
import { databaseFile } from '../../../main/core/paths.ts';
import { openCheckedCore } from '../../../main/hosts/desktop/open-core.ts';
import { inProcessApi } from '../../../main/hosts/in-process.ts';
import { tempHome, value, withTestDns } from '../../helpers/core.ts';

async function damagedHome(): Promise<string> {
  const home = tempHome();
  const core = openCore({ ...withTestDns({}), home, autoSend: false });
  const api = inProcessApi(core);
  const { id: accountId } = await value(api.accounts.save({ name: 'work', email: 'me@outbound.test', host: '127.0.0.1', port: 1, security: 'none' }));
  await value(api.outbox.send({ accountId, to: ['ann@example.org'], subject: 'Kept', text: 'Hello.' }));
  core.db.pragma('wal_checkpoint(TRUNCATE)');
  await core.close();
  const fd = openSync(databaseFile(home), 'r+');
  writeSync(fd, Buffer.alloc(100, 0x55), 0, 100, 0);
  closeSync(fd);
  return home;
}

describe('the app on a damaged database', () => {
  it('Quit: nothing is touched', async () => {
    const home = await damagedHome();
    const before = readFileSync(databaseFile(home));
    const asked: Question[] = [];
    expect(await openCheckedCore({ home, autoSend: false }, (q) => Promise.resolve(asked.push(q) && 1))).toBeUndefined();
    expect(asked.map((q) => [q.message, q.buttons])).toEqual([["Outbound's database is damaged.", ['Repair', 'Quit']]]);
    expect(asked[0]!.detail).toMatch(/Run `outbound repair` \(or choose Repair when the app asks\)/);
    expect(readFileSync(databaseFile(home)).equals(before)).toBe(true);
  });

  it('Repair: says what came back, and opens on the repaired database', async () => {
    const home = await damagedHome();
    const asked: Question[] = [];
    const core = await openCheckedCore({ ...withTestDns({}), home, autoSend: false }, (q) => Promise.resolve(asked.push(q) && 0));
    onTestFinished(() => core?.close());
    expect(asked.map((q) => q.message)).toEqual(["Outbound's database is damaged.", 'The database was repaired.']);
    expect(asked[1]!.detail).toMatch(
      /^The damaged file is kept at .*outbound\.sqlite\.damaged-.*\n\n1 message came back from its file as uncertain: check the Outbox/,
    );
    expect((await value(inProcessApi(core!).outbox.list())).map((m) => [m.subject, m.state])).toEqual([['Kept', 'uncertain']]);
  });
});
