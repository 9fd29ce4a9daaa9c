/** Which folder the copies go to: the one the server marks \Sent (RFC 6154), else a usual name; none found, the copier creates "Sent". */
import type { ListResponse } from 'imapflow';
import { describe, expect, it } from 'vitest';
import { sentFolderOf } from '../../../main/core/imap/client.ts';

const folder = (path: string, specialUse?: string, specialUseSource?: ListResponse['specialUseSource']) =>
  ({ path, specialUse, specialUseSource }) as ListResponse;

describe('sentFolderOf', () => {
  it('takes the folder the server marks \\Sent over any name', () => {
    expect(sentFolderOf([folder('INBOX'), folder('Sent'), folder('Gesendet', '\\Sent', 'extension')])).toBe('Gesendet');
  });

  it('else the usual names, in their order and in any case (not a name imapflow merely guessed as Sent)', () => {
    expect(sentFolderOf([folder('INBOX'), folder('INBOX.Sent'), folder('sent items', '\\Sent', 'name')])).toBe('sent items');
    expect(sentFolderOf([folder('INBOX'), folder('Archive')])).toBeNull();
  });
});
