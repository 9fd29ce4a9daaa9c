import { useState } from 'react';

/** Shown while all sending is paused (the tray, Settings): nothing goes until the user resumes. */
export function PausedBanner({ paused }: { paused: boolean }) {
  const [error, setError] = useState<string | null>(null);
  if (!paused) return null;
  async function resume() {
    const result = await window.outbound.settings.save({ sendingPaused: false });
    setError(result.ok ? null : result.error.message);
  }
  return (
    <div className="alert notice" role="status" data-testid="paused-banner">
      <p>
        <strong>Sending is paused.</strong> Nothing is sent, by the app or the command line, until you resume. {error}
      </p>
      <button type="button" className="primary" onClick={() => void resume()}>
        Resume sending
      </button>
    </div>
  );
}
