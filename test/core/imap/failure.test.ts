/** What an imapflow error means for the copy in Sent: away (wait and retry), too big (fail the copy), refused (the user must act). */
import { describe, expect, it } from 'vitest';
import { imapFailure } from '../../../main/core/imap/client.ts';

const WHERE = 'The IMAP server imap.example.test:993';
const error = (message: string, extra: object = {}) => Object.assign(new Error(message), extra);

describe('imapFailure', () => {
  it('too big: imapflow refusing before sending (APPENDLIMIT announced), or the server refusing it (TOOBIG, LIMIT)', () => {
    expect(imapFailure(error('Message content too big for APPENDLIMIT=100', { serverResponseCode: 'APPENDLIMIT' }), WHERE)).toEqual({
      kind: 'too_big',
      message: `${WHERE} does not take a message this big: Message content too big for APPENDLIMIT=100`,
    });
    const refused = error('Command failed', { responseStatus: 'NO', serverResponseCode: 'TOOBIG', response: 'C NO [TOOBIG] Message too large' });
    expect(imapFailure(refused, WHERE)).toEqual({ kind: 'too_big', message: `${WHERE} does not take a message this big: [TOOBIG] Message too large` });
  });

  it('refused: a rejected login, an untrusted certificate, a NO or BAD answer', () => {
    expect(imapFailure(error('Authentication failed', { authenticationFailed: true, response: 'A NO [AUTHENTICATIONFAILED] Bad' }), WHERE).kind).toBe(
      'refused',
    );
    expect(imapFailure(error('self-signed certificate', { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }), WHERE).message).toBe(
      `No trusted TLS connection to ${WHERE}: self-signed certificate`,
    );
    expect(imapFailure(error('Command failed', { responseStatus: 'NO', response: 'D NO [TRYCREATE] Mailbox does not exist' }), WHERE)).toEqual({
      kind: 'refused',
      message: `${WHERE} answered: [TRYCREATE] Mailbox does not exist`,
    });
  });

  it('away: nothing listening, the line dropped, no answer in time, a BYE', () => {
    for (const code of ['ECONNREFUSED', 'ETIMEDOUT', 'NoConnection', 'CONNECT_TIMEOUT'])
      expect(imapFailure(error(`it failed (${code})`, { code }), WHERE).kind).toBe('away');
    expect(imapFailure(error('Connection closed', { responseStatus: 'BYE' }), WHERE).kind).toBe('away');
  });
});
