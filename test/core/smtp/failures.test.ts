/**
 * How a submission names what went wrong, from nodemailer's errors as SMTPConnection raises them, and
 * how every connection is set up: without a server, so each rule is seen on its own (send.test.ts
 * and the fault injection show them against real servers).
 */
import { describe, expect, it } from 'vitest';
import { connectionOptions, describeFailure, loadSmtp, loginWith, stageName, type NodemailerError } from '../../../main/core/smtp/submit.ts';

const error = (fields: Partial<NodemailerError> & { message?: string }): NodemailerError =>
  Object.assign(new Error(fields.message ?? 'nodemailer says no'), fields) as NodemailerError;

describe('describing a failed submission', () => {
  it('takes a 4xx at any stage for a temporary refusal, with the reply, naming the stage', () => {
    expect(describeFailure(error({ responseCode: 451, response: '451 4.3.0 Try later', code: 'EENVELOPE' }), 'rcpt')).toEqual({
      kind: 'reply',
      code: 451,
      message: 'The server answered RCPT TO with: 451 4.3.0 Try later',
      reply: '451 4.3.0 Try later',
    });
    // STARTTLS's 454 too, though nodemailer calls it a TLS error.
    expect(describeFailure(error({ responseCode: 454, response: '454 TLS not available', code: 'ETLS' }), 'starttls')).toMatchObject({
      kind: 'reply',
      code: 454,
    });
    // 499 still is; a 4xx on AUTH is not a refused login but a temporary reply.
    expect(describeFailure(error({ responseCode: 499, response: '499 x' }), 'data').kind).toBe('reply');
    expect(describeFailure(error({ responseCode: 454, response: '454 4.7.0 Temporary authentication failure', code: 'EAUTH' }), 'auth')).toEqual({
      kind: 'reply',
      code: 454,
      message: 'The server answered AUTH with: 454 4.7.0 Temporary authentication failure',
      reply: '454 4.7.0 Temporary authentication failure',
    });
  });

  it('takes a 5xx login refusal for a rejected password, and any other 5xx for the server’s refusal', () => {
    expect(describeFailure(error({ responseCode: 535, response: '535 5.7.8 Bad credentials', code: 'EAUTH' }), 'auth')).toEqual({
      kind: 'auth',
      code: 535,
      message: 'The server rejected the login: 535 5.7.8 Bad credentials',
      reply: '535 5.7.8 Bad credentials',
    });
    expect(describeFailure(error({ responseCode: 500, response: '500 what', code: 'EAUTH' }), 'auth').kind).toBe('auth');
    expect(describeFailure(error({ responseCode: 554, response: '554 5.7.1 Refused', code: 'EMESSAGE' }), 'final')).toEqual({
      kind: 'reply',
      code: 554,
      message: 'The server answered the final reply with: 554 5.7.1 Refused',
      reply: '554 5.7.1 Refused',
    });
  });

  it('says why a certificate failed, and that a server without STARTTLS is not used in plain text', () => {
    for (const originalCode of ['DEPTH_ZERO_SELF_SIGNED_CERT', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_HAS_EXPIRED', 'EPROTO']) {
      expect(describeFailure(error({ code: 'ESOCKET', originalCode, message: 'self-signed certificate' }), 'starttls'), originalCode).toEqual({
        kind: 'tls',
        code: null,
        message: "The server's certificate could not be verified: self-signed certificate",
      });
    }
    expect(describeFailure(error({ code: 'ETLS', message: 'Error initiating TLS - unable to verify the first certificate' }), 'starttls').message).toBe(
      "The server's certificate could not be verified: unable to verify the first certificate",
    );
    for (const message of ['Error initiating TLS - STARTTLS is required', 'Server does NOT SUPPORT it']) {
      expect(describeFailure(error({ code: 'ETLS', message }), 'ehlo')).toEqual({
        kind: 'tls',
        code: null,
        message: `The server does not offer STARTTLS, so Outbound will not send (it never falls back to an unencrypted connection). ${message.replace('Error initiating TLS - ', '')}`,
      });
    }
    // A TLS failure with a 5xx keeps the reply.
    expect(describeFailure(error({ code: 'ETLS', responseCode: 530, response: '530 Must issue STARTTLS', message: 'x' }), 'mail')).toMatchObject({
      kind: 'tls',
      code: 530,
      reply: '530 Must issue STARTTLS',
    });
    // Another error whose original code is not a certificate's is not a TLS failure.
    expect(describeFailure(error({ code: 'ESOCKET', originalCode: 'ECONNRESET', message: 'reset' }), 'starttls').kind).toBe('network');
  });

  it('tells a timeout, a local problem and each kind of broken network apart', () => {
    expect(describeFailure(error({ code: 'ETIMEDOUT' }), 'greeting')).toEqual({
      kind: 'timeout',
      code: null,
      message: 'The server stopped answering during the greeting.',
    });
    for (const code of ['ESTREAM', 'EMESSAGE', 'EENVELOPE', 'EAUTH']) {
      expect(describeFailure(error({ code, message: `local ${code}` }), 'body'), code).toEqual({ kind: 'local', code: null, message: `local ${code}` });
    }
    const network = (originalCode: string | undefined) => describeFailure(error({ code: 'ESOCKET', originalCode, message: 'socket hang up' }), 'data');
    expect(network('ECONNREFUSED')).toEqual({ kind: 'network', code: null, message: 'The server refused the connection: nothing is listening on that port.' });
    for (const code of ['ENOTFOUND', 'EAI_AGAIN']) {
      expect(network(code).message).toBe('The server name could not be found: check the host name, or the network is offline.');
    }
    for (const code of ['ENETUNREACH', 'EHOSTUNREACH']) expect(network(code).message).toBe('The network is unreachable: Outbound will send when it is back.');
    expect(network(undefined).message).toBe('The connection broke during DATA: socket hang up');
  });

  it('names every stage in words', () => {
    expect(
      ['connect', 'greeting', 'ehlo', 'starttls', 'auth', 'mail', 'rcpt', 'data', 'body', 'final'].map((s) => stageName(s as Parameters<typeof stageName>[0])),
    ).toEqual(['the connection', 'the greeting', 'EHLO', 'STARTTLS', 'AUTH', 'MAIL FROM', 'RCPT TO', 'DATA', 'the message body', 'the final reply']);
  });
});

describe('the options of every connection', () => {
  const logger = { logger: {} as never };

  it('requires STARTTLS on a starttls account, TLS from the first byte on tls, none on none', () => {
    const of = (security: 'tls' | 'starttls' | 'none') => connectionOptions({ host: 'smtp.example.org', port: 587, security }, {}, logger);
    expect(of('starttls')).toMatchObject({ host: 'smtp.example.org', port: 587, secure: false, requireTLS: true, ignoreTLS: false });
    expect(of('tls')).toMatchObject({ secure: true, requireTLS: false, ignoreTLS: false });
    expect(of('none')).toMatchObject({ secure: false, requireTLS: false, ignoreTLS: true });
    expect(of('tls')).toMatchObject({ transactionLog: true, tls: { minVersion: 'TLSv1.2', servername: 'smtp.example.org' } });
    expect(of('tls').logger).toBe(logger.logger);
  });

  it('waits 30 s to connect and for the greeting and 2 min of silence, unless told', () => {
    const target = { host: '127.0.0.1', port: 25, security: 'none' as const };
    expect(connectionOptions(target, {}, logger)).toMatchObject({ connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 120_000 });
    expect(connectionOptions(target, { timeouts: { connectMs: 1, greetingMs: 2, socketMs: 3 } }, logger)).toMatchObject({
      connectionTimeout: 1,
      greetingTimeout: 2,
      socketTimeout: 3,
    });
  });

  it('logs in with the password, or with the access token as XOAUTH2', async () => {
    const smtp = await loadSmtp();
    expect(loginWith(smtp, { kind: 'password', user: 'ann', pass: 'secret' })).toEqual({ user: 'ann', pass: 'secret' });
    const oauth = loginWith(smtp, { kind: 'oauth2', user: 'ann@gmail.example', accessToken: 'ya29.token' })!;
    expect(oauth.user).toBe('ann@gmail.example');
    expect(oauth.oauth2).toBeInstanceOf(smtp.XOAuth2);
    const token = await new Promise((resolve, reject) => oauth.oauth2!.getToken(false, (e, t) => (e ? reject(e) : resolve(t))));
    expect(token).toBe('ya29.token');
    expect(oauth.oauth2!.buildXOAuth2Token(String(token))).toBe(Buffer.from('user=ann@gmail.example\x01auth=Bearer ya29.token\x01\x01').toString('base64'));
  });
});
