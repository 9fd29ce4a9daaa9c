/**
 * The composer's state and every change to it, as one pure reducer (useComposer runs it): what the
 * person is writing, and what the screen says about it. Nothing here reads the page, the clock, the
 * storage or the API, so each change can be tested on its own.
 */
import type { AttachmentView, DraftInput, DraftView, InlineImageView, MessageView, SizeLimitView } from '../../../preload/common/contract/index.ts';
import { noErrors, type FormErrors } from '../form-errors.ts';
import { replaceTextSignature } from './editor-html.ts';
import type { FromChoice } from './from-choices.ts';
import { noRecipients, recipientEntries, splitRecipients, type Recipients } from './recipient-text.ts';

export type Mode = 'rich' | 'plain';
/** A question asked before sending, once answered "send anyway" not asked again for that send. */
export type Confirmation = 'domains' | 'noAttachment';
export type RecipientKind = 'to' | 'cc' | 'bcc';
export const KINDS: readonly RecipientKind[] = ['to', 'cc', 'bcc'];

/** Everything the person is writing; a draft is saved from it and a message sent. */
export interface Message {
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

export type ComposeField = RecipientKind | 'accountId' | 'subject' | 'text' | 'html' | 'replyTo' | 'attachments' | 'sendAt';
export const COMPOSE_FIELDS: readonly ComposeField[] = ['accountId', 'to', 'cc', 'bcc', 'subject', 'text', 'html', 'replyTo', 'attachments', 'sendAt'];

export interface ComposerState {
  message: Message;
  /** Whether the person changed anything since it was opened or sent: only then is there a draft to save. */
  touched: boolean;
  /** Bumped to start the rich editor again from `message.html` (a new or restored message, a mode switch). */
  editorKey: number;
  /** "Send later" is ticked; `sendAt` is the local date and time typed. */
  later: boolean;
  sendAt: string;
  /** The delivery report chosen (delivery-report.ts's values); null: the account's default. */
  report: string | null;
  errors: FormErrors<ComposeField>;
  /** What went right, for the banner ("Queued — sending…"). */
  status: string | null;
  /** The draft's autosave line ("Draft saved at …"). */
  saved: string | null;
  /** A send is under way. */
  busy: boolean;
  /** Files are being staged. */
  adding: boolean;
  /** What the composer asks before sending: the domains the DNS check found wrong, or an attachment mentioned but missing. */
  confirming: Confirmation | null;
  preview: boolean;
  sizeLimit: SizeLimitView | null;
  /** The message just sent, while its undo window is open. */
  undoable: MessageView | null;
  /** The message last sent, whose progress is shown. */
  sentId: number | null;
}

export type ComposerAction =
  /** The person changed these parts of the message. */
  | { type: 'edited'; patch: Partial<Message> }
  | { type: 'editorChanged'; html: string; byPerson: boolean }
  /** Rich text or plain text, with the body converted for it; the rich editor starts again. */
  | { type: 'modeSwitched'; body: { mode: 'plain'; text: string } | { mode: 'rich'; html: string } }
  /** A template's subject and body in place of the message's (or the message's back, for undo); the rich editor starts again. */
  | { type: 'templateApplied'; subject: string; body: { mode: 'plain'; text: string } | { mode: 'rich'; html: string } }
  /** From changed: plain text carries the signature as text (the rich editor swaps its own). */
  | { type: 'signatureChanged'; previous: string; next: string }
  | { type: 'attachmentsAdded'; files: AttachmentView[] }
  | { type: 'inlineImageAdded'; image: InlineImageView }
  | { type: 'stagingFiles'; adding: boolean }
  | { type: 'laterSet'; later: boolean }
  | { type: 'sendAtSet'; sendAt: string }
  | { type: 'reportSet'; report: string }
  | { type: 'previewToggled' }
  | { type: 'sizeLimitKnown'; sizeLimit: SizeLimitView | null }
  | { type: 'draftStatus'; saved: string }
  | { type: 'errorsShown'; errors: FormErrors<ComposeField> }
  /** What is still being typed becomes chips, so that the person sees what is sent. */
  | { type: 'pendingCommitted' }
  | { type: 'confirming'; confirming: Confirmation | null }
  | { type: 'sending' }
  | { type: 'sendFailed'; errors: FormErrors<ComposeField> }
  /** Sent (queued): a fresh message from the same From, in the same mode. */
  | { type: 'sent'; sent: MessageView; status: string }
  | { type: 'undoClosed' }
  /** The message sent was taken back from the outbox into the composer. */
  | { type: 'undone'; draft: DraftView };

const chipsOf = (entries: string[]): Recipients => ({ chips: entries.flatMap(splitRecipients), pending: '' });

/** The message to continue from `draft`, or an empty one written in `mode`. */
export function messageOf(draft: DraftView | null, mode: Mode): Message {
  if (!draft)
    return {
      from: null,
      replyTo: null,
      to: noRecipients,
      cc: noRecipients,
      bcc: noRecipients,
      subject: '',
      mode,
      html: '',
      text: '',
      attachments: [],
      inline: [],
    };
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

/** The saved draft's id; null for a message taken back from the outbox or a mailto: link. */
export const draftIdOf = (draft: DraftView | null): number | null => (draft && 'id' in draft && typeof draft.id === 'number' ? draft.id : null);

/**
 * The composer as it opens: `restored` to continue with (a saved draft, a message taken out of the
 * outbox), `reopened` when that is the draft left open before a reload or a crash; else empty in `mode`.
 */
export function initialComposerState(restored: DraftView | null, reopened: boolean, mode: Mode): ComposerState {
  return {
    message: messageOf(restored, mode),
    touched: false,
    editorKey: 0,
    later: false,
    sendAt: '',
    report: null,
    errors: noErrors(),
    status: reopened
      ? 'Your draft is back as you left it.'
      : restored
        ? draftIdOf(restored)
          ? 'Draft opened.'
          : 'The message is back in the composer; it was taken out of the Outbox.'
        : null,
    saved: null,
    busy: false,
    adding: false,
    confirming: null,
    preview: false,
    sizeLimit: null,
    undoable: null,
    sentId: null,
  };
}

/** The inline images the message still shows: only those are sent. */
export const usedInline = (m: Message): InlineImageView[] => (m.mode === 'rich' ? m.inline.filter((i) => m.html.includes(`cid:${i.cid}`)) : []);

/** The message as the core takes it, from `from`. */
export function inputOf(m: Message, from: FromChoice): DraftInput {
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

/** About how many bytes the message takes once encoded: files in base64, and the body. */
export const encodedSize = (m: Message): number =>
  Math.ceil(([...m.attachments, ...usedInline(m)].reduce((sum, a) => sum + a.size, 0) * 4) / 3) + (m.mode === 'rich' ? m.html.length : m.text.length);

export function composerReducer(state: ComposerState, action: ComposerAction): ComposerState {
  const m = state.message;
  switch (action.type) {
    case 'edited':
      return { ...state, message: { ...m, ...action.patch }, touched: true };
    case 'editorChanged':
      return { ...state, message: { ...m, html: action.html }, touched: state.touched || action.byPerson };
    case 'modeSwitched':
      return { ...state, message: { ...m, ...action.body }, editorKey: state.editorKey + 1 };
    case 'templateApplied':
      return { ...state, message: { ...m, subject: action.subject, ...action.body }, editorKey: state.editorKey + 1, touched: true };
    case 'signatureChanged':
      return m.mode === 'plain' ? { ...state, message: { ...m, text: replaceTextSignature(m.text, action.previous, action.next) } } : state;
    case 'attachmentsAdded':
      return { ...state, message: { ...m, attachments: [...m.attachments, ...action.files] }, touched: true };
    case 'inlineImageAdded':
      return { ...state, message: { ...m, inline: [...m.inline, action.image] } };
    case 'stagingFiles':
      return { ...state, adding: action.adding };
    case 'laterSet':
      return { ...state, later: action.later };
    case 'sendAtSet':
      return { ...state, sendAt: action.sendAt };
    case 'reportSet':
      return { ...state, report: action.report };
    case 'previewToggled':
      return { ...state, preview: !state.preview };
    case 'sizeLimitKnown':
      return { ...state, sizeLimit: action.sizeLimit };
    case 'draftStatus':
      return { ...state, saved: action.saved };
    case 'errorsShown':
      return { ...state, errors: action.errors };
    case 'pendingCommitted':
      return { ...state, message: { ...m, ...Object.fromEntries(KINDS.map((k) => [k, { chips: recipientEntries(m[k]), pending: '' }])) } };
    case 'confirming':
      return { ...state, confirming: action.confirming };
    case 'sending':
      return { ...state, confirming: null, busy: true, status: null };
    case 'sendFailed':
      return { ...state, busy: false, errors: action.errors };
    case 'sent':
      return {
        ...state,
        busy: false,
        errors: noErrors(),
        message: { ...messageOf(null, m.mode), from: m.from },
        touched: false,
        saved: null,
        editorKey: state.editorKey + 1,
        later: false,
        sendAt: '',
        report: null,
        sentId: action.sent.id,
        undoable: action.sent.hold === 'undo' ? action.sent : null,
        status: action.status,
      };
    case 'undoClosed':
      return { ...state, undoable: null };
    case 'undone':
      return {
        ...state,
        sentId: null,
        message: messageOf(action.draft, m.mode),
        touched: true,
        editorKey: state.editorKey + 1,
        status: 'Sending undone: the message is back in the composer.',
      };
  }
}
