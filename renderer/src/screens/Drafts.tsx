import { useCallback, useEffect, useState } from 'react';
import type { SavedDraftView } from '../../../preload/common/contract/index.ts';
import { Banner } from '../components/Banner.tsx';
import { Confirm } from '../components/Confirm.tsx';
import { Time } from '../components/Time.tsx';

/** The saved drafts, newest first: open one in the composer, or discard it (after asking). */
export function Drafts({ onOpen }: { onOpen: (draft: SavedDraftView) => void }) {
  const [drafts, setDrafts] = useState<SavedDraftView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [discarding, setDiscarding] = useState<number | null>(null);

  const load = useCallback(async () => {
    const result = await window.outbound.drafts.list();
    if (result.ok) setDrafts(result.value);
    else setError(result.error.message);
  }, []);
  useEffect(() => void load(), [load]);

  async function discard(id: number) {
    setDiscarding(null);
    const result = await window.outbound.drafts.discard(id);
    if (!result.ok) setError(result.error.message);
    await load();
  }

  if (drafts === null) return <Banner kind="error">{error}</Banner>;
  return (
    <>
      <Banner kind="error">{error}</Banner>
      {drafts.length === 0 ? (
        <p className="empty">No drafts. What you write in Compose is kept here until you send it or discard it.</p>
      ) : (
        <ul className="cards" aria-label="Drafts">
          {drafts.map((d) => {
            const title = d.subject || '(no subject)';
            const to = [...d.to, ...d.cc].join(', ');
            return (
              <li key={d.id} className="card draft" data-testid="draft">
                <div className="card-main">
                  <h2 id={`draft-${d.id}`}>{title}</h2>
                  <p className="muted">
                    {to ? `To ${to}` : 'No recipients yet'}
                    {d.bcc.length > 0 && ` · ${d.bcc.length} Bcc`} · saved <Time iso={d.updatedAt} />
                    {d.attachments.length > 0 && ` · ${d.attachments.length} attached`}
                  </p>
                </div>
                <div className="actions">
                  {discarding === d.id ? (
                    <Confirm
                      question={`Discard “${title}”?`}
                      confirmLabel="Yes, discard"
                      cancelLabel="Keep it"
                      danger
                      onConfirm={() => void discard(d.id)}
                      onCancel={() => setDiscarding(null)}
                    />
                  ) : (
                    <>
                      <button type="button" className="primary" onClick={() => onOpen(d)} aria-describedby={`draft-${d.id}`}>
                        Open
                      </button>
                      <button type="button" className="danger" onClick={() => setDiscarding(d.id)} aria-describedby={`draft-${d.id}`}>
                        Discard
                      </button>
                    </>
                  )}
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </>
  );
}
