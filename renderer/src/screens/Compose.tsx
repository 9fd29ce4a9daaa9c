import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { DraftView, MessageView } from '../../../preload/contract.ts';
import type { Screen } from '../App.tsx';
import { Banner } from '../components/Banner.tsx';
import { Field } from '../components/Field.tsx';
import { noErrors, placeError, type FormErrors } from '../errors.ts';
import { useLive, useNow } from '../hooks.ts';
import { formatTime, isoWithOffset, localInputValue } from '../time.ts';

interface Draft {
  to: string;
  cc: string;
  bcc: string;
  subject: string;
  text: string;
}
type ComposeField = keyof Draft | 'accountId' | 'sendAt';
const COMPOSE_FIELDS: readonly ComposeField[] = ['accountId', 'to', 'cc', 'bcc', 'subject', 'text', 'sendAt'];
const emptyDraft: Draft = { to: '', cc: '', bcc: '', subject: '', text: '' };

/** A recipient line goes as the person typed it; the core splits and checks the addresses. */
const recipients = (line: string): string[] => (line.trim() === '' ? [] : [line]);
const draftOf = (taken: DraftView): Draft => ({
  to: taken.to.join(', '),
  cc: taken.cc.join(', '),
  bcc: taken.bcc.join(', '),
  subject: taken.subject,
  text: taken.text,
});

interface ComposeProps {
  onGoTo: (screen: Screen) => void;
  /** Whether the core last found the network up (null: not known yet). */
  online: boolean | null;
  /** A message taken back from the outbox (Edit), to continue with. */
  restored: DraftView | null;
}

export function Compose({ onGoTo, online, restored }: ComposeProps) {
  const { value: accounts, error: accountsError } = useLive(window.outbound.accounts.list);
  const [accountId, setAccountId] = useState<number | null>(restored?.accountId ?? null);
  const [draft, setDraft] = useState<Draft>(restored ? draftOf(restored) : emptyDraft);
  const [later, setLater] = useState(false);
  const [sendAt, setSendAt] = useState('');
  const [errors, setErrors] = useState<FormErrors<ComposeField>>(noErrors);
  const [status, setStatus] = useState<string | null>(restored ? 'The message is back in the composer; it was taken out of the Outbox.' : null);
  const [busy, setBusy] = useState(false);
  /** The message just sent, while its undo window is open. */
  const [undoable, setUndoable] = useState<MessageView | null>(null);
  const form = useRef<HTMLFormElement>(null);

  // The first account until the user picks one (or an edited message brought its own).
  const chosenAccount = accountId ?? accounts?.[0]?.id ?? null;

  const set = (field: keyof Draft) => (event: { target: { value: string } }) => setDraft((d) => ({ ...d, [field]: event.target.value }));

  /** The scheduled time as the contract wants it, or an error to show next to the field. */
  function scheduled(): { sendAt?: string } | string {
    if (!later) return {};
    const when = new Date(sendAt);
    if (sendAt === '' || Number.isNaN(when.getTime())) return 'Pick the date and time to send at.';
    if (when.getTime() <= Date.now()) return `${formatTime(when.toISOString())} has already passed. Pick a later time, or untick “Send later” to send now.`;
    return { sendAt: isoWithOffset(when) };
  }

  async function send(event: FormEvent) {
    event.preventDefault();
    if (chosenAccount === null || busy) return;
    const schedule = scheduled();
    if (typeof schedule === 'string') {
      setErrors({ fields: { sendAt: schedule }, banner: null });
      return;
    }
    setBusy(true);
    setStatus(null);
    const result = await window.outbound.outbox.send({
      accountId: chosenAccount,
      to: recipients(draft.to),
      cc: recipients(draft.cc),
      bcc: recipients(draft.bcc),
      subject: draft.subject,
      text: draft.text,
      ...schedule,
    });
    setBusy(false);
    if (!result.ok) {
      setErrors(placeError(result.error, COMPOSE_FIELDS));
      return;
    }
    const message = result.value;
    setErrors(noErrors());
    setDraft(emptyDraft);
    setLater(false);
    setSendAt('');
    setUndoable(message.hold === 'undo' ? message : null);
    if (message.hold === 'scheduled' && message.notBefore) setStatus(`Scheduled for ${formatTime(message.notBefore)}. It waits in the Outbox until then.`);
    else if (online === false) setStatus('Queued — will send when the network is back.');
    else setStatus('Queued — sending…');
  }

  async function undo(message: MessageView) {
    setUndoable(null);
    const result = await window.outbound.outbox.takeBack(message.id);
    if (!result.ok) {
      setErrors({ fields: {}, banner: `Too late to undo: ${result.error.message}` });
      return;
    }
    setAccountId(result.value.accountId);
    setDraft(draftOf(result.value));
    setStatus('Sending undone: the message is back in the composer.');
  }

  // Ctrl+Enter (Cmd+Enter on a Mac) sends from anywhere in the form, as in most mail programs.
  function sendOnCtrlEnter(event: KeyboardEvent) {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.current?.requestSubmit();
    }
  }

  if (accounts === null) return <Banner kind="error">{accountsError}</Banner>;
  if (accounts.length === 0) {
    return (
      <p className="empty">
        There is no account to send from yet.{' '}
        <button type="button" className="link" onClick={() => onGoTo('accounts')}>
          Add one in Accounts
        </button>
        .
      </p>
    );
  }

  return (
    <form ref={form} className="form compose" onSubmit={(e) => void send(e)} onKeyDown={sendOnCtrlEnter} noValidate>
      <Banner kind="error">{errors.banner}</Banner>
      <Banner kind="success">{status}</Banner>
      {undoable && <UndoBar key={undoable.id} message={undoable} onUndo={() => void undo(undoable)} onExpired={() => setUndoable(null)} />}
      <Field id="compose-from" label="From" error={errors.fields.accountId}>
        {(p) => (
          <select {...p} value={chosenAccount ?? ''} onChange={(e) => setAccountId(Number(e.target.value))}>
            {accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {a.displayName ? `${a.displayName} <${a.email}>` : a.email} ({a.name})
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field id="compose-to" label="To" error={errors.fields.to}>
        {(p) => <input {...p} value={draft.to} onChange={set('to')} autoComplete="off" spellCheck={false} placeholder="Ann <ann@example.org>, bob@example.org" />}
      </Field>
      <Field id="compose-cc" label="Cc" error={errors.fields.cc}>
        {(p) => <input {...p} value={draft.cc} onChange={set('cc')} autoComplete="off" spellCheck={false} />}
      </Field>
      <Field id="compose-bcc" label="Bcc" error={errors.fields.bcc} hint="Bcc recipients get the message; nobody sees that they did.">
        {(p) => <input {...p} value={draft.bcc} onChange={set('bcc')} autoComplete="off" spellCheck={false} />}
      </Field>
      <Field id="compose-subject" label="Subject" error={errors.fields.subject}>
        {(p) => <input {...p} value={draft.subject} onChange={set('subject')} autoComplete="off" />}
      </Field>
      <Field id="compose-text" label="Message" error={errors.fields.text}>
        {(p) => <textarea {...p} value={draft.text} onChange={set('text')} rows={12} />}
      </Field>
      <div className="send-later">
        <label className="check">
          <input type="checkbox" checked={later} onChange={(e) => setLater(e.target.checked)} /> Send later
        </label>
        {later && (
          <Field id="compose-send-at" label="Send at" error={errors.fields.sendAt} hint="Your local time. The message waits in the Outbox, even if Outbound is closed meanwhile.">
            {(p) => <input {...p} type="datetime-local" value={sendAt} min={localInputValue(new Date())} onChange={(e) => setSendAt(e.target.value)} />}
          </Field>
        )}
      </div>
      <div className="actions">
        <button type="submit" className="primary" disabled={busy} aria-keyshortcuts="Control+Enter Meta+Enter">
          {later ? 'Schedule' : 'Send'}
        </button>
        <span className="hint">Ctrl+Enter sends.</span>
      </div>
    </form>
  );
}

/** The undo window of the message just sent, counting down to its `notBefore`. */
function UndoBar({ message, onUndo, onExpired }: { message: MessageView; onUndo: () => void; onExpired: () => void }) {
  const now = useNow(true);
  const left = Math.ceil((Date.parse(message.notBefore ?? '') - now) / 1000);
  const expired = !(left > 0);
  useEffect(() => {
    if (expired) onExpired();
  }, [expired, onExpired]);
  if (expired) return null;
  return (
    <div className="undo-bar" role="status" data-testid="undo-bar">
      <span>
        Sending “{message.subject || '(no subject)'}” in <span aria-hidden="true">{left} s</span>
        <span className="visually-hidden">a few seconds</span>.
      </span>
      <button type="button" className="primary" onClick={onUndo}>
        Undo
      </button>
    </div>
  );
}
