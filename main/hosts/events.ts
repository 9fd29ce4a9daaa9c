/**
 * The core's events, carried to a transport: every event of the contract, by its channel
 * (`event.outboxChanged`), as the bridges receive it. Each host (the Electron shell, the browser
 * host, the in-process API) forwards them through this one function, so a new event reaches all.
 */
import { eventChannelOf, events, type EventName } from '../../preload/common/contract/index.ts';
import type { CoreEvents } from '../core/index.ts';

/** Where a host sends the events: to a window, down an HTTP stream, to a listener. */
export type EventSink = (channel: string, payload: unknown) => void;

const EVENT_NAMES = Object.keys(events) as EventName[];

/** Forward every contract event of the core to `sink`; the returned function stops all of them. */
export function forwardEvents(coreEvents: CoreEvents, sink: EventSink): () => void {
  const stops = EVENT_NAMES.map((name) => coreEvents.on(name, (payload) => sink(eventChannelOf(name), payload)));
  return () => {
    for (const stop of stops) stop();
  };
}
