/**
 * THE contract between the renderer and the main process: the only place where the API's methods,
 * their argument schemas, their result types and the events are defined. Each namespace has a file
 * of its own (accounts.ts, outbox.ts, drafts.ts, compose.ts, attachments.ts, sent.ts, settings.ts, templates.ts, desktop.ts, test-inbox.ts)
 * with its view types, input schemas and methods; this file assembles them.
 *
 * - main/hosts/dispatch.ts validates every call against `contract` and wraps results in `Result`.
 * - preload/electron/index.ts (Electron) and preload/browser/bridge.ts (loopback browser host) build the renderer's
 *   `window.outbound` from the same table with `buildApi`, so the three transports cannot drift.
 * - The renderer only ever does `import type` from here.
 *
 * No Electron and no Node APIs in this folder: it is loaded in the sandboxed preload and in Chromium.
 */
import type * as z from 'zod/mini';
import { accountMethods } from './accounts.ts';
import { attachmentMethods } from './attachments.ts';
import { composeMethods, type MailtoView } from './compose.ts';
import { desktopMethods, type MenuCommand } from './desktop.ts';
import { draftMethods } from './drafts.ts';
import type { Method } from './method.ts';
import { outboxMethods, type Connectivity, type OutboxChange, type SendProgress } from './outbox.ts';
import type { Result } from './result.ts';
import { sentMethods } from './sent.ts';
import { settingsMethods, type Settings } from './settings.ts';
import { templateMethods } from './templates.ts';
import { testInboxMethods } from './test-inbox.ts';

export * from './accounts.ts';
export * from './attachments.ts';
export * from './compose.ts';
export * from './desktop.ts';
export * from './drafts.ts';
export * from './outbox.ts';
export * from './result.ts';
export * from './sent.ts';
export * from './settings.ts';
export * from './templates.ts';
export * from './test-inbox.ts';

// ---------------------------------------------------------------------------------------------
// The method table, by namespace, and the events
// ---------------------------------------------------------------------------------------------

export const contract = {
  accounts: accountMethods,
  outbox: outboxMethods,
  drafts: draftMethods,
  compose: composeMethods,
  attachments: attachmentMethods,
  sent: sentMethods,
  settings: settingsMethods,
  templates: templateMethods,
  desktop: desktopMethods,
  testInbox: testInboxMethods,
} as const;

/** Events main pushes to the renderer; the value is the payload's type (phantom). */
export const events = {
  outboxChanged: undefined as unknown as OutboxChange,
  connectivityChanged: undefined as unknown as Connectivity,
  /** During an attempt: at most every 100 ms and 64 KB, and once at the end (sent === total). */
  sendProgress: undefined as unknown as SendProgress,
  /** The system opened a mailto: link with Outbound: a composer prefilled with it. */
  mailtoOpened: undefined as unknown as MailtoView,
  /** A menu item or its shortcut (desktop app only). */
  menuCommand: undefined as unknown as MenuCommand,
  /** The settings changed (sending paused or resumed from the tray, another window). */
  settingsChanged: undefined as unknown as Settings,
  /** The test inbox received a message, was emptied, or changed its fault. */
  testInboxChanged: undefined as unknown as null,
} as const;

// Types derived from the table
// ---------------------------------------------------------------------------------------------

export type Contract = typeof contract;
/** An API namespace, e.g. `accounts`: the first part of a channel. */
export type Namespace = keyof Contract;
export type MethodName<N extends Namespace> = keyof Contract[N] & string;
type MethodOf<N extends Namespace, M extends MethodName<N>> = Contract[N][M] extends Method<infer A, infer Res> ? { args: A; result: Res } : never;
/** What the caller passes (before defaults and transforms). */
export type ArgsIn<N extends Namespace, M extends MethodName<N>> = z.input<MethodOf<N, M>['args']>;
/** What the implementation receives (validated, defaults applied). */
export type ArgsOut<N extends Namespace, M extends MethodName<N>> = z.output<MethodOf<N, M>['args']>;
export type ResultOf<N extends Namespace, M extends MethodName<N>> = MethodOf<N, M>['result'];

export type EventName = keyof typeof events & string;
export type EventPayload<E extends EventName> = (typeof events)[E];
type Subscriber<E extends EventName> = `on${Capitalize<E>}`;

/** `window.outbound` as the renderer sees it. */
export type OutboundApi = {
  [N in Namespace]: { [M in MethodName<N>]: (...args: ArgsIn<N, M>) => Promise<Result<ResultOf<N, M>>> };
} & {
  [E in EventName as Subscriber<E>]: (listener: (payload: EventPayload<E>) => void) => () => void;
};

/** What main implements once: validated arguments in; a value out, or a thrown AppError. */
export type ApiImplementation = {
  [N in Namespace]: { [M in MethodName<N>]: (...args: ArgsOut<N, M>) => Promise<ResultOf<N, M>> | ResultOf<N, M> };
};

// ---------------------------------------------------------------------------------------------
// Channel names and the transport-agnostic builder
// ---------------------------------------------------------------------------------------------

export const channelOf = (namespace: string, name: string): string => `${namespace}.${name}`;
export const eventChannelOf = (name: string): string => `event.${name}`;

/** Every method channel, e.g. `accounts.save`. */
export const methodChannels: readonly string[] = Object.entries(contract).flatMap(([namespace, methods]) =>
  Object.keys(methods).map((name) => channelOf(namespace, name)),
);

/** Resolve a channel to its argument schema; undefined for anything not in the table. */
export function argsSchemaOf(channel: string): z.ZodMiniTuple | undefined {
  const [namespace, name, ...rest] = channel.split('.');
  if (rest.length > 0 || namespace === undefined || name === undefined) return undefined;
  if (!Object.hasOwn(contract, namespace)) return undefined;
  const methods = contract[namespace as Namespace] as Record<string, Method<z.ZodMiniTuple, unknown>>;
  return Object.hasOwn(methods, name) ? methods[name]?.args : undefined;
}

export interface Transport {
  invoke(channel: string, args: unknown[]): Promise<unknown>;
  subscribe(channel: string, listener: (payload: unknown) => void): () => void;
}

type Listener = (payload: unknown) => void;

/**
 * Events that ask the page to do something (open a composer for a mailto: link, a menu command):
 * heard from the moment the bridge is built and kept until the page listens, so one that comes while
 * the page is still loading is not lost.
 */
const KEPT_UNTIL_HEARD: readonly EventName[] = ['mailtoOpened', 'menuCommand'];

function keptUntilHeard(transport: Transport, channel: string): (listener: Listener) => () => void {
  const early: unknown[] = [];
  const listeners = new Set<Listener>();
  transport.subscribe(channel, (payload) => {
    if (listeners.size === 0) early.push(payload);
    for (const listener of listeners) listener(payload);
  });
  return (listener) => {
    listeners.add(listener);
    for (const payload of early.splice(0)) listener(payload);
    return () => {
      listeners.delete(listener);
    };
  };
}

/** Build `window.outbound` over a transport: named functions only, events stripped to payloads. */
export function buildApi(transport: Transport): OutboundApi {
  const api: Record<string, unknown> = {};
  for (const [namespace, methods] of Object.entries(contract)) {
    const bound: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
    for (const name of Object.keys(methods)) {
      bound[name] = (...args) => transport.invoke(channelOf(namespace, name), args);
    }
    api[namespace] = Object.freeze(bound);
  }
  for (const name of Object.keys(events) as EventName[]) {
    const subscriber = `on${name[0]!.toUpperCase()}${name.slice(1)}`;
    const subscribe = KEPT_UNTIL_HEARD.includes(name)
      ? keptUntilHeard(transport, eventChannelOf(name))
      : (listener: Listener) => transport.subscribe(eventChannelOf(name), listener);
    api[subscriber] = (listener: Listener) => {
      if (typeof listener !== 'function') throw new TypeError(`${subscriber} needs a function`);
      return subscribe(listener);
    };
  }
  return Object.freeze(api) as OutboundApi;
}
