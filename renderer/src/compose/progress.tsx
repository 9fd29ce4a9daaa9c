import { useEffect, useState } from 'react';
import type { SendProgress } from '../../../preload/common/contract/index.ts';

/** How far the attempt under way has written message `id` to the server; null when none is under way. */
export function useSendProgress(id: number | null): SendProgress | null {
  const [progress, setProgress] = useState<SendProgress | null>(null);
  useEffect(() => {
    setProgress(null);
    if (id === null) return;
    return window.outbound.onSendProgress((p) => p.id === id && setProgress(p));
  }, [id]);
  return progress;
}

const MB = 1024 * 1024;
/** A size as people read it: "820 KB", "3.4 MB". */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < MB) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / MB).toFixed(bytes < 10 * MB ? 1 : 0)} MB`;
}

/** The bar for a message being written to the server, with its numbers for screen readers. */
export function ProgressBar({ progress, label }: { progress: SendProgress; label: string }) {
  const done = progress.total === 0 ? 1 : progress.sent / progress.total;
  return (
    <div className="send-progress" data-testid="send-progress">
      <progress value={progress.sent} max={Math.max(progress.total, 1)} aria-label={label} />
      <span>
        {Math.round(done * 100)} % — {formatSize(progress.sent)} of {formatSize(progress.total)}
      </span>
    </div>
  );
}
