/**
 * What the user takes out of a message Outbound sent (or gave up on): a copy of an attachment, the
 * message as an .eml, a new message made from it. Files leave through a download (Blob and
 * `<a download>`): the desktop app asks where to save it, a browser saves it as its downloads, and
 * both under the name the core made safe.
 */
import { createContext, useContext, useState } from 'react';
import type { DraftView, FileCopy, Result } from '../../../preload/common/contract/index.ts';

/** Opens the composer on a draft: given by App, so a message anywhere can become a new one. */
export const OpenComposer = createContext<(draft: DraftView) => void>(() => undefined);

/** Hand the bytes to the browser as a download of `name`. */
function download({ name, contentType, base64 }: FileCopy): void {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  const url = URL.createObjectURL(new Blob([bytes], { type: contentType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  // The download has read the blob by the time this runs; until then the URL must stay valid.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Message `id`'s actions, and the last one's error (a sentence to show). */
export function useTakeOut(id: number | undefined) {
  const openComposer = useContext(OpenComposer);
  const [error, setError] = useState<string | null>(null);
  async function run<T>(call: Promise<Result<T>>, then: (value: T) => void): Promise<void> {
    const result = await call;
    setError(result.ok ? null : result.error.message);
    if (result.ok) then(result.value);
  }
  if (id === undefined) return null;
  return {
    error,
    saveAttachment: (index: number) => void run(window.outbound.sent.attachment(id, index), download),
    exportEml: () => void run(window.outbound.sent.eml(id), download),
    editAsNew: () => void run(window.outbound.sent.editAsNew(id), openComposer),
  };
}
