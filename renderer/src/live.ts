import { useCallback, useEffect, useRef, useState } from 'react';
import type { Result, Settings } from '../../preload/common/contract/index.ts';

export interface Live<T> {
  value: T | null;
  error: string | null;
  /** Load it again now (after a change no outbox event announces, such as an account added here). */
  reload: () => Promise<void>;
}

/**
 * A value loaded from the API and loaded again whenever the outbox changes (a message moved, an
 * account was paused by a failed sign-in), so every list on screen follows the core by itself.
 * `load` must be stable (the API's functions are).
 */
export function useLive<T>(load: () => Promise<Result<T>>): Live<T> {
  const [live, setLive] = useState<Omit<Live<T>, 'reload'>>({ value: null, error: null });
  // Only the latest load may update the screen: answers can arrive out of order.
  const latest = useRef(0);

  const refresh = useCallback(async () => {
    const ticket = ++latest.current;
    const result = await load();
    if (ticket !== latest.current) return;
    setLive((previous) => (result.ok ? { value: result.value, error: null } : { value: previous.value, error: result.error.message }));
  }, [load]);

  useEffect(() => {
    void refresh();
    const unsubscribe = window.outbound.onOutboxChanged(() => void refresh());
    return () => {
      latest.current++;
      unsubscribe();
    };
  }, [refresh]);

  return { ...live, reload: refresh };
}

/** Whether the core last found the network up; null until the first answer. */
export function useConnectivity(): boolean | null {
  const [online, setOnline] = useState<boolean | null>(null);
  useEffect(() => {
    let heardEvent = false;
    const unsubscribe = window.outbound.onConnectivityChanged(({ online: now }) => {
      heardEvent = true;
      setOnline(now);
    });
    void window.outbound.outbox.connectivity().then((result) => {
      // An event that came first is newer than this answer.
      if (result.ok && !heardEvent) setOnline(result.value.online);
    });
    return () => {
      heardEvent = true;
      unsubscribe();
    };
  }, []);
  return online;
}

/** Re-render every `ms` while `active`, for countdowns. */
export function useNow(active: boolean, ms = 250): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [active, ms]);
  return now;
}

/** The settings, followed as they change (sending paused from the tray, another window); null until loaded. */
export function useSettings(): Settings | null {
  const [settings, setSettings] = useState<Settings | null>(null);
  useEffect(() => {
    let heardEvent = false;
    const unsubscribe = window.outbound.onSettingsChanged((now) => {
      heardEvent = true;
      setSettings(now);
    });
    void window.outbound.settings.get().then((result) => {
      if (result.ok && !heardEvent) setSettings(result.value);
    });
    return () => {
      heardEvent = true;
      unsubscribe();
    };
  }, []);
  return settings;
}

/** Whether this data directory has a test inbox, followed as it is made; null until the first answer. */
export function useHasTestInbox(): boolean | null {
  const [has, setHas] = useState<boolean | null>(null);
  useEffect(() => {
    const look = () => void window.outbound.testInbox.status().then((result) => result.ok && setHas(result.value.accountId !== null));
    look();
    return window.outbound.onTestInboxChanged(look);
  }, []);
  return has;
}
