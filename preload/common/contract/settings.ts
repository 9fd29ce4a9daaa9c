/** `settings`: the app's own preferences. */
import * as z from 'zod/mini';
import { method, whole } from './method.ts';

export interface Settings {
  /** Seconds during which Send can be undone (0–30). */
  undoSeconds: number;
  /** Nothing is sent, by this app or any other Outbound on the data directory, until resumed. */
  sendingPaused: boolean;
}

export const SettingsInput = z.object({
  undoSeconds: z.optional(whole(0, 30)),
  sendingPaused: z.optional(z.boolean()),
});

export const settingsMethods = {
  get: method(z.tuple([])).returns<Settings>(),
  save: method(z.tuple([SettingsInput])).returns<Settings>(),
} as const;
