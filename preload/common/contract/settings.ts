/** `settings`: the app's own preferences. */
import { z } from 'zod';
import { method } from './method.ts';

export interface Settings {
  /** Seconds during which Send can be undone (0–30). */
  undoSeconds: number;
}

export const SettingsInput = z.object({
  undoSeconds: z.number().int().min(0).max(30).optional(),
});

export const settingsMethods = {
  get: method(z.tuple([])).returns<Settings>(),
  save: method(z.tuple([SettingsInput])).returns<Settings>(),
} as const;
