/**
 * The browser host: the renderer served to a plain browser over loopback HTTP, with the contract
 * carried by preload/browser/bridge.ts. It exists because no Electron binary runs on our build machines
 * (e2e tests, `npm run dev:browser`), and it must never be reachable from anything but this machine's
 * browser: it binds 127.0.0.1 only, and every API or event request needs the per-run token, our exact
 * Host (DNS-rebinding defence) and, when the browser sends one, our exact Origin.
 *
 * No Electron here.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { TOKEN_HEADER } from '../../../preload/common/browser-host.ts';
import type { ApiError, Result } from '../../../preload/common/contract/index.ts';
import { createApi } from '../api.ts';
import type { Core } from '../../core/index.ts';
import { createDispatch, type Dispatch } from '../dispatch.ts';
import { forwardEvents, type EventSink } from '../events.ts';
import { contentTypeOf, HEADER_ONLY_CSP, rendererFileOf } from '../renderer-files.ts';

export interface BrowserHostOptions {
  dispatch: Dispatch;
  /** How the host hears every event (for one event stream); returns what stops it. */
  events: (sink: EventSink) => () => void;
  /** The built renderer (dist/renderer). */
  rendererDir: string;
  /** The built bridge (dist/browser/bridge.js), served as `/bridge.js`. */
  bridgeFile: string;
  /** 0 (the default): any free port. */
  port?: number;
}

export interface BrowserHost {
  /** `http://127.0.0.1:PORT/`; open it with `#token=<token>` appended. */
  url: string;
  token: string;
  close(): Promise<void>;
}

/** Large enough for a message with attachments as the contract allows; refused before reading beyond. */
const MAX_BODY_BYTES = 30 * 1024 * 1024;
/** Keeps idle event streams alive through anything that times out quiet connections. */
const KEEPALIVE_MS = 20_000;
const BRIDGE_TAG = '<script src="/bridge.js"></script>';

/** A refusal by the transport, before anything reaches the API; the bridge shows its message. */
class Refusal extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const token = randomBytes(32).toString('base64url');
  const tokenDigest = digest(token);
  const rendererDir = path.resolve(options.rendererDir);
  let expectedHost = '';
  let expectedOrigin = '';

  function checkCaller(req: IncomingMessage, needsToken: boolean): void {
    if (req.headers.host !== expectedHost) throw new Refusal(403, `Only ${expectedOrigin} may use this host.`);
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== expectedOrigin) throw new Refusal(403, `Requests from ${origin.slice(0, 100)} are not allowed.`);
    if (!needsToken) return;
    const given = req.headers[TOKEN_HEADER];
    // Compare digests: constant time, whatever the length of what was sent.
    if (typeof given !== 'string' || !timingSafeEqual(digest(given), tokenDigest)) {
      throw new Refusal(401, 'This page has no valid token: open the address the browser host printed (it ends in #token=…).');
    }
  }

  async function callApi(req: IncomingMessage, res: ServerResponse, channel: string): Promise<void> {
    checkCaller(req, true);
    if (!/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? '')) throw new Refusal(415, 'The request must be JSON.');
    const body = await readBody(req);
    let args: unknown;
    try {
      args = JSON.parse(body);
    } catch {
      throw new Refusal(400, 'The request body is not valid JSON.');
    }
    sendJson(res, 200, await options.dispatch(channel, args));
  }

  function streamEvents(req: IncomingMessage, res: ServerResponse): void {
    checkCaller(req, true);
    res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8', ...COMMON_HEADERS });
    res.flushHeaders();
    const stop = options.events((channel, payload) => res.write(`${JSON.stringify({ channel, payload })}\n`));
    const keepalive = setInterval(() => res.write('\n'), KEEPALIVE_MS);
    res.on('close', () => {
      clearInterval(keepalive);
      stop();
    });
  }

  async function serveFile(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    checkCaller(req, false);
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new Refusal(405, 'Method not allowed.');
    const file = pathname === '/bridge.js' ? options.bridgeFile : rendererFileOf(rendererDir, pathname);
    if (file === null) throw new Refusal(404, 'Not found.');
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) throw new Refusal(404, 'Not found.');
    let body = await readFile(file);
    const headers: Record<string, string> = { 'content-type': contentTypeOf(file) };
    if (file === path.join(rendererDir, 'index.html')) {
      const html = body.toString('utf8');
      headers['content-security-policy'] = `${metaCspOf(html)}; ${HEADER_ONLY_CSP}`;
      body = Buffer.from(withBridge(html));
    }
    res.writeHead(200, { ...headers, 'content-length': String(body.length), ...COMMON_HEADERS });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const pathname = URL.parse(req.url ?? '/', 'http://127.0.0.1')?.pathname;
      if (pathname === undefined) throw new Refusal(400, 'Not a valid address.');
      if (pathname.startsWith('/api/')) {
        if (req.method !== 'POST') throw new Refusal(405, 'Use POST.');
        await callApi(req, res, pathname.slice('/api/'.length));
      } else if (pathname === '/events') {
        streamEvents(req, res);
      } else {
        await serveFile(req, res, pathname);
      }
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      // Close the connection after refusing rather than read a body we will not use.
      if (!res.headersSent)
        sendJson(res, error.status, refusal(error.status === 401 || error.status === 403 ? 'forbidden' : 'unavailable', error.message), {
          connection: 'close',
        });
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error(`outbound browser host: ${req.method} ${req.url?.slice(0, 200)} failed:`, error);
      if (!res.headersSent) sendJson(res, 500, refusal('internal', 'The browser host failed; details are in its log.'));
      else res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  expectedHost = `127.0.0.1:${port}`;
  expectedOrigin = `http://${expectedHost}`;

  return {
    url: `${expectedOrigin}/`,
    token,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Event streams never end on their own.
        server.closeAllConnections();
      }),
  };
}

/** The browser host over a core: the same dispatch as the Electron shell, and the core's events. */
export function startBrowserHostForCore(core: Core, options: Omit<BrowserHostOptions, 'dispatch' | 'events'>): Promise<BrowserHost> {
  return startBrowserHost({
    ...options,
    dispatch: createDispatch(createApi(core), core.home),
    events: (sink) => forwardEvents(core.events, sink),
  });
}

const COMMON_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
} as const;

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

function refusal(code: ApiError['code'], message: string): Result<never> {
  const error: ApiError = { code, message };
  return { ok: false, error };
}

function sendJson(res: ServerResponse, status: number, body: unknown, extraHeaders: Record<string, string> = {}): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(json)),
    ...COMMON_HEADERS,
    ...extraHeaders,
  });
  res.end(json);
}

function readBody(req: IncomingMessage): Promise<string> {
  const tooLarge = new Refusal(413, `The request is larger than ${MAX_BODY_BYTES / 1024 / 1024} MB.`);
  if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) return Promise.reject(tooLarge);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) return void chunks.push(chunk);
      // Stop reading (the refusal closes the connection) but keep the socket to answer 413.
      req.pause();
      reject(tooLarge);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The page's own policy (renderer/index.html's meta tag), also sent as a header, which adds what a meta tag cannot carry. */
function metaCspOf(html: string): string {
  const csp = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/i.exec(html)?.[1];
  if (!csp) throw new Error('index.html has no Content-Security-Policy meta tag; refusing to serve it without one.');
  return csp;
}

/** The bridge must define `window.outbound` before the app's module script runs. */
function withBridge(html: string): string {
  const appScript = html.search(/<script\b[^>]*type="module"/i);
  return appScript === -1 ? html.replace('</head>', `${BRIDGE_TAG}</head>`) : `${html.slice(0, appScript)}${BRIDGE_TAG}\n    ${html.slice(appScript)}`;
}
