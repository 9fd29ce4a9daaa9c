import { useState } from 'react';
import type { BulkResult, BulkTarget, ListCounts, Result } from '../../../preload/common/contract/index.ts';
import { Banner } from '../components/Banner.tsx';
import { Confirm } from '../components/Confirm.tsx';

export interface BulkActions {
  retryAll: (target: BulkTarget) => Promise<Result<BulkResult>>;
  cancelAll: (target: BulkTarget) => Promise<Result<BulkResult>>;
}

const messages = (n: number) => `${n.toLocaleString()} ${n === 1 ? 'message' : 'messages'}`;

/** What a bulk action did, in words: how many it changed and how many it left as they were. */
function outcome(done: string, none: string, { changed, unchanged }: BulkResult): string {
  const left = unchanged > 0 ? ` ${messages(unchanged)} left as they were: not ${none === 'retry' ? 'failed' : 'cancellable'}.` : '';
  return changed === 0 ? `Nothing to ${none}.${left}` : `${done} ${messages(changed)}.${left}`;
}

interface BulkBarProps {
  actions: BulkActions;
  /** Messages chosen; 0: the actions apply to what the filter finds. */
  chosen: number;
  counts: ListCounts | null;
  act: (action: (target: BulkTarget) => Promise<Result<BulkResult>>) => Promise<Result<BulkResult>>;
  onClear: () => void;
}

/** Retry the failed, or cancel, the messages chosen, or all the filter finds (after asking). */
export function BulkBar({ actions, chosen, counts, act, onClear }: BulkBarProps) {
  const [asking, setAsking] = useState(false);
  const [said, setSaid] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  const size = chosen > 0 ? chosen : (counts?.total ?? 0);
  const scope = chosen > 0 ? `${messages(chosen)} chosen` : 'All listed';

  async function run(action: (target: BulkTarget) => Promise<Result<BulkResult>>, done: string, none: string) {
    setAsking(false);
    const result = await act(action);
    setSaid(result.ok ? { kind: 'success', text: outcome(done, none, result.value) } : { kind: 'error', text: result.error.message });
  }

  return (
    <>
      <div className="bulk-bar actions" role="group" aria-label="Act on several">
        <span className="muted" data-testid="bulk-scope">
          {scope}
        </span>
        {asking ? (
          <Confirm
            question={`Cancel ${messages(size)}? Those not sent yet will not be.`}
            confirmLabel="Yes, cancel them"
            cancelLabel="Keep them"
            danger
            onConfirm={() => void run(actions.cancelAll, 'Cancelled', 'cancel')}
            onCancel={() => setAsking(false)}
          />
        ) : (
          <>
            <button type="button" disabled={size === 0} onClick={() => void run(actions.retryAll, 'Retrying', 'retry')}>
              Retry failed
            </button>
            <button type="button" className="danger" disabled={size === 0} onClick={() => setAsking(true)}>
              Cancel all
            </button>
            {chosen > 0 && (
              <button type="button" className="link" onClick={onClear}>
                Clear the choice
              </button>
            )}
          </>
        )}
      </div>
      <Banner kind={said?.kind ?? 'success'}>{said?.text ?? null}</Banner>
    </>
  );
}
