import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { AttachmentView, DraftInput, DraftView, InlineImageView, MessageView, SizeLimitView } from '../../../preload/common/contract/index.ts';
import { Banner } from '../components/Banner.tsx';
import { Confirm } from '../components/Confirm.tsx';
import { Field } from '../components/Field.tsx';
import { Attachments, readAsBase64, readAsDataUrl } from '../compose/Attachments.tsx';
import { htmlToText, parseHtml, rememberInlinePicture, replaceTextSignature, textToHtml } from '../compose/editor-html.ts';
import { fromChoices } from '../compose/from-choices.ts';
import { formatSize, ProgressBar, useSendProgress } from '../compose/progress.tsx';
import { addressProblem, chipProblem, noRecipients, parseEntry, recipientEntries, splitRecipients, type Recipients } from '../compose/recipient-text.ts';
import { RecipientField } from '../compose/RecipientField.tsx';
import { RichEditor, type PastedImage } from '../compose/RichEditor.tsx';
import { openDraftId, useAutosave } from '../compose/useAutosave.ts';
import { useDomainCheck } from '../compose/useDomainCheck.ts';
import { useSuggestions } from '../compose/useSuggestions.ts';
import '../compose/compose.css';
import { noErrors, placeError, type FormErrors } from '../form-errors.ts';
import { useLive, useNow } from '../live.ts';
import type { Screen } from '../navigation.ts';
import { formatTime, isoWithOffset, localInputValue } from '../time.ts';

type Mode = 'rich' | 'plain';
type RecipientKind = 'to' | 'cc' | 'bcc';

/** Everything the person is writing; a draft is saved from it and a message sent. */
interface Message {
  /** The From choice (`<account>:<identity>`); null: the default account's own address. */
  from: string | null;
  /** null: the From's own Reply-To. */
  replyTo: string | null;
  to: Recipients;
  cc: Recipients;
  bcc: Recipients;
  subject: string;
  mode: Mode;
  html: string;
  text: string;
  attachments: AttachmentView[];
  inline: InlineImageView[];
}

type ComposeField = RecipientKind | 'accountId' | 'subject' | 'text' | 'html' | 'replyTo' | 'attachments' | 'sendAt';
const COMPOSE_FIELDS: readonly ComposeField[] = ['accountId', 'to', 'cc', 'bcc', 'subject', 'text', 'html', 'replyTo', 'attachments', 'sendAt'];
const KINDS: readonly RecipientKind[] = ['to', 'cc', 'bcc'];

/** Rich text unless the person chose plain text last time. */
const MODE_KEY = 'outbound.composeMode';
const preferredMode = (): Mode => (localStorage.getItem(MODE_KEY) === 'plain' ? 'plain' : 'rich');
/** Files the browser host can stage at once (the contract's limit, decoded). */
const STAGE_LIMIT = 20 * 1024 * 1024;

const chipsOf = (entries: string[]): Recipients => ({ chips: entries.flatMap(splitRecipients), pending: '' });
function messageOf(draft: DraftView | null): Message {
  if (!draft) return { from: null, replyTo: null, to: noRecipients, cc: noRecipients, bcc: noRecipients, subject: '', mode: preferredMode(), html: '', text: '', attachments: [], inline: [] };
  return {
    from: `${draft.accountId}:${draft.identityId ?? ''}`,
    replyTo: draft.replyTo,
    to: chipsOf(draft.to),
    cc: chipsOf(draft.cc),
    bcc: chipsOf(draft.bcc),
    subject: draft.subject,
    mode: draft.html !== null ? 'rich' : 'plain',
    html: draft.html ?? '',
    text: draft.text,
    attachments: draft.attachments,
    inline: draft.inline,
  };
}
const draftIdOf = (draft: DraftView | null): number | null => (draft && 'id' in draft && typeof draft.id === 'number' ? draft.id : null);

interface ComposeProps {
  onGoTo: (screen: Screen) => void;
  /** Whether the core last found the network up (null: not known yet). */
  online: boolean | null;
  /** A message taken back from the outbox (Edit) or a saved draft, to continue with. */
  restored: DraftView | null;
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

function Composer({ onGoTo, online, restored, reopened }: ComposeProps & { reopened: boolean }) {
  const { value: accounts, error: accountsError } = useLive(window.outbound.accounts.list);
  const [message, setMessage] = useState<Message>(() => messageOf(restored));
  /** Whether the person changed anything since it was opened or sent: only then is there a draft to save. */
  const [touched, setTouched] = useState(false);
  /** Bumped to start the rich editor again from `message.html` (a new or restored message, a mode switch). */
  const [editorKey, setEditorKey] = useState(0);
  const [later, setLater] = useState(false);
  const [sendAt, setSendAt] = useState('');
  const [errors, setErrors] = useState<FormErrors<ComposeField>>(noErrors);
  const [status, setStatus] = useState<string | null>(
    reopened ? 'Your draft is back as you left it.' : restored ? (draftIdOf(restored) ? 'Draft opened.' : 'The message is back in the composer; it was taken out of the Outbox.') : null,
  );
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [adding, setAdding] = useState(false);
  const [confirmDomains, setConfirmDomains] = useState(false);
  const [preview, setPreview] = useState(false);
  const [sizeLimit, setSizeLimit] = useState<SizeLimitView | null>(null);
  /** The message just sent, while its undo window is open. */
  const [undoable, setUndoable] = useState<MessageView | null>(null);
  const [sentId, setSentId] = useState<number | null>(null);
  const progress = useSendProgress(sentId);
  const form = useRef<HTMLFormElement>(null);
  const sendAtField = useRef<HTMLInputElement>(null);

  const choices = fromChoices(accounts ?? []);
  const from = choices.find((c) => c.value === message.from) ?? choices[0] ?? null;
  const signature = from?.signature ?? '';
  const suggestions = useSuggestions(accounts);
  const allEntries = KINDS.flatMap((k) => recipientEntries(message[k]));
  const domainCheck = useDomainCheck(allEntries, from?.accountId ?? null);
  const domainWarnings = domainCheck.warnings;

  const update = (patch: Partial<Message>) => {
    setMessage((m) => ({ ...m, ...patch }));
    setTouched(true);
  };

  const usedInline = (m: Message) => (m.mode === 'rich' ? m.inline.filter((i) => m.html.includes(`cid:${i.cid}`)) : []);
  function inputOf(m: Message): DraftInput | null {
    if (!from) return null;
    return {
      accountId: from.accountId,
      ...(from.identityId !== null && { identityId: from.identityId }),
      to: recipientEntries(m.to),
      cc: recipientEntries(m.cc),
      bcc: recipientEntries(m.bcc),
      subject: m.subject,
      // With HTML and no text the core writes the plain-text alternative itself.
      ...(m.mode === 'rich' ? { html: m.html, text: '' } : { text: m.text }),
      ...(m.replyTo !== null && m.replyTo.trim() !== '' && { replyTo: m.replyTo.trim() }),
      attachments: m.attachments.map((a) => ({ path: a.path })),
      inline: usedInline(m).map((i) => ({ cid: i.cid, path: i.path })),
    };
  }

  const autosave = useAutosave(
    touched ? inputOf(message) : null,
    draftIdOf(restored),
    (draft) => setSaved(`Draft saved at ${formatTime(draft.updatedAt)}.`),
    (why) => setSaved(`The draft could not be saved: ${why}`),
  );

  // Plain text carries the signature as text: swap it when From changes (the rich editor does its own).
  const shownSignature = useRef(signature);
  useEffect(() => {
    const previous = shownSignature.current;
    shownSignature.current = signature;
    setMessage((m) => (m.mode === 'plain' ? { ...m, text: replaceTextSignature(m.text, previous, signature) } : m));
  }, [signature]);

  const accountId = from?.accountId ?? null;
  useEffect(() => {
    if (accountId === null) return;
    void window.outbound.compose.sizeLimit(accountId).then((result) => setSizeLimit(result.ok ? result.value : null));
  }, [accountId]);

  async function stage(file: File): Promise<AttachmentView | null> {
    if (file.size > STAGE_LIMIT) {
      setErrors({ fields: { attachments: `“${file.name}” is ${formatSize(file.size)}; files up to ${formatSize(STAGE_LIMIT)} can be added here.` }, banner: null });
      return null;
    }
    const result = await window.outbound.attachments.stage(file.name || 'attachment', await readAsBase64(file));
    if (result.ok) return result.value;
    setErrors(placeError(result.error, COMPOSE_FIELDS));
    return null;
  }

  async function addFiles(files: File[]) {
    if (files.length === 0) return;
    setAdding(true);
    const added: AttachmentView[] = [];
    for (const file of files) {
      const staged = await stage(file);
      if (staged) added.push(staged);
    }
    setAdding(false);
    if (added.length > 0) {
      setMessage((m) => ({ ...m, attachments: [...m.attachments, ...added] }));
      setTouched(true);
    }
  }

  /** Main's file dialog; false when this host has none, so the page's file input is used. */
  async function pick(): Promise<boolean> {
    const result = await window.outbound.attachments.pick();
    if (!result.ok) {
      if (result.error.code === 'unavailable') return false;
      setErrors(placeError(result.error, COMPOSE_FIELDS));
      return true;
    }
    if (result.value.length > 0) update({ attachments: [...message.attachments, ...result.value] });
    return true;
  }

  async function pasteImage(file: File): Promise<PastedImage | null> {
    const staged = await stage(file);
    if (!staged) return null;
    const cid = `${crypto.randomUUID()}@outbound`;
    rememberInlinePicture(cid, await readAsDataUrl(file));
    setMessage((m) => ({ ...m, inline: [...m.inline, { ...staged, cid }] }));
    return { cid, name: staged.name };
  }

  // Files dropped anywhere on the window are attached (the browser would otherwise open them).
  useEffect(() => {
    const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes('Files');
    const over = (e: DragEvent) => hasFiles(e) && e.preventDefault();
    const drop = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      void addFiles(Array.from(e.dataTransfer?.files ?? []));
    };
    window.addEventListener('dragover', over);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('drop', drop);
    };
  });

  function switchMode(mode: Mode) {
    localStorage.setItem(MODE_KEY, mode);
    setMessage((m) =>
      mode === 'plain'
        ? { ...m, mode, text: htmlToText(m.html) }
        : // The rich editor adds the signature back as its own block.
          { ...m, mode, html: textToHtml(replaceTextSignature(m.text, signature, '')) },
    );
    setEditorKey((k) => k + 1);
  }

  /** The scheduled time as the contract wants it, or an error to show next to the field. */
  function scheduled(): { sendAt?: string } | string {
    if (!later) return {};
    const when = new Date(sendAt);
    if (sendAt === '' || Number.isNaN(when.getTime())) return 'Pick the date and time to send at.';
    if (when.getTime() <= Date.now()) return `${formatTime(when.toISOString())} has already passed. Pick a later time, or untick “Send later” to send now.`;
    return { sendAt: isoWithOffset(when) };
  }

  async function send(domainsConfirmed = false) {
    const input = inputOf(message);
    if (!input || busy) return;
    const schedule = scheduled();
    if (typeof schedule === 'string') return setErrors({ fields: { sendAt: schedule }, banner: null });
    // What is still being typed becomes chips, so that the person sees what is sent.
    setMessage((m) => ({ ...m, ...Object.fromEntries(KINDS.map((k) => [k, { chips: recipientEntries(m[k]), pending: '' }])) }));
    const invalid = KINDS.find((k) => recipientEntries(message[k]).some((e) => addressProblem(parseEntry(e).address) !== null));
    if (invalid) return setErrors({ fields: {}, banner: 'Some recipients are not valid email addresses: fix or remove the marked ones.' });
    if (!domainsConfirmed && allEntries.some((e) => chipProblem(e, domainWarnings) !== null)) return setConfirmDomains(true);
    setConfirmDomains(false);
    setBusy(true);
    setStatus(null);
    const draftId = await autosave.pause();
    const result = await window.outbound.outbox.send({ ...input, ...(draftId !== null && { draftId }), ...schedule });
    setBusy(false);
    if (!result.ok) {
      autosave.resume();
      setErrors(placeError(result.error, COMPOSE_FIELDS));
      return;
    }
    autosave.forget();
    const sent = result.value;
    setErrors(noErrors());
    setMessage((m) => ({ ...messageOf(null), from: m.from, mode: m.mode }));
    setTouched(false);
    setSaved(null);
    setEditorKey((k) => k + 1);
    setLater(false);
    setSendAt('');
    setSentId(sent.id);
    setUndoable(sent.hold === 'undo' ? sent : null);
    if (sent.hold === 'scheduled' && sent.notBefore) setStatus(`Scheduled for ${formatTime(sent.notBefore)}. It waits in the Outbox until then.`);
    else if (online === false) setStatus('Queued — will send when the network is back.');
    else setStatus('Queued — sending…');
  }

  async function undo(sent: MessageView) {
    setUndoable(null);
    const result = await window.outbound.outbox.takeBack(sent.id);
    if (!result.ok) {
      setErrors({ fields: {}, banner: `Too late to undo: ${result.error.message}` });
      return;
    }
    setSentId(null);
    setMessage(messageOf(result.value));
    setTouched(true);
    setEditorKey((k) => k + 1);
    setStatus('Sending undone: the message is back in the composer.');
  }

  // Ctrl+Enter (Cmd+Enter on a Mac) sends from anywhere in the form, as in most mail programs;
  // with Shift it opens Send later instead.
  function onKeyDown(event: KeyboardEvent) {
    if (event.key !== 'Enter' || !(event.ctrlKey || event.metaKey)) return;
    event.preventDefault();
    if (event.shiftKey) {
      setLater(true);
      requestAnimationFrame(() => sendAtField.current?.focus());
    } else form.current?.requestSubmit();
  }

  if (accounts === null) return <Banner kind="error">{accountsError}</Banner>;
  if (accounts.length === 0 || !from) {
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

  const encodedSize = Math.ceil(([...message.attachments, ...usedInline(message)].reduce((sum, a) => sum + a.size, 0) * 4) / 3) + (message.mode === 'rich' ? message.html.length : message.text.length);
  const sizeWarning =
    sizeLimit && encodedSize > sizeLimit.bytes
      ? `This message comes to about ${formatSize(encodedSize)} once encoded; ${sizeLimit.source === 'server' ? 'the server takes' : 'most servers take'} at most ${formatSize(sizeLimit.bytes)}. Remove some attachments or it will be refused.`
      : null;
  const recipientField = (kind: RecipientKind, label: string, hint?: string) => (
    <RecipientField
      id={`compose-${kind}`}
      label={label}
      value={message[kind]}
      onChange={(value) => update({ [kind]: value })}
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
      <Banner kind="success">{status}</Banner>
      {progress && progress.sent < progress.total && <ProgressBar progress={progress} label="Sending the message" />}
      {undoable && <UndoBar key={undoable.id} message={undoable} onUndo={() => void undo(undoable)} onExpired={() => setUndoable(null)} />}
      <datalist id="compose-suggestions">
        {suggestions.map((s) => (
          <option key={s} value={s} />
        ))}
      </datalist>
      <div className="from-row">
        <Field id="compose-from" label="From" error={errors.fields.accountId}>
          {(p) => (
            <select {...p} value={from.value} onChange={(e) => update({ from: e.target.value, replyTo: null })}>
              {choices.map((c) => (
                <option key={c.value} value={c.value}>
                  {c.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="compose-reply-to" label="Reply-To" error={errors.fields.replyTo} hint="Where answers go; empty: to From.">
          {(p) => <input {...p} value={message.replyTo ?? from.replyTo} onChange={(e) => update({ replyTo: e.target.value })} autoComplete="off" spellCheck={false} />}
        </Field>
      </div>
      {recipientField('to', 'To')}
      {recipientField('cc', 'Cc')}
      {recipientField('bcc', 'Bcc', 'Nobody sees Bcc recipients: each gets the message, and no one learns who else did.')}
      {domainCheck.unchecked && (
        <p className="hint" data-testid="domains-unchecked">
          The recipients’ domains could not be checked: DNS gave no reliable answer just now. This does not stop sending.
        </p>
      )}
      <Field id="compose-subject" label="Subject" error={errors.fields.subject}>
        {(p) => <input {...p} value={message.subject} onChange={(e) => update({ subject: e.target.value })} autoComplete="off" />}
      </Field>
      <div className={errors.fields.text || errors.fields.html ? 'field invalid' : 'field'}>
        <div className="body-head">
          <span className="body-label" id="compose-text-label">
            Message
          </span>
          <label className="check">
            <input type="checkbox" checked={message.mode === 'plain'} onChange={(e) => switchMode(e.target.checked ? 'plain' : 'rich')} /> Plain text
          </label>
          <button type="button" aria-expanded={preview} aria-controls={preview ? 'compose-preview' : undefined} onClick={() => setPreview((p) => !p)}>
            Preview
          </button>
        </div>
        {message.mode === 'rich' ? (
          <RichEditor
            key={editorKey}
            id="compose-text"
            initialHtml={message.html}
            signature={signature}
            describedBy={errors.fields.text || errors.fields.html ? 'compose-text-error' : undefined}
            onChange={(html, byPerson) => {
              setMessage((m) => ({ ...m, html }));
              if (byPerson) setTouched(true);
            }}
            onPasteImage={pasteImage}
          />
        ) : (
          <textarea
            id="compose-text"
            aria-labelledby="compose-text-label"
            aria-invalid={Boolean(errors.fields.text)}
            aria-describedby={errors.fields.text ? 'compose-text-error' : undefined}
            value={message.text}
            onChange={(e) => update({ text: e.target.value })}
            rows={12}
          />
        )}
        {(errors.fields.text || errors.fields.html) && (
          <p className="field-error" id="compose-text-error" role="alert" data-testid="compose-text-error">
            {errors.fields.text ?? errors.fields.html}
          </p>
        )}
      </div>
      {preview && <Preview message={message} />}
      <Attachments
        files={message.attachments}
        onPick={pick}
        onAdd={(files) => void addFiles(files)}
        onRemove={(path) => update({ attachments: message.attachments.filter((a) => a.path !== path) })}
        sizeWarning={errors.fields.attachments ?? sizeWarning}
        busy={adding}
      />
      <div className="send-later">
        <label className="check">
          <input type="checkbox" checked={later} onChange={(e) => setLater(e.target.checked)} /> Send later
        </label>
        {later && (
          <Field id="compose-send-at" label="Send at" error={errors.fields.sendAt} hint="Your local time. The message waits in the Outbox, even if Outbound is closed meanwhile.">
            {(p) => <input {...p} ref={sendAtField} type="datetime-local" value={sendAt} min={localInputValue(new Date())} onChange={(e) => setSendAt(e.target.value)} />}
          </Field>
        )}
      </div>
      {confirmDomains && (
        <Confirm
          question="Some recipient domains look wrong (marked above). Send anyway?"
          confirmLabel="Send anyway"
          cancelLabel="Go back and fix them"
          onConfirm={() => void send(true)}
          onCancel={() => setConfirmDomains(false)}
        />
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy || adding} aria-keyshortcuts="Control+Enter Meta+Enter">
          {later ? 'Schedule' : 'Send'}
        </button>
        <span className="hint">Ctrl+Enter sends; Ctrl+Shift+Enter sends later.</span>
        <span className="hint saved" role="status" data-testid="draft-status">
          {saved}
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
