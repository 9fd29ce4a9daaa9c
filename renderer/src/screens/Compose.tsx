import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { DraftView, MessageView } from '../../../preload/common/contract/index.ts';
import { AccountSetup } from '../accounts/AccountSetup.tsx';
import { Banner } from '../components/Banner.tsx';
import { Confirm } from '../components/Confirm.tsx';
import { Field } from '../components/Field.tsx';
import { TryTestInbox } from '../components/TryTestInbox.tsx';
import { Attachments } from '../compose/Attachments.tsx';
import { encodedSize, type Confirmation, type Message, type RecipientKind } from '../compose/composer-state.ts';
import { parseHtml } from '../compose/editor-html.ts';
import { formatSize, ProgressBar } from '../compose/progress.tsx';
import { ReportOptions } from '../compose/ReportOptions.tsx';
import { Templates } from '../compose/Templates.tsx';
import { RecipientField } from '../compose/RecipientField.tsx';
import { RichEditor } from '../compose/RichEditor.tsx';
import { openDraftId } from '../compose/useAutosave.ts';
import { useComposer } from '../compose/useComposer.ts';
import '../compose/compose.css';
import { useNow } from '../live.ts';
import { laterPicks, localInputValue } from '../time.ts';

const CONFIRMATIONS: Record<Confirmation, { question: string; cancelLabel: string }> = {
  domains: { question: 'Some recipient domains look wrong (marked above). Send anyway?', cancelLabel: 'Go back and fix them' },
  noAttachment: { question: 'The message mentions an attachment, but nothing is attached. Send anyway?', cancelLabel: 'Go back and attach it' },
};

interface ComposeProps {
  /** Whether the core last found the network up (null: not known yet). */
  online: boolean | null;
  /** A message taken back from the outbox (Edit) or a saved draft, to continue with. */
  restored: DraftView | null;
  /** A message was scheduled (for the offer to start at login). */
  onScheduled: () => void;
}

/** The composer, with the draft it had open before a reload or a crash when nothing else was asked for. */
export function Compose(props: ComposeProps) {
  const [reopened, setReopened] = useState<DraftView | null | undefined>(props.restored ?? (openDraftId() === null ? null : undefined));
  useEffect(() => {
    const id = openDraftId();
    if (reopened !== undefined || id === null) return;
    void window.outbound.drafts.get(id).then((result) => setReopened(result.ok ? result.value : null));
  }, [reopened]);
  if (reopened === undefined) return <p className="muted">Opening your draft…</p>;
  return <Composer {...props} restored={reopened} reopened={!props.restored && reopened !== null} />;
}

/** The composer's view: its state and what it does are in useComposer. */
function Composer(options: ComposeProps & { reopened: boolean }) {
  const {
    state,
    dispatch,
    report,
    accounts,
    accountsError,
    reloadAccounts,
    choices,
    from,
    signature,
    suggestions,
    domainCheck,
    progress,
    edit,
    switchMode,
    send,
    undo,
    addFiles,
    pick,
    pasteImage,
  } = useComposer(options);
  const { message, errors, undoable, sizeLimit } = state;
  const domainWarnings = domainCheck.warnings;
  const form = useRef<HTMLFormElement>(null);
  const sendAtField = useRef<HTMLInputElement>(null);
  // Cc and Bcc wait behind "Add Cc" and "Add Bcc" until used; a message that has some shows them.
  const [shown, setShown] = useState({ cc: false, bcc: false });
  const has = (kind: RecipientKind) => message[kind].chips.length > 0 || message[kind].pending !== '' || Boolean(errors.fields[kind]);
  const showCc = shown.cc || has('cc');
  const showBcc = shown.bcc || has('bcc');

  const sendLater = () => {
    dispatch({ type: 'laterSet', later: true });
    requestAnimationFrame(() => sendAtField.current?.focus());
  };
  // Ctrl+Enter (Cmd+Enter on a Mac) sends from anywhere in the form, as in most mail programs;
  // with Shift it opens Send later instead. The desktop menu shows the same keys and sends the same commands.
  function onKeyDown(event: KeyboardEvent) {
    if (event.key !== 'Enter' || !(event.ctrlKey || event.metaKey)) return;
    event.preventDefault();
    if (event.shiftKey) sendLater();
    else form.current?.requestSubmit();
  }
  useEffect(
    () =>
      window.outbound.onMenuCommand((command) => {
        if (command === 'send') form.current?.requestSubmit();
        else if (command === 'sendLater') sendLater();
      }),
    // sendLater uses only what stays the same (dispatch, a ref).
    [],
  );

  if (accounts === null) return <Banner kind="error">{accountsError}</Banner>;
  if (accounts.length === 0 || !from) {
    return (
      <div className="first-run">
        <p className="empty">There is no account to send from yet. Add yours, or try Outbound first with a test inbox of its own.</p>
        <AccountSetup takenNames={accounts.map((a) => a.name)} onSaved={() => void reloadAccounts()} onCancel={null} />
        <TryTestInbox onAdded={() => void reloadAccounts()} />
      </div>
    );
  }

  const size = encodedSize(message);
  const sizeWarning =
    sizeLimit && size > sizeLimit.bytes
      ? `This message comes to about ${formatSize(size)} once encoded; ${sizeLimit.source === 'server' ? 'the server takes' : 'most servers take'} at most ${formatSize(sizeLimit.bytes)}. Remove some attachments or it will be refused.`
      : null;
  const recipientField = (kind: RecipientKind, label: string, hint?: string) => (
    <RecipientField
      id={`compose-${kind}`}
      label={label}
      value={message[kind]}
      onChange={(value) => edit({ [kind]: value })}
      domainWarnings={domainWarnings}
      serverError={errors.fields[kind]}
      suggestions="compose-suggestions"
      hint={hint}
    />
  );

  return (
    <form
      ref={form}
      className="form compose"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        void send();
      }}
      onKeyDown={onKeyDown}
      noValidate
    >
      <Banner kind="error">{errors.banner}</Banner>
      <Banner kind="success">{state.status}</Banner>
      {progress && progress.sent < progress.total && <ProgressBar progress={progress} label="Sending the message" />}
      {undoable && <UndoBar key={undoable.id} message={undoable} onUndo={() => void undo(undoable)} onExpired={() => dispatch({ type: 'undoClosed' })} />}
      <datalist id="compose-suggestions">
        {suggestions.map((s) => (
          <option key={s} value={s} />
        ))}
      </datalist>
      <div className="from-row">
        <Field id="compose-from" label="From" error={errors.fields.accountId}>
          {(p) => (
            <select {...p} value={from.value} onChange={(e) => edit({ from: e.target.value, replyTo: null })}>
              {choices.map((c) => (
                <option key={c.value} value={c.value}>
                  {c.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="compose-reply-to" label="Reply-To" error={errors.fields.replyTo} hint="Where answers go; empty: to From.">
          {(p) => (
            <input {...p} value={message.replyTo ?? from.replyTo} onChange={(e) => edit({ replyTo: e.target.value })} autoComplete="off" spellCheck={false} />
          )}
        </Field>
      </div>
      {recipientField('to', 'To')}
      {(!showCc || !showBcc) && (
        <div className="add-recipients">
          {!showCc && (
            <button type="button" className="link" onClick={() => setShown((s) => ({ ...s, cc: true }))}>
              Add Cc
            </button>
          )}
          {!showBcc && (
            <button type="button" className="link" onClick={() => setShown((s) => ({ ...s, bcc: true }))}>
              Add Bcc
            </button>
          )}
        </div>
      )}
      {showCc && recipientField('cc', 'Cc')}
      {showBcc && recipientField('bcc', 'Bcc', 'Nobody sees Bcc recipients: each gets the message, and no one learns who else did.')}
      {domainCheck.unchecked && (
        <p className="hint" data-testid="domains-unchecked">
          The recipients’ domains could not be checked: DNS gave no reliable answer just now. This does not stop sending.
        </p>
      )}
      <Field id="compose-subject" label="Subject" error={errors.fields.subject}>
        {(p) => <input {...p} value={message.subject} onChange={(e) => edit({ subject: e.target.value })} autoComplete="off" />}
      </Field>
      <Templates from={from} message={message} dispatch={dispatch} />
      <div className={errors.fields.text || errors.fields.html ? 'field invalid' : 'field'}>
        <div className="body-head">
          <span className="body-label" id="compose-text-label">
            Message
          </span>
          <label className="check">
            <input type="checkbox" checked={message.mode === 'plain'} onChange={(e) => switchMode(e.target.checked ? 'plain' : 'rich')} /> Plain text
          </label>
          <button
            type="button"
            aria-expanded={state.preview}
            aria-controls={state.preview ? 'compose-preview' : undefined}
            onClick={() => dispatch({ type: 'previewToggled' })}
          >
            Preview
          </button>
        </div>
        {message.mode === 'rich' ? (
          <RichEditor
            key={state.editorKey}
            id="compose-text"
            initialHtml={message.html}
            signature={signature}
            describedBy={errors.fields.text || errors.fields.html ? 'compose-text-error' : undefined}
            onChange={(html, byPerson) => dispatch({ type: 'editorChanged', html, byPerson })}
            onPasteImage={pasteImage}
          />
        ) : (
          <textarea
            id="compose-text"
            aria-labelledby="compose-text-label"
            aria-invalid={Boolean(errors.fields.text)}
            aria-describedby={errors.fields.text ? 'compose-text-error' : undefined}
            value={message.text}
            onChange={(e) => edit({ text: e.target.value })}
            rows={12}
          />
        )}
        {(errors.fields.text || errors.fields.html) && (
          <p className="field-error" id="compose-text-error" role="alert" data-testid="compose-text-error">
            {errors.fields.text ?? errors.fields.html}
          </p>
        )}
      </div>
      {state.preview && <Preview message={message} />}
      <Attachments
        files={message.attachments}
        onPick={pick}
        onAdd={(files) => void addFiles(files)}
        onRemove={(path) => edit({ attachments: message.attachments.filter((a) => a.path !== path) })}
        sizeWarning={errors.fields.attachments ?? sizeWarning}
        busy={state.adding}
      />
      <div className="send-later">
        <label className="check">
          <input type="checkbox" checked={state.later} onChange={(e) => dispatch({ type: 'laterSet', later: e.target.checked })} /> Send later
        </label>
        {state.later && (
          <div className="later-picks" role="group" aria-label="Quick picks">
            {laterPicks(new Date()).map((pick) => (
              <button key={pick.label} type="button" onClick={() => dispatch({ type: 'sendAtSet', sendAt: localInputValue(pick.at) })}>
                {pick.label}
              </button>
            ))}
          </div>
        )}
        {state.later && (
          <Field
            id="compose-send-at"
            label="Send at"
            error={errors.fields.sendAt}
            hint="Your local time. Outbound sends it then, from the tray if its window is closed; if Outbound is not running then, it goes when Outbound next starts."
          >
            {(p) => (
              <input
                {...p}
                ref={sendAtField}
                type="datetime-local"
                value={state.sendAt}
                min={localInputValue(new Date())}
                onChange={(e) => dispatch({ type: 'sendAtSet', sendAt: e.target.value })}
              />
            )}
          </Field>
        )}
      </div>
      <div className="report">
        <Field id="compose-report" label="Delivery status notification" hint="Receiving servers mail you a report, where they support it (RFC 3461).">
          {(p) => (
            <select {...p} value={report} onChange={(e) => dispatch({ type: 'reportSet', report: e.target.value })}>
              <ReportOptions current={report} />
            </select>
          )}
        </Field>
        {report !== '' && sizeLimit?.deliveryReports === false && (
          <p className="report-warning" role="status" data-testid="report-warning">
            This server does not offer delivery reports (DSN): the request would be dropped, and the message sent without it.
          </p>
        )}
      </div>
      {state.confirming && (
        <Confirm
          question={CONFIRMATIONS[state.confirming].question}
          confirmLabel="Send anyway"
          cancelLabel={CONFIRMATIONS[state.confirming].cancelLabel}
          // Each question once per send: "send anyway" to the domains, then the attachment may still be asked about.
          onConfirm={() => void send(state.confirming === 'noAttachment' ? ['domains', 'noAttachment'] : ['domains'])}
          onCancel={() => dispatch({ type: 'confirming', confirming: null })}
        />
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={state.busy || state.adding} aria-keyshortcuts="Control+Enter Meta+Enter">
          {state.later ? 'Schedule' : 'Send'}
        </button>
        <span className="hint">Ctrl+Enter sends; Ctrl+Shift+Enter sends later.</span>
        <span className="hint saved" role="status" data-testid="draft-status">
          {state.saved}
        </span>
      </div>
    </form>
  );
}

/** The message as it will read: sanitised HTML only, so nothing remote loads (the CSP forbids it too). */
function Preview({ message }: { message: Message }) {
  const pane = useRef<HTMLDivElement>(null);
  useEffect(() => {
    pane.current?.replaceChildren(message.mode === 'rich' ? parseHtml(message.html) : '');
  }, [message.mode, message.html]);
  return (
    <section className="preview" id="compose-preview" aria-label="Preview" data-testid="preview">
      {message.mode === 'plain' ? <pre className="preview-text">{message.text}</pre> : <div ref={pane} className="preview-html" />}
    </section>
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
