/** Frozen files and their envelope files without a row: removed after a crash, but never while another process is still enqueuing. */
import { existsSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { plainAccountFor, testCore, value } from '../../helpers/core.ts';

describe('orphaned frozen files', () => {
  it('removes old files no row points at, keeps fresh ones, every queued message with its envelope, and files not its own', async () => {
    const { core, api } = testCore(undefined);
    const account = await value(api.accounts.save(plainAccountFor({ host: 'smtp.example.org', port: 587 })));
    const queued = await value(api.outbox.send({ accountId: account.id, to: ['ann@example.org'], subject: 'kept', text: 't' }));
    const file = (name: string) => join(core.outbox.dir, name);
    const ago = (minutes: number, ...names: string[]) => {
      const then = new Date(Date.now() - minutes * 60_000);
      for (const name of names) utimesSync(file(name), then, then);
    };
    const queuedFile = core.outbox.row(queued.id).raw_file;
    const queuedEnvelope = queuedFile.replace(/\.eml$/, '.envelope.json');
    writeFileSync(file('crashed.eml'), 'From: x\r\n\r\nbody\r\n');
    writeFileSync(file('crashed.envelope.json'), '{}');
    writeFileSync(file('.half.eml.partial'), 'From: x\r\n');
    writeFileSync(file('in-flight.eml'), 'From: x\r\n\r\nbody\r\n'); // another process, about to commit its row
    writeFileSync(file('in-flight.envelope.json'), '{}');
    writeFileSync(file('notes.txt'), 'not ours to remove');
    // The age limit is an hour: a minute past it is old, a minute before it is not.
    ago(61, 'crashed.eml', 'crashed.envelope.json', '.half.eml.partial', 'notes.txt', queuedFile, queuedEnvelope);
    ago(59, 'in-flight.eml', 'in-flight.envelope.json');

    await core.outbox.removeOrphanFiles();
    expect(['crashed.eml', 'crashed.envelope.json', '.half.eml.partial'].filter((name) => existsSync(file(name)))).toEqual([]);
    expect(['in-flight.eml', 'in-flight.envelope.json', 'notes.txt', queuedFile, queuedEnvelope].filter((name) => !existsSync(file(name)))).toEqual([]);
  });
});
