/**
 * What one submission reports when the server fails it at the edges of the dialogue (the fault
 * server): closed before its greeting, dropped in the middle of the body, dropped after the final dot —
 * the stage, whether the body was written, and a failure a person can read.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submit } from '../../../main/core/smtp/submit.ts';
import { startFaultServer, type Fault, type FaultServer } from '../../helpers/fault-server.ts';

let server: FaultServer;
let dir: string;
let file: string;
beforeAll(async () => {
  server = await startFaultServer();
  dir = mkdtempSync(join(tmpdir(), 'outbound-submit-faults-'));
  file = join(dir, 'm.eml');
  // Large enough that the client is still writing when the server drops the connection mid-body.
  writeFileSync(file, `From: me@outbound.test\r\nTo: ann@example.org\r\nSubject: faults\r\n\r\n${`${'x'.repeat(998)}\r\n`.repeat(16_000)}`);
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function submitWith(fault: Fault) {
  server.setFault(fault);
  const target = {
    host: '127.0.0.1',
    port: server.port,
    security: 'starttls' as const,
    credentials: { kind: 'password' as const, user: 'me', pass: 's3cret pass' },
  };
  return submit(target, { from: 'me@outbound.test', to: ['ann@example.org'] }, file, {
    extraCaCertificates: [server.ca],
    timeouts: { connectMs: 1_000, greetingMs: 1_000, socketMs: 1_000 },
  });
}

describe('a submission the server breaks off', () => {
  it('before its greeting: the server closed the connection, nothing written', async () => {
    expect(await submitWith({ stage: 'greeting', kind: 'drop' })).toMatchObject({
      stage: 'greeting',
      bodyWritten: false,
      failure: { kind: 'network', code: null, message: 'The connection broke during the greeting: Connection closed unexpectedly' },
    });
  });

  it('in the middle of the body: the body was not all written', async () => {
    const result = await submitWith({ stage: 'body', kind: 'drop' });
    expect(result).toMatchObject({ stage: 'body', bodyWritten: false, failure: { kind: 'network' } });
    expect(result.failure?.message).toMatch(/^The connection broke during the message body: /);
  });

  it('after the final dot: the body was written, and the server may have the message', async () => {
    const result = await submitWith({ stage: 'final', kind: 'drop' });
    expect(result).toMatchObject({ stage: 'final', bodyWritten: true, failure: { kind: 'network' } });
    expect(result.failure?.message).toMatch(/^The connection broke during the final reply: /);
  });
});
