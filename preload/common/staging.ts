/**
 * Files uploaded for attaching (`attachments.stage`: a host without a file dialog, a dropped or a
 * pasted file): the one limit the contract, the core and the composer apply. No zod here, so the
 * renderer imports it as a value without the schemas.
 */

/** What `attachments.stage` takes at once, decoded (the browser host's bodies are limited to 30 MB of JSON). */
export const STAGE_LIMIT_BYTES = 20 * 1024 * 1024;

/** The base64 of a file of `bytes`, as `attachments.stage` receives it. */
export const base64Length = (bytes: number): number => Math.ceil(bytes / 3) * 4;
