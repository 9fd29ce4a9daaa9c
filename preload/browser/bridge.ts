/**
 * `window.outbound` for the loopback browser host (main/hosts/browser/): the same contract as the
 * Electron preload, carried over HTTP. Loaded as a classic script before the app's module script.
 *
 * The host's address carries a per-run token in the fragment (`#token=…`, never sent to a server or
 * written to a log); it is kept in sessionStorage so a reload still works, and removed from the
 * address bar at once.
 */
import { TOKEN_HEADER } from '../common/browser-host.ts';
import { buildApi, type ApiError, type Result, type Transport } from '../common/contract/index.ts';

const TOKEN_KEY = 'outbound.token';
const RECONNECT_MIN_MS = 250;
const RECONNECT_MAX_MS = 10_000;

function takeToken(): string {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (match?.[1]) {
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
    history.replaceState(history.state, '', location.pathname + location.search);
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

const token = takeToken();

function transportError(message: string): Result<never> {
  const error: ApiError = { code: 'unavailable', message };
  return { ok: false, error };
}

const isResult = (body: unknown): body is Result<unknown> => typeof body === 'object' && body !== null && typeof (body as { ok?: unknown }).ok === 'boolean';

async function invoke(channel: string, args: unknown[]): Promise<Result<unknown>> {
  let response: Response;
  try {
    response = await fetch(`/api/${channel}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [TOKEN_HEADER]: token },
      body: JSON.stringify(args),
      cache: 'no-store',
    });
  } catch {
    return transportError('Outbound is not reachable: is the browser host (npm run dev:browser) still running?');
  }
  // The host answers refusals (bad token, too large…) with a Result too, explaining what to do.
  const body: unknown = await response.json().catch(() => undefined);
  return isResult(body) ? body : transportError(`The browser host gave an unexpected answer (HTTP ${response.status}).`);
}

type Listener = (payload: unknown) => void;
const listeners = new Map<string, Set<Listener>>();
let streaming = false;

function deliver(line: string): void {
  if (line.trim() === '') return; // keep-alive
  let event: { channel?: unknown; payload?: unknown };
  try {
    event = JSON.parse(line) as typeof event;
  } catch {
    return;
  }
  if (typeof event.channel !== 'string') return;
  for (const listener of listeners.get(event.channel) ?? []) {
    try {
      listener(event.payload);
    } catch (error) {
      console.error('outbound: an event listener failed', error);
    }
  }
}

/** One NDJSON stream for every event, for the page's lifetime; reconnects with backoff when it drops. */
async function stream(): Promise<void> {
  let delay = RECONNECT_MIN_MS;
  for (;;) {
    try {
      const response = await fetch('/events', { headers: { [TOKEN_HEADER]: token }, cache: 'no-store' });
      if (response.ok && response.body) {
        delay = RECONNECT_MIN_MS;
        let pending = '';
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
          const lines = (pending + chunk.value).split('\n');
          pending = lines.pop() ?? '';
          lines.forEach(deliver);
        }
      }
    } catch {
      // The host went away or the connection dropped: try again below.
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, RECONNECT_MAX_MS);
  }
}

function subscribe(channel: string, listener: Listener): () => void {
  const set = listeners.get(channel) ?? new Set<Listener>();
  listeners.set(channel, set);
  set.add(listener);
  if (!streaming) {
    streaming = true;
    void stream();
  }
  return () => {
    set.delete(listener);
  };
}

const transport: Transport = { invoke, subscribe };

Object.defineProperty(window, 'outbound', { value: buildApi(transport), enumerable: true });
