import { useRef } from 'react';
import type { AttachmentView } from '../../../preload/common/contract/index.ts';
import { formatSize } from './progress.tsx';

/** A file's bytes as base64, for `attachments.stage` (the browser host has no file dialog of its own). */
export async function readAsBase64(file: Blob): Promise<string> {
  const dataUrl = await readAsDataUrl(file);
  return dataUrl.slice(dataUrl.indexOf(',') + 1);
}

export function readAsDataUrl(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('The file could not be read.'));
    reader.readAsDataURL(file);
  });
}

interface AttachmentsProps {
  files: AttachmentView[];
  /** Ask main's file dialog; false when this host has none (the file input is used instead). */
  onPick: () => Promise<boolean>;
  onAdd: (files: File[]) => void;
  onRemove: (path: string) => void;
  /** A sentence when the message would be larger than the server takes. */
  sizeWarning: string | null;
  busy: boolean;
}

/** The attached files with their sizes and total, an Attach button, and a note that files can be dropped. */
export function Attachments({ files, onPick, onAdd, onRemove, sizeWarning, busy }: AttachmentsProps) {
  const input = useRef<HTMLInputElement>(null);
  const total = files.reduce((sum, f) => sum + f.size, 0);

  async function attach() {
    if (!(await onPick())) input.current?.click();
  }

  return (
    <section className="attachments" aria-labelledby="attachments-title">
      <div className="attachments-head">
        <h2 id="attachments-title">Attachments</h2>
        <button type="button" onClick={() => void attach()} disabled={busy}>
          Attach files…
        </button>
        <input
          ref={input}
          type="file"
          multiple
          className="visually-hidden"
          tabIndex={-1}
          aria-hidden="true"
          data-testid="attach-input"
          onChange={(e) => {
            onAdd(Array.from(e.target.files ?? []));
            e.target.value = '';
          }}
        />
        <span className="hint">{busy ? 'Adding…' : 'or drop files onto the window.'}</span>
      </div>
      {files.length > 0 && (
        <>
          <ul className="attachment-list" data-testid="attachments">
            {files.map((f) => (
              <li key={f.path} data-testid="attachment">
                <span className="attachment-name">{f.name}</span> <span className="muted">{formatSize(f.size)}</span>
                <button type="button" className="link" onClick={() => onRemove(f.path)} aria-label={`Remove ${f.name}`}>
                  Remove
                </button>
              </li>
            ))}
          </ul>
          <p className="hint" data-testid="attachments-total">
            {files.length} {files.length === 1 ? 'file' : 'files'}, {formatSize(total)} in all.
          </p>
        </>
      )}
      {sizeWarning && (
        <p className="size-warning" role="alert" data-testid="size-warning">
          {sizeWarning}
        </p>
      )}
    </section>
  );
}
