import { useEffect, useReducer, useRef } from 'react';
import type { AttachmentView, DraftView, MessageView } from '../../../preload/common/contract/index.ts';
import { STAGE_LIMIT_BYTES } from '../../../preload/common/staging.ts';
import { placeError } from '../form-errors.ts';
import { useLive } from '../live.ts';
import { formatTime, isoWithOffset } from '../time.ts';
import { readAsBase64, readAsDataUrl } from './Attachments.tsx';
import {
  COMPOSE_FIELDS,
  composerReducer,
  type Confirmation,
  draftIdOf,
  initialComposerState,
  inputOf,
  KINDS,
  type Message,
  type Mode,
} from './composer-state.ts';
import { htmlToText, rememberInlinePicture, replaceTextSignature, textToHtml } from './editor-html.ts';
import { fromChoices } from './from-choices.ts';
import { formatSize, useSendProgress } from './progress.tsx';
import { addressProblem, chipProblem, parseEntry, recipientEntries } from './recipient-text.ts';
import type { PastedImage } from './RichEditor.tsx';
import { useAutosave } from './useAutosave.ts';
import { useDomainCheck } from './useDomainCheck.ts';
import { mentionsAttachment } from './attachment-reminder.ts';
import { reportOf, reportValue } from './delivery-report.ts';
import { useSuggestions } from './useSuggestions.ts';

/** Rich text unless the person chose plain text last time. */
const MODE_KEY = 'outbound.composeMode';
const preferredMode = (): Mode => (localStorage.getItem(MODE_KEY) === 'plain' ? 'plain' : 'rich');

export interface ComposerOptions {
  /** Whether the core last found the network up (null: not known yet). */
  online: boolean | null;
  /** A message taken back from the outbox (Edit) or a saved draft, to continue with. */
  restored: DraftView | null;
  /** `restored` is the draft left open before a reload or a crash. */
  reopened: boolean;
  /** A message was scheduled. */
  onScheduled: () => void;
}

/**
 * The composer's state (composer-state.ts) and what it does with the API: the accounts to send
 * from, the recipients' domain check, autosave, staging files, sending and undoing a send.
 */
export function useComposer({ online, restored, reopened, onScheduled }: ComposerOptions) {
  const { value: accounts, error: accountsError, reload: reloadAccounts } = useLive(window.outbound.accounts.list);
  const [state, dispatch] = useReducer(composerReducer, null, () => initialComposerState(restored, reopened, preferredMode()));
  const { message } = state;
  const progress = useSendProgress(state.sentId);

  const choices = fromChoices(accounts ?? []);
  const from = choices.find((c) => c.value === message.from) ?? choices[0] ?? null;
  const signature = from?.signature ?? '';
  const suggestions = useSuggestions(accounts);
  const allEntries = KINDS.flatMap((k) => recipientEntries(message[k]));
  const domainCheck = useDomainCheck(allEntries, from?.accountId ?? null);
  /** The delivery report asked for: the person's choice, else the From account's default. */
  const report = state.report ?? reportValue(accounts?.find((a) => a.id === from?.accountId)?.deliveryReport ?? null);

  const autosave = useAutosave(
    state.touched && from ? inputOf(message, from) : null,
    draftIdOf(restored),
    (draft) => dispatch({ type: 'draftStatus', saved: `Draft saved at ${formatTime(draft.updatedAt)}.` }),
    (why) => dispatch({ type: 'draftStatus', saved: `The draft could not be saved: ${why}` }),
  );

  // Plain text carries the signature as text: swap it when From changes (the rich editor does its own).
  const shownSignature = useRef(signature);
  useEffect(() => {
    const previous = shownSignature.current;
    shownSignature.current = signature;
    dispatch({ type: 'signatureChanged', previous, next: signature });
  }, [signature]);

  const accountId = from?.accountId ?? null;
  useEffect(() => {
    if (accountId === null) return;
    void window.outbound.compose.sizeLimit(accountId).then((result) => dispatch({ type: 'sizeLimitKnown', sizeLimit: result.ok ? result.value : null }));
  }, [accountId]);

  async function stage(file: File): Promise<AttachmentView | null> {
    if (file.size > STAGE_LIMIT_BYTES) {
      dispatch({
        type: 'errorsShown',
        errors: {
          fields: { attachments: `“${file.name}” is ${formatSize(file.size)}; files up to ${formatSize(STAGE_LIMIT_BYTES)} can be added here.` },
          banner: null,
        },
      });
      return null;
    }
    const result = await window.outbound.attachments.stage(file.name || 'attachment', await readAsBase64(file));
    if (result.ok) return result.value;
    dispatch({ type: 'errorsShown', errors: placeError(result.error, COMPOSE_FIELDS) });
    return null;
  }

  async function addFiles(files: File[]) {
    if (files.length === 0) return;
    dispatch({ type: 'stagingFiles', adding: true });
    const added: AttachmentView[] = [];
    for (const file of files) {
      const staged = await stage(file);
      if (staged) added.push(staged);
    }
    dispatch({ type: 'stagingFiles', adding: false });
    if (added.length > 0) dispatch({ type: 'attachmentsAdded', files: added });
  }

  /** Main's file dialog; false when this host has none, so the page's file input is used. */
  async function pick(): Promise<boolean> {
    const result = await window.outbound.attachments.pick();
    if (!result.ok) {
      if (result.error.code === 'unavailable') return false;
      dispatch({ type: 'errorsShown', errors: placeError(result.error, COMPOSE_FIELDS) });
      return true;
    }
    if (result.value.length > 0) dispatch({ type: 'attachmentsAdded', files: result.value });
    return true;
  }

  async function pasteImage(file: File): Promise<PastedImage | null> {
    const staged = await stage(file);
    if (!staged) return null;
    const cid = `${crypto.randomUUID()}@outbound`;
    rememberInlinePicture(cid, await readAsDataUrl(file));
    dispatch({ type: 'inlineImageAdded', image: { ...staged, cid } });
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
    dispatch({
      type: 'modeSwitched',
      // The rich editor adds the signature back as its own block.
      body: mode === 'plain' ? { mode, text: htmlToText(message.html) } : { mode, html: textToHtml(replaceTextSignature(message.text, signature, '')) },
    });
  }

  /** The scheduled time as the contract wants it, or an error to show next to the field. */
  function scheduled(): { sendAt?: string } | string {
    if (!state.later) return {};
    const when = new Date(state.sendAt);
    if (state.sendAt === '' || Number.isNaN(when.getTime())) return 'Pick the date and time to send at.';
    if (when.getTime() <= Date.now()) return `${formatTime(when.toISOString())} has already passed. Pick a later time, or untick “Send later” to send now.`;
    return { sendAt: isoWithOffset(when) };
  }

  /** `confirmed`: the questions answered "send anyway" for this send. */
  async function send(confirmed: readonly Confirmation[] = []) {
    const input = from && inputOf(message, from);
    if (!input || state.busy) return;
    const schedule = scheduled();
    if (typeof schedule === 'string') return dispatch({ type: 'errorsShown', errors: { fields: { sendAt: schedule }, banner: null } });
    dispatch({ type: 'pendingCommitted' });
    const invalid = KINDS.find((k) => recipientEntries(message[k]).some((e) => addressProblem(parseEntry(e).address) !== null));
    if (invalid)
      return dispatch({ type: 'errorsShown', errors: { fields: {}, banner: 'Some recipients are not valid email addresses: fix or remove the marked ones.' } });
    if (!confirmed.includes('domains') && allEntries.some((e) => chipProblem(e, domainCheck.warnings) !== null))
      return dispatch({ type: 'confirming', confirming: 'domains' });
    const text = message.mode === 'rich' ? htmlToText(message.html) : message.text;
    if (!confirmed.includes('noAttachment') && message.attachments.length === 0 && mentionsAttachment(message.subject, text, navigator.language))
      return dispatch({ type: 'confirming', confirming: 'noAttachment' });
    dispatch({ type: 'sending' });
    const draftId = await autosave.pause();
    const result = await window.outbound.outbox.send({ ...input, ...(draftId !== null && { draftId }), ...schedule, deliveryReport: reportOf(report) });
    if (!result.ok) {
      autosave.resume();
      dispatch({ type: 'sendFailed', errors: placeError(result.error, COMPOSE_FIELDS) });
      return;
    }
    autosave.forget();
    dispatch({ type: 'sent', sent: result.value, status: sentStatus(result.value, online) });
    if (result.value.hold === 'scheduled') onScheduled();
  }

  async function undo(sent: MessageView) {
    dispatch({ type: 'undoClosed' });
    const result = await window.outbound.outbox.takeBack(sent.id);
    if (!result.ok) return dispatch({ type: 'errorsShown', errors: { fields: {}, banner: `Too late to undo: ${result.error.message}` } });
    dispatch({ type: 'undone', draft: result.value });
  }

  const edit = (patch: Partial<Message>) => dispatch({ type: 'edited', patch });
  return {
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
  };
}

/** What the composer says about the message it just handed to the outbox. */
function sentStatus(sent: MessageView, online: boolean | null): string {
  if (sent.hold === 'scheduled' && sent.notBefore) return `Scheduled for ${formatTime(sent.notBefore)}. It waits in the Outbox until then.`;
  if (online === false) return 'Queued — will send when the network is back.';
  return 'Queued — sending…';
}
