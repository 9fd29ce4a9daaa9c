/**
 * The transcript on its own, fed as nodemailer's SMTPConnection feeds its logger: which lines it
 * keeps and how, which stage it says the dialogue reached, what it redacts, where it stops.
 */
import { describe, expect, it } from 'vitest';
import { SmtpTranscript } from '../../../main/core/smtp/transcript.ts';

const client = (t: SmtpTranscript, line: string) => t.logger.debug({ tnx: 'client' }, line);
const server = (t: SmtpTranscript, line: string) => t.logger.debug({ tnx: 'server' }, line);

describe('the SMTP transcript', () => {
  it('writes the dialogue as C:, S: and * lines, formatting the message with its arguments, at any log level', () => {
    const t = new SmtpTranscript();
    t.logger.info({ tnx: 'network' }, 'Connection established to %s:%s', '127.0.0.1', 587);
    t.logger.trace({ tnx: 'server' }, '220 mx.example.org ESMTP');
    t.logger.warn({ tnx: 'client' }, 'EHLO %s', 'laptop');
    t.logger.error({ tnx: 'server' }, '250-mx.example.org\r\n250-PIPELINING\n250 STARTTLS');
    t.logger.fatal({}, 'Closing connection');
    t.note('retrying in 1 min');
    expect(t.lines).toEqual([
      '* Connection established to 127.0.0.1:587',
      'S: 220 mx.example.org ESMTP',
      'C: EHLO laptop',
      'S: 250-mx.example.org',
      'S: 250-PIPELINING',
      'S: 250 STARTTLS',
      '* Closing connection',
      '* retrying in 1 min',
    ]);
    expect(t.toString()).toBe(t.lines.join('\n'));
  });

  it('follows the stage: greeting once connected, then each command that starts one, final once the body is written', () => {
    const t = new SmtpTranscript();
    expect(t.stage).toBe('connect');
    t.logger.info({ tnx: 'network' }, 'Resolved 127.0.0.1');
    expect(t.stage).toBe('connect');
    t.logger.info({ tnx: 'network' }, 'Connection ESTABLISHED to 127.0.0.1');
    expect(t.stage).toBe('greeting');
    const stages: [string, string][] = [
      ['ehlo laptop', 'ehlo'],
      ['HELO laptop', 'ehlo'],
      ['LHLO laptop', 'ehlo'],
      ['STARTTLS', 'starttls'],
      ['AUTH PLAIN AHVzZXIAcGFzcw==', 'auth'],
      ['MAIL FROM:<ann@example.org>', 'mail'],
      ['RCPT TO:<bob@example.org>', 'rcpt'],
      ['NOOP', 'rcpt'], // a command that starts no stage leaves it where it was
      ['DATA', 'data'],
    ];
    for (const [line, stage] of stages) {
      client(t, line);
      expect(t.stage, line).toBe(stage);
    }
    // Once in a stage past connecting, another "established" (a TLS upgrade) does not move it back.
    t.logger.info({ tnx: 'network' }, 'Connection upgraded and established');
    expect(t.stage).toBe('data');

    expect(t.bodyWritten).toBe(false);
    t.logger.info({ tnx: 'message' }, '<%s bytes encoded mime message (source size %s bytes)>', 120, 118);
    expect(t).toMatchObject({ stage: 'final', bodyWritten: true });
    expect(t.lines.at(-1)).toBe('* <120 bytes encoded mime message (source size 118 bytes)>');
  });

  it('starts where it is told (a reused connection) and calls back once the body is written', () => {
    let calls = 0;
    const t = new SmtpTranscript('mail', () => calls++);
    expect(t.stage).toBe('mail');
    client(t, 'RCPT TO:<bob@example.org>');
    expect(calls).toBe(0);
    t.logger.info({ tnx: 'message' }, '<120 bytes encoded mime message>');
    expect(calls).toBe(1);
  });

  it.each([
    ['PLAIN', ['AUTH PLAIN AGFubkBleGFtcGxlLm9yZwBzZWNyZXQ='], ['334 '], ['C: AUTH PLAIN [redacted]']],
    ['PLAIN, payload on its own line', ['AUTH PLAIN', 'AGFubkBleGFtcGxlLm9yZwBzZWNyZXQ='], ['334 '], ['C: AUTH PLAIN', 'S: 334 ', 'C: [redacted]']],
    [
      'LOGIN',
      ['AUTH LOGIN', 'YW5uQGV4YW1wbGUub3Jn', 'c2VjcmV0'],
      ['334 VXNlcm5hbWU6', '334 UGFzc3dvcmQ6'],
      ['C: AUTH LOGIN', 'S: 334 VXNlcm5hbWU6', 'C: [redacted]', 'S: 334 UGFzc3dvcmQ6', 'C: [redacted]'],
    ],
    [
      'CRAM-MD5',
      ['AUTH CRAM-MD5', 'YW5uIGQ0MWQ4Y2Q5OGYwMGIyMDRlOTgwMDk5OGVjZjg0Mjdl'],
      ['334 PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2U+'],
      ['C: AUTH CRAM-MD5', 'S: 334 PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2U+', 'C: [redacted]'],
    ],
  ])('redacts every client line of AUTH %s, and nothing after the server has answered it', (_method, clientLines, challenges, expected) => {
    const t = new SmtpTranscript();
    // The dialogue alternates: client line, then the server's challenge, until the server's final answer.
    clientLines.forEach((line, i) => {
      client(t, line);
      const challenge = challenges[i];
      if (challenge !== undefined && i < clientLines.length - 1) server(t, challenge);
    });
    expect(t.lines).toEqual(expected);
    server(t, '235 2.7.0 Authentication successful');
    client(t, 'MAIL FROM:<ann@example.org>');
    expect(t.lines.slice(-2)).toEqual(['S: 235 2.7.0 Authentication successful', 'C: MAIL FROM:<ann@example.org>']);
  });

  it('ends the redaction on a refused AUTH too (any reply but 334)', () => {
    const t = new SmtpTranscript();
    client(t, 'AUTH LOGIN');
    server(t, '535 5.7.8 Authentication credentials invalid');
    client(t, 'QUIT');
    expect(t.lines).toEqual(['C: AUTH LOGIN', 'S: 535 5.7.8 Authentication credentials invalid', 'C: QUIT']);
  });

  it('cuts a line at 1000 characters and the transcript after 300 lines, saying so once', () => {
    const t = new SmtpTranscript();
    t.note('x'.repeat(999));
    t.note('y'.repeat(998));
    t.note('z'.repeat(1200));
    expect(t.lines[0]).toBe(`* ${'x'.repeat(998)}…`);
    expect(t.lines[1]).toBe(`* ${'y'.repeat(998)}`);
    expect(t.lines[2]).toBe(`* ${'z'.repeat(998)}…`);
    for (let i = 3; i < 300; i++) t.note(`line ${i}`);
    expect(t.lines).toHaveLength(300);
    t.note('line 300');
    t.note('line 301');
    expect(t.lines).toHaveLength(301);
    expect(t.lines.slice(-2)).toEqual(['* line 299', '* [transcript truncated]']);
  });
});
