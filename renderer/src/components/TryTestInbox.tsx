import { useState } from 'react';
import type { AccountView } from '../../../preload/common/contract/index.ts';
import { Banner } from './Banner.tsx';

/** "Try it with a test inbox": Outbound's own server on this computer, and an account that sends to it. */
/** `primary`: the one thing to do on the screen (the first run), not one choice among others. */
export function TryTestInbox({ onAdded, primary = false }: { onAdded: (account: AccountView) => void; primary?: boolean }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function create() {
    setBusy(true);
    const result = await window.outbound.testInbox.create({});
    setBusy(false);
    setError(result.ok ? null : result.error.message);
    if (result.ok) onAdded(result.value);
  }
  return (
    <div className="try-test-inbox">
      <button type="button" className={primary ? 'primary' : undefined} disabled={busy} onClick={() => void create()}>
        Try it with a test inbox
      </button>
      <p className="hint">A mail server on this computer that keeps whatever you send it, to any address, and sends nothing on.</p>
      <Banner kind="error">{error}</Banner>
    </div>
  );
}
