/** Each fault of the machine as its sentence and code (main/hosts/machine-faults.ts), and dispatch giving it to the page instead of "something went wrong". */
import { describe, expect, it } from 'vitest';
import { createApi } from '../../main/hosts/api.ts';
import { createDispatch } from '../../main/hosts/dispatch.ts';
import { machineFault } from '../../main/hosts/machine-faults.ts';
import { AppError } from '../../main/core/app-error.ts';
import { testCore } from '../helpers/core.ts';

const fault = (code: string, extra = {}) => Object.assign(new Error(`raw ${code}`), { code, ...extra });

describe('machine faults', () => {
  it.each([
    ['ENOSPC', 'disk_full', /is full\. Nothing was changed/],
    ['SQLITE_FULL', 'disk_full', /is full/],
    ['SQLITE_NOTADB', 'database_damaged', /is damaged and cannot be read/],
    ['SQLITE_CORRUPT_INDEX', 'database_damaged', /is damaged/],
    ['SQLITE_BUSY', 'database_busy', /holds Outbound's database and does not let go|does not let go/],
    ['EACCES', 'no_permission', /may not write to \/x\/y/],
    ['SQLITE_READONLY', 'no_permission', /may not write/],
    ['ENOTDIR', 'cannot_create', /cannot create its data at \/x\/y/],
    ['EIO', 'io_error', /the disk reported an error/],
  ])('%s → %s', (code, expected, sentence) => {
    const found = machineFault(fault(code, { path: '/x/y' }), '/tmp/outbound-faults-home');
    expect([found?.code, found?.message]).toEqual([expected, expect.stringMatching(sentence)]);
  });

  it('is not one: a plain error, an AppError, an unknown code', () => {
    expect([machineFault(new Error('x'), '/h'), machineFault(new AppError('conflict', 'x'), '/h'), machineFault(fault('ECONNRESET'), '/h')]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('reaches the page through dispatch as the sentence, not as an internal error', async () => {
    const { core } = testCore(undefined);
    const api = createApi(core);
    api.settings.get = () => {
      throw fault('SQLITE_FULL');
    };
    const answer = await createDispatch(api, core.home, () => undefined)('settings.get', []);
    expect(answer).toMatchObject({ ok: false, error: { code: 'disk_full', message: expect.stringMatching(/is full/) } });
  });
});
