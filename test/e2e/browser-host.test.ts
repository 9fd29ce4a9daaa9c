/**
 * The browser host refuses whatever is not our own page on this machine — no token, another Host
 * (DNS rebinding), another Origin, a file outside the renderer — and hands anything else to the same
 * validating dispatch as the Electron shell, so a malformed call is a typed error that changes nothing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventChannelOf, type Result } from '../../preload/common/contract/index.ts';
import { createApi } from '../../main/hosts/api.ts';
import { openCore, type Core } from '../../main/core/index.ts';
import { createDispatch } from '../../main/hosts/dispatch.ts';
import { startBrowserHost, type BrowserHost } from '../../main/hosts/browser/server.ts';
import type { EventSink } from '../../main/hosts/events.ts';
import { builtApp } from './built-app.ts';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

interface Call {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

let home: string;
let core: Core;
let host: BrowserHost;
let hostHeader: string;
/** Stands in for the core's events, so a test can push one down the stream. */
const eventSinks = new Set<EventSink>();

beforeAll(async () => {
  home = await mkdtemp(path.join(tmpdir(), 'outbound-host-'));
  core = openCore({ home });
  host = await startBrowserHost({
    ...builtApp(),
    dispatch: createDispatch(createApi(core), core.home, () => undefined),
    events: (sink) => {
      eventSinks.add(sink);
      return () => eventSinks.delete(sink);
    },
  });
  hostHeader = new URL(host.url).host;
});

afterAll(async () => {
  await host?.close();
  await core?.close();
  if (home) await rm(home, { recursive: true, force: true });
});

/** A raw HTTP request: fetch would not let us set Host, nor send a path with `..` in it. */
function send({ method = 'GET', path: requestPath, headers = {}, body }: Call): Promise<Reply> {
  const { port } = new URL(host.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path: requestPath, headers: { host: hostHeader, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Call a method the way the bridge does, with any header overridden. */
function call(channel: string, args: unknown[], headers: Record<string, string> = {}): Promise<Reply> {
  return send({
    method: 'POST',
    path: `/api/${channel}`,
    headers: { 'content-type': 'application/json', 'x-outbound-token': host.token, origin: `http://${hostHeader}`, ...headers },
    body: JSON.stringify(args),
  });
}

const resultOf = (reply: Reply): Result<unknown> => JSON.parse(reply.body) as Result<unknown>;

/** The browser host's limit on a request body (SECURITY.md: JSON bodies up to 30 MB). */
const BODY_LIMIT = 30 * 1024 * 1024;

/**
 * A call with a body framed by its length or in one chunk, over a raw socket, with the host's answer
 * read once it closes the connection. Over the limit, only what the host has read is sent (the
 * headers, or the body without the end of the chunk), so it has nothing unread to reset the
 * connection over, and its answer always arrives.
 */
function rawCall(channel: string, framing: 'content-length' | 'chunked', json: string): Promise<Reply> {
  const body = Buffer.from(json);
  const over = body.length > BODY_LIMIT;
  const head = [
    `POST /api/${channel} HTTP/1.1`,
    `host: ${hostHeader}`,
    'content-type: application/json',
    `x-outbound-token: ${host.token}`,
    'connection: close',
    framing === 'chunked' ? 'transfer-encoding: chunked' : `content-length: ${body.length}`,
  ].join('\r\n');
  const framed =
    framing === 'chunked' ? [Buffer.from(`${body.length.toString(16)}\r\n`), body, ...(over ? [] : [Buffer.from('\r\n0\r\n\r\n')])] : over ? [] : [body];
  return new Promise((resolve, reject) => {
    const socket = connect(Number(new URL(host.url).port), '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const [status, ...rest] = Buffer.concat(chunks).toString('utf8').split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3}) /.exec(status ?? '')?.[1] ?? 0), headers: {}, body: rest.join('\r\n\r\n') });
    });
    // Not ended: a half-closed request could be taken for an aborted one; the host closes after answering.
    socket.write(Buffer.concat([Buffer.from(`${head}\r\n\r\n`), ...framed]));
  });
}

const validAccount = { name: 'Work', email: 'ann@example.org', host: 'smtp.example.org', port: 587, security: 'starttls' };

async function accountCount(): Promise<number> {
  const result = resultOf(await call('accounts.list', []));
  if (!result.ok) throw new Error(result.error.message);
  return (result.value as unknown[]).length;
}

describe('browser host', () => {
  it('listens on loopback only and answers our own page', async () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(host.token).toMatch(/^[\w-]{43}$/);
    const reply = await call('accounts.list', []);
    expect(reply.status).toBe(200);
    expect(resultOf(reply)).toEqual({ ok: true, value: [] });
  });

  it('refuses calls without the right token, and they change nothing', async () => {
    const missing = await call('accounts.save', [validAccount], { 'x-outbound-token': '' });
    // One character off. (Not always 'A': a 32-byte token's last character is one of only 16, 'A' among them.)
    const wrongToken = `${host.token.slice(0, -1)}${host.token.endsWith('A') ? 'B' : 'A'}`;
    const wrong = await call('accounts.save', [validAccount], { 'x-outbound-token': wrongToken });
    for (const reply of [missing, wrong]) {
      expect(reply.status).toBe(401);
      expect(resultOf(reply)).toMatchObject({ ok: false, error: { message: expect.stringContaining('token') } });
    }
    expect(await accountCount()).toBe(0);
  });

  it('refuses another Host (DNS rebinding) and another Origin', async () => {
    const { port } = new URL(host.url);
    const refused = [
      await call('accounts.save', [validAccount], { host: `localhost:${port}` }),
      await call('accounts.save', [validAccount], { host: `evil.example:${port}` }),
      await call('accounts.save', [validAccount], { origin: 'http://evil.example' }),
      await call('accounts.save', [validAccount], { origin: `http://localhost:${port}` }),
      await call('accounts.save', [validAccount], { origin: 'null' }),
    ];
    for (const reply of refused) {
      expect(reply.status).toBe(403);
      expect(resultOf(reply).ok).toBe(false);
    }
    expect((await send({ path: '/', headers: { host: `rebound.example:${port}` } })).status).toBe(403);
    expect(await accountCount()).toBe(0);
  });

  it('answers an unknown channel with a typed error', async () => {
    for (const channel of ['accounts.drop', 'event.outboxChanged', 'constructor.prototype', 'accounts']) {
      const reply = await call(channel, []);
      expect(reply.status).toBe(200);
      expect(resultOf(reply)).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringContaining('Unknown method') } });
    }
  });

  it('answers an invalid payload with an error naming the field, and changes nothing', async () => {
    const badPort = resultOf(await call('accounts.save', [{ ...validAccount, port: 'abc' }]));
    expect(badPort).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'port' } });
    const noName = resultOf(await call('accounts.save', [{ ...validAccount, name: '  ' }]));
    expect(noName).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'name' } });
    const injected = resultOf(await call('accounts.save', [{ ...validAccount, host: 'smtp.example.org\r\nRCPT TO:<x@y>' }]));
    expect(injected).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'host' } });
    expect(await accountCount()).toBe(0);
  });

  it('refuses bodies that are not JSON', async () => {
    const textPlain = await call('accounts.list', [], { 'content-type': 'text/plain' });
    expect(textPlain.status).toBe(415);
    const garbage = await send({
      method: 'POST',
      path: '/api/accounts.list',
      headers: { 'content-type': 'application/json', 'x-outbound-token': host.token },
      body: '{not json',
    });
    expect(garbage.status).toBe(400);
  });

  it.each(['content-length', 'chunked'] as const)('takes a body of exactly 30 MB and refuses one byte more (%s)', async (framing) => {
    // `[`, spaces, `]`: valid JSON of any length, the arguments of a call that takes none.
    const jsonOf = (size: number) => `[${' '.repeat(size - 2)}]`;
    const atLimit = await rawCall('accounts.list', framing, jsonOf(BODY_LIMIT));
    expect(atLimit.status).toBe(200);
    expect(JSON.parse(atLimit.body)).toEqual({ ok: true, value: [] });

    const save = JSON.stringify([validAccount]);
    const overLimit = await rawCall('accounts.save', framing, `${save.slice(0, -1)}${' '.repeat(BODY_LIMIT + 1 - save.length)}]`);
    expect(overLimit.status).toBe(413);
    expect(resultOf(overLimit)).toMatchObject({ ok: false, error: { message: 'The request is larger than 30 MB.' } });
    expect(await accountCount()).toBe(0);
  });

  it('streams events only to a caller with the token', async () => {
    expect((await send({ path: '/events' })).status).toBe(401);

    const { port } = new URL(host.url);
    // Asserted once the promise settles: an expect failing inside the callback would only be an uncaught error.
    const { status, contentType, line } = await new Promise<{ status?: number; contentType?: string; line: string }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/events', headers: { 'x-outbound-token': host.token } }, (res) => {
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (!chunk.trim()) return;
          resolve({ status: res.statusCode, contentType: res.headers['content-type'], line: chunk.trim() });
          req.destroy();
        });
        if (eventSinks.size === 0) reject(new Error('the host listens to no events for this stream'));
        for (const sink of eventSinks) sink(eventChannelOf('outboxChanged'), { id: 7, state: 'sent' });
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(200);
    expect(contentType).toMatch(/^application\/x-ndjson/);
    expect(JSON.parse(line)).toEqual({ channel: 'event.outboxChanged', payload: { id: 7, state: 'sent' } });
  });

  it('serves the renderer with the bridge and its CSP, and nothing outside it', async () => {
    const index = await send({ path: '/' });
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    const meta = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(index.body)?.[1];
    expect(meta).toContain("default-src 'none'");
    // The header adds what a meta tag cannot carry.
    expect(index.headers['content-security-policy']).toBe(`${meta}; frame-ancestors 'none'`);
    expect(index.body.indexOf('<script src="/bridge.js"></script>')).toBeGreaterThan(-1);
    expect(index.body.indexOf('<script src="/bridge.js"></script>')).toBeLessThan(index.body.indexOf('type="module"'));

    const bridge = await send({ path: '/bridge.js' });
    expect(bridge.status).toBe(200);
    expect(bridge.headers['content-type']).toBe('text/javascript; charset=utf-8');

    for (const sneaky of [
      '/../package.json',
      '/../../package.json',
      '/%2e%2e/%2e%2e/package.json',
      '/..%2f..%2fpackage.json',
      '/assets/..%2f..%2f..%2fpackage.json',
      '/..%5c..%5cpackage.json',
      '/index.html%00.js',
      '/%E0%A4%A',
      '/assets',
    ]) {
      const reply = await send({ path: sneaky });
      expect(reply.status, sneaky).toBe(404);
      expect(reply.body).not.toContain('"devDependencies"');
    }
    expect((await send({ path: '//' })).status).toBe(400);
  });
});
