/**
 * Hostile input at the API's boundary: random and hand-picked payloads — prototype-pollution keys,
 * huge strings, wrong types, deep nesting, CR/LF/NUL and other control or bidi characters, NaN,
 * ±Infinity, -0, unknown channels — to every contract method (from `methodChannels`, so a new method
 * is fuzzed without touching this file), both in-process through the dispatch the Electron shell uses
 * and over HTTP through the browser host. Every answer must be a typed `{ ok: false, error }`; nothing
 * may throw, reject unhandled or change the database.
 *
 * The PRNG is seeded: OUTBOUND_FUZZ_SEED=<n> replays a run, and every failure names its seed and case.
 */
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { createApi } from '../../main/hosts/api.ts';
import { startBrowserHostForCore, type BrowserHost } from '../../main/hosts/browser/server.ts';
import { createDispatch, type Dispatch } from '../../main/hosts/dispatch.ts';
import { messagesDir } from '../../main/core/paths.ts';
import { argsSchemaOf, ERROR_CODES, methodChannels, type ErrorCode } from '../../preload/common/contract/index.ts';
import { openCore, type Core } from '../../main/core/index.ts';
import { accountFor, value } from '../helpers/core.ts';
import { keptHome, registerTestSecret } from '../helpers/secrets.ts';
import { builtApp } from '../e2e/built-app.ts';

const SEED = Number(process.env.OUTBOUND_FUZZ_SEED ?? 20_251_128);
const CASES_PER_CHANNEL = 120;

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const HOSTILE_STRINGS = [
  '',
  ' ',
  '\r\n',
  '\r',
  '\n',
  '\0',
  'x\0y',
  'a\r\nBcc: evil@example.org',
  'Ann <ann@example.org>\r\nX-Injected: yes',
  '\u2028\u2029\u0085\u000b\u000c',
  '\u202Egnp.exe',
  '\uD800',
  '\uFEFF',
  '💌'.repeat(300),
  '../../../../etc/passwd',
  '%2e%2e%2f',
  '%00',
  "'; DROP TABLE accounts; --",
  '" OR 1=1 --',
  '${7*7}{{7*7}}',
  '<img src=x onerror=alert(1)>',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'NaN',
  '-0',
  '1e309',
  'true',
  'null',
  'a'.repeat(1025),
  'é'.repeat(70_000),
  'x'.repeat(1_000_001),
];
const HOSTILE_NUMBERS = [NaN, Infinity, -Infinity, -0, 0, -1, 0.5, 1e-300, 2 ** 53, -(2 ** 53), Number.MAX_VALUE, 1e21, 65_536, 4_294_967_297];
/** Keys that reach Object.prototype if code merges objects carelessly. */
const POLLUTING_KEYS = ['__proto__', 'constructor', 'prototype', '__defineGetter__', 'hasOwnProperty', 'toJSON', 'valueOf'];
const UNKNOWN_CHANNELS = [
  '',
  '.',
  'accounts',
  'accounts.',
  '.list',
  'accounts.list.',
  'accounts.list.extra',
  '__proto__',
  '__proto__.polluted',
  'accounts.__proto__',
  'constructor.prototype',
  'accounts.constructor',
  'toString',
  'hasOwnProperty.call',
  'event.outboxChanged',
  'ACCOUNTS.LIST',
  ' accounts.list',
  'accounts.list\0',
  'accounts.list\r\n',
  'accounts%2Elist',
  'x'.repeat(100_000),
];

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

function randomString(random: Random): string {
  if (random() < 0.6) return pick(random, HOSTILE_STRINGS);
  // Random code points, controls and lone surrogates included.
  return Array.from({ length: Math.floor(random() * 40) }, () => String.fromCharCode(Math.floor(random() * 0x10000))).join('');
}

function nested(depth: number, asArray: boolean): unknown {
  let inner: unknown = 'bottom';
  for (let i = 0; i < depth; i++) inner = asArray ? [inner] : { a: inner };
  return inner;
}

/** Parsed from JSON, as a request body would be: `__proto__` becomes an own key, not the prototype. */
const pollutingObject = (): unknown => JSON.parse('{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}}');

/** A value of any type Electron's IPC (structured clone) can carry. */
function hostileValue(random: Random, depth = 0): unknown {
  const kind = Math.floor(random() * (depth > 2 ? 6 : 11));
  switch (kind) {
    case 0:
      return randomString(random);
    case 1:
      return pick(random, HOSTILE_NUMBERS);
    case 2:
      return pick(random, [true, false, null, undefined]);
    case 3:
      return pick(random, [BigInt('9007199254740993'), new Date(Number.NaN), /a+$/, new Uint8Array(3), new Map([['a', 1]]), new Set([1])]);
    case 4:
      return pollutingObject();
    case 5:
      return nested(pick(random, [10, 1000]), random() < 0.5); // deeper: the raw bodies over HTTP
    case 6:
      return Array.from({ length: Math.floor(random() * 5) }, () => hostileValue(random, depth + 1));
    case 7:
      return Object.fromEntries(Array.from({ length: 1 + Math.floor(random() * 4) }, () => [pick(random, POLLUTING_KEYS), hostileValue(random, depth + 1)]));
    // A sparse array and an array-like: what a loose check takes for a list.
    case 8:
      return Object.assign(new Array(3), { 1: 'ann@example.org' });
    case 9:
      return { length: 2, 0: 'ann@example.org', 1: 'bob@example.org' };
    default:
      return Object.fromEntries(Array.from({ length: Math.floor(random() * 3) }, () => [randomString(random), hostileValue(random, depth + 1)]));
  }
}

/** The keys the schema at each argument position knows: random payloads use them, so they reach past the object check. */
function knownKeys(channel: string): string[][] {
  return argsSchemaOf(channel)!.def.items.map((item) => (item instanceof z.ZodMiniObject ? Object.keys(item.shape) : []));
}

function hostileArgs(random: Random, channel: string): unknown {
  const keys = knownKeys(channel);
  const shape = random();
  if (shape < 0.15) return hostileValue(random); // not even a list: dispatch treats it as one argument
  if (shape < 0.35) return Array.from({ length: Math.floor(random() * 4) }, () => hostileValue(random));
  // The right number of arguments; objects with the schema's own keys, hostile values, polluting extras.
  return keys.map((names) => {
    if (names.length === 0) return hostileValue(random);
    const object: Record<string, unknown> = {};
    for (const name of names) if (random() < 0.7) object[name] = hostileValue(random);
    if (random() < 0.3) Object.assign(object, pollutingObject());
    return object;
  });
}

interface Case {
  label: string;
  channel: string;
  args: unknown;
  /** The code the answer must carry; undefined: any typed code but `internal`. */
  expected?: ErrorCode;
}

/** Random payloads that the contract's schema refuses: the dispatch must answer invalid_input. */
function randomCases(random: Random, carry: (args: unknown) => unknown): Case[] {
  const cases: Case[] = [];
  for (const channel of methodChannels) {
    const schema = argsSchemaOf(channel)!;
    for (let n = 0; n < CASES_PER_CHANNEL; n++) {
      const args = carry(hostileArgs(random, channel));
      // A random payload the schema accepts is not hostile at this layer (semanticCases covers those).
      if (schema.safeParse(Array.isArray(args) ? args : [args]).success) continue;
      cases.push({ label: `random #${n}`, channel, args, expected: 'invalid_input' });
    }
  }
  for (const channel of UNKNOWN_CHANNELS) cases.push({ label: 'unknown channel', channel, args: [], expected: 'invalid_input' });
  return cases;
}

/** Payloads the schema accepts, aimed at the checks behind it: a typed error and no change. */
function semanticCases(accountId: number): Case[] {
  const missing = [2 ** 31, Number.MAX_SAFE_INTEGER];
  const idChannels = methodChannels.filter((channel) => {
    const items = argsSchemaOf(channel)!.def.items;
    return items.length === 1 && items[0] instanceof z.ZodMiniNumber;
  });
  const badRecipients = HOSTILE_STRINGS.filter((s) => !s.includes('@') && s.length < 5000);
  const account = { name: 'Fuzz', host: 'smtp.example.org', port: 587, security: 'starttls' };
  return [
    ...idChannels.flatMap((channel) => missing.map((id) => ({ label: 'missing id', channel, args: [id] }))),
    { label: 'missing account', channel: 'outbox.send', args: [{ accountId: missing[0], to: ['ann@example.org'] }], expected: 'not_found' },
    { label: 'missing account', channel: 'compose.checkDomains', args: [['example.org'], { accountId: missing[0] }], expected: 'not_found' },
    ...HOSTILE_STRINGS.filter((name) => name.length <= 254 && !/[\r\n]/.test(name)).map((name) => ({
      label: `account named ${JSON.stringify(name).slice(0, 40)}`,
      channel: 'accounts.find',
      args: [name],
      expected: 'not_found' as const,
    })),
    ...missing.map((id) => ({ label: 'missing account by id', channel: 'accounts.find', args: [String(id)], expected: 'not_found' as const })),
    ...badRecipients.map((to) => ({
      label: `recipient ${JSON.stringify(to).slice(0, 40)}`,
      channel: 'outbox.send',
      args: [{ accountId, to: [to] }],
      expected: 'invalid_input' as const,
    })),
    ...['a@b', 'ann@exa mple.org', '@example.org', 'ann@-example.org', 'not an address', 'ann@example.org, bob@example.org'].map((email) => ({
      label: `account email ${JSON.stringify(email)}`,
      channel: 'accounts.save',
      args: [{ ...account, email }],
      expected: 'invalid_input' as const,
    })),
    ...['smtp.example.org\0', 'smtp..example.org', '-smtp.example.org', 'smtp.example.org:25', 'smtp_example.org', '[::1]', '💌.example'].map((host) => ({
      label: `account host ${JSON.stringify(host)}`,
      channel: 'accounts.save',
      args: [{ ...account, email: 'fuzz@example.org', host }],
      expected: 'invalid_input' as const,
    })),
  ];
}

/** Every row of every table and every frozen message: what "nothing changed" compares. */
function snapshot(core: Core): string {
  const tables = core.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];
  const dump = tables.map((table) => [table, core.db.prepare(`SELECT * FROM "${table}"`).all()]);
  return JSON.stringify({ userVersion: core.db.pragma('user_version', { simple: true }), dump, files: readdirSync(messagesDir(core.home)).sort() });
}

/** What is wrong with an answer, or undefined when it is a typed error as expected. */
function problemWith(result: unknown, expected: ErrorCode | undefined): string | undefined {
  const answer = result as { ok?: unknown; error?: { code?: unknown; message?: unknown } };
  if (answer?.ok !== false) return `not refused: ${JSON.stringify(result)?.slice(0, 200)}`;
  const { code, message } = answer.error ?? {};
  if (!ERROR_CODES.includes(code as ErrorCode) || code === 'internal') return `code ${String(code)}`;
  if (expected !== undefined && code !== expected) return `code ${String(code)}, expected ${expected}`;
  if (typeof message !== 'string' || message.length === 0 || message.length > 2000) return `message ${JSON.stringify(message)?.slice(0, 100)}`;
  return undefined;
}

const describeCase = (c: Case): string =>
  `seed ${SEED}, ${c.channel.slice(0, 60)} ${c.label}: ${(JSON.stringify(c.args, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) ?? 'undefined').slice(0, 160)}`;

async function runCases(cases: readonly Case[], call: (c: Case) => Promise<unknown>): Promise<string[]> {
  const failures: string[] = [];
  for (const c of cases) {
    let problem: string | undefined;
    try {
      problem = problemWith(await call(c), c.expected);
    } catch (error) {
      problem = `threw ${error instanceof Error ? error.message : String(error)}`;
    }
    if (problem) failures.push(`${describeCase(c)} → ${problem}`);
  }
  return failures;
}

let core: Core;
let accountId: number;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
const prototypeKeys = (): string[] => Object.getOwnPropertyNames(Object.prototype).sort();
const originalPrototypeKeys = prototypeKeys();

// One core for the file, with an account and a queued message for hostile calls to try to change.
beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  core = openCore({ home: keptHome(), autoSend: false });
  const dispatch = createDispatch(createApi(core), core.home);
  const account = await value(dispatch('accounts.save', [accountFor({ host: 'smtp.example.org', port: 587 }, { username: '', passwordCommand: '' })]));
  accountId = (account as { id: number }).id;
  await value(dispatch('settings.save', [{ undoSeconds: 30 }])); // the queued message stays queued
  await value(dispatch('outbox.send', [{ accountId, to: ['ann@example.org'], subject: 'stays', text: 'as it is' }]));
});

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await core?.close();
});

describe('hostile payloads to every contract method', () => {
  it('in-process, as Electron IPC delivers them (structured clone): typed errors only, nothing changed', async () => {
    const before = snapshot(core);
    const logged: string[] = [];
    const dispatch: Dispatch = createDispatch(createApi(core), core.home, (line) => logged.push(line));
    const cases = [...randomCases(prng(SEED), structuredClone), ...semanticCases(accountId)];
    const failures = await runCases(cases, (c) => dispatch(c.channel, c.args));

    expect(failures).toEqual([]);
    expect(cases.length).toBeGreaterThan((methodChannels.length * CASES_PER_CHANNEL) / 2);
    expect(logged).toEqual([]);
    expect(snapshot(core)).toBe(before);
    expect(unhandled).toEqual([]);
    expect(prototypeKeys()).toEqual(originalPrototypeKeys);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  describe('over HTTP through the browser host', () => {
    let host: BrowserHost;
    beforeAll(async () => {
      host = await startBrowserHostForCore(core, builtApp());
      registerTestSecret(host.token);
    });
    afterAll(() => host?.close());

    /** Non-JSON values as JSON.stringify would send them, plus BigInt, which it cannot. */
    const asJson = (args: unknown): unknown => {
      const text = JSON.stringify(args, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
      return text === undefined ? null : JSON.parse(text);
    };

    async function post(channel: string, body: string): Promise<{ status: number; result: unknown }> {
      const response = await fetch(`${host.url}api/${encodeURIComponent(channel)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-outbound-token': host.token },
        body,
      });
      return { status: response.status, result: await response.json() };
    }

    it('typed errors only, no server error, nothing changed', async () => {
      const before = snapshot(core);
      const cases = [...randomCases(prng(SEED + 1), asJson), ...semanticCases(accountId)];
      const failures = await runCases(cases, async (c) => {
        // Node refuses a request line over 16 KB itself (431), before any of our code runs.
        const { status, result } = await post(c.channel.slice(0, 8000), JSON.stringify(c.args));
        if (status !== 200) throw new Error(`HTTP ${status}`);
        return result;
      });
      // Bodies no serializer in the bridge would produce: not JSON at all (refused by the host before any
      // dispatch), or nested deeper than a recursive serializer could go.
      const bodies: Array<[string, number, ErrorCode]> = [
        ...['', '{', 'undefined', 'NaN', "{'a':1}", '[1,]', '\0', '[][]'].map((body): [string, number, ErrorCode] => [body, 400, 'unavailable']),
        [`${'['.repeat(100_000)}${']'.repeat(100_000)}`, 200, 'invalid_input'],
        [`${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`, 200, 'invalid_input'],
      ];
      for (const [body, expectedStatus, code] of bodies) {
        const { status, result } = await post('accounts.save', body);
        const problem = status === expectedStatus ? problemWith(result, code) : `HTTP ${status}`;
        if (problem) failures.push(`seed ${SEED}, body ${JSON.stringify(body.slice(0, 40))} → ${problem}`);
      }

      expect(failures).toEqual([]);
      expect(snapshot(core)).toBe(before);
      expect(unhandled).toEqual([]);
      expect(prototypeKeys()).toEqual(originalPrototypeKeys);
    });
  });
});
