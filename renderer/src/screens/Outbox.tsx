import { useState, type ReactNode } from 'react';
import type { AccountView, DraftView, ListState, MessageView, Result } from '../../../preload/common/contract/index.ts';
import { Confirm } from '../components/Confirm.tsx';
import { MessageCard, subjectIdOf } from '../components/MessageCard.tsx';
import { PausedBanner } from '../components/PausedBanner.tsx';
import { Time } from '../components/Time.tsx';
import { useLive, useSettings } from '../live.ts';
import { MessageList } from '../lists/MessageList.tsx';

const OUTBOX_STATES: readonly ListState[] = ['queued', 'scheduled', 'sending', 'failed', 'uncertain'];
const BULK = { retryAll: window.outbound.outbox.retryAll, cancelAll: window.outbound.outbox.cancelAll };

/** The uncertain message's two ways out, each confirmed before it happens. */
type Decision = 'resend' | 'markSent';
const DECISIONS: Record<Decision, { question: string; confirmLabel: string; action: (id: number) => Promise<Result<MessageView>> }> = {
  resend: {
    question: 'Send the same message again? If it did arrive, the recipients get it twice.',
    confirmLabel: 'Yes, send again',
    action: (id) => window.outbound.outbox.resend(id),
  },
  markSent: {
    question: 'Move it to Sent without sending it again?',
    confirmLabel: 'Yes, it arrived',
    action: (id) => window.outbound.outbox.markSent(id),
  },
};

interface OutboxProps {
  online: boolean | null;
  /** Edit: the message left the outbox; open it in the composer. */
  onEdit: (draft: DraftView) => void;
}

export function Outbox({ online, onEdit }: OutboxProps) {
  // Paused accounts explain why their messages wait.
  const { value: accounts } = useLive(window.outbound.accounts.list);
  const [actionError, setActionError] = useState<string | null>(null);
  const [busy, setBusy] = useState<number | null>(null);
  const [deciding, setDeciding] = useState<{ id: number; decision: Decision } | null>(null);
  const paused = useSettings()?.sendingPaused ?? false;

  async function act<T>(id: number, action: (id: number) => Promise<Result<T>>): Promise<T | undefined> {
    setBusy(id);
    setDeciding(null);
    const result = await action(id);
    setBusy(null);
    // The list itself follows through the outboxChanged event.
    setActionError(result.ok ? null : result.error.message);
    return result.ok ? result.value : undefined;
  }

  async function edit(id: number) {
    const draft = await act(id, window.outbound.outbox.takeBack);
    if (draft) onEdit(draft);
  }

  const accountOf = (m: MessageView) => accounts?.find((a) => a.id === m.accountId);

  function actionsOf(m: MessageView): ReactNode {
    if (m.state === 'sending') return null;
    if (deciding?.id === m.id && m.state === 'uncertain') {
      const { question, confirmLabel, action } = DECISIONS[deciding.decision];
      return (
        <Confirm
          question={question}
          confirmLabel={confirmLabel}
          cancelLabel="Not now"
          onConfirm={() => void act(m.id, action)}
          onCancel={() => setDeciding(null)}
        />
      );
    }
    const button = (label: string, onClick: () => void, className?: string) => (
      <button type="button" className={className} disabled={busy === m.id} aria-describedby={subjectIdOf(m)} onClick={onClick}>
        {label}
      </button>
    );
    const decide = (decision: Decision) => () => setDeciding({ id: m.id, decision });
    return (
      <>
        {m.state === 'uncertain' ? (
          <>
            {button('Send again', decide('resend'))}
            {button('It arrived — mark as sent', decide('markSent'))}
          </>
        ) : (
          <>
            {button(m.state === 'queued' && m.hold !== null ? 'Send now' : 'Retry now', () => void act(m.id, window.outbound.outbox.retry))}
            {button('Edit', () => void edit(m.id))}
          </>
        )}
        {button('Cancel', () => void act(m.id, window.outbound.outbox.cancel), 'danger')}
      </>
    );
  }

  return (
    <section className="messages" data-testid="outbox-list">
      <PausedBanner paused={paused} />
      <MessageList
        actionError={actionError}
        load={window.outbound.outbox.page}
        label="Messages waiting"
        empty="Nothing is waiting to be sent."
        states={OUTBOX_STATES}
        bulk={BULK}
        onDelete={(m) => m.state !== 'sending' && void act(m.id, window.outbound.outbox.cancel)}
        renderOpened={(m) => (
          <MessageCard message={m} status={<WhyItWaits message={m} account={accountOf(m)} online={online} paused={paused} />} actions={actionsOf(m)} />
        )}
      />
    </section>
  );
}

const attemptsText = (n: number): string => `${n} attempt${n === 1 ? '' : 's'}`;

/** One line saying why the message is where it is, and what happens next. */
function WhyItWaits({
  message: m,
  account,
  online,
  paused,
}: {
  message: MessageView;
  account: AccountView | undefined;
  online: boolean | null;
  paused: boolean;
}) {
  const due = m.notBefore !== null && Date.parse(m.notBefore) > Date.now() ? m.notBefore : null;
  let why: ReactNode;
  switch (m.state) {
    case 'uncertain':
      return (
        <div className="uncertain" data-testid="message-why">
          <p>
            <strong>This message may have been delivered:</strong> the connection broke after the whole message was sent, before the server confirmed it.
            Outbound will not send it again unless you say so.
          </p>
          <p>If you can, check with a recipient, then choose. Sending again may deliver it twice.</p>
        </div>
      );
    case 'failed':
      why = 'Failed for good: it needs you. Edit it, retry it or cancel it.';
      break;
    case 'sending':
      why = 'Being sent now.';
      break;
    default:
      if (account?.pausedReason) why = `Paused: ${account.pausedReason}`;
      else if (m.hold === 'undo' && m.notBefore)
        why = (
          <>
            In the undo window until <Time iso={m.notBefore} />.
          </>
        );
      else if (m.hold === 'scheduled' && m.notBefore)
        why = (
          <>
            Scheduled for <Time iso={m.notBefore} />.
          </>
        );
      else if (paused) why = 'Waiting: sending is paused.';
      else if (online === false)
        why = `Waiting for the network${m.attempts > 0 ? ` (${attemptsText(m.attempts)} so far)` : ''}; it goes as soon as the server answers.`;
      else if (due && m.attempts > 0)
        why = (
          <>
            Retrying at <Time iso={due} /> after {attemptsText(m.attempts)}.
          </>
        );
      else why = 'Due now: sending shortly.';
  }
  return (
    <p className="why" data-testid="message-why">
      {why}
    </p>
  );
}
