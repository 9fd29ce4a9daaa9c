/** The composer's reducer on its own: each change to what the person writes and what the screen says. */
import { describe, expect, it } from 'vitest';
import type { DraftView, MessageView, SavedDraftView } from '../../preload/common/contract/index.ts';
import {
  composerReducer,
  encodedSize,
  initialComposerState,
  inputOf,
  type ComposerAction,
  type ComposerState,
  type Message,
} from '../../renderer/src/compose/composer-state.ts';
import type { FromChoice } from '../../renderer/src/compose/from-choices.ts';

const DRAFT: DraftView = {
  accountId: 3,
  identityId: 7,
  to: ['Ann <ann@example.org>, bob@example.net'],
  cc: [],
  bcc: ['boss@example.org'],
  subject: 'Plans',
  text: 'Hello',
  html: '<p>Hello</p>',
  replyTo: 'team@example.org',
  attachments: [{ path: '/f/a.csv', name: 'a.csv', size: 30 }],
  inline: [],
};
const SAVED: SavedDraftView = { ...DRAFT, id: 12, updatedAt: '2026-01-02T03:04:05.000Z' };
const FROM: FromChoice = { value: '3:', label: 'Ann <ann@example.org> (Work)', accountId: 3, identityId: null, replyTo: '', signature: 'Ann' };

function queued(hold: MessageView['hold']): MessageView {
  return {
    id: 41,
    accountId: 3,
    accountName: 'Work',
    messageId: '<m@example.org>',
    from: 'ann@example.org',
    subject: 'Plans',
    state: 'queued',
    hold,
    recipients: [],
    createdAt: '2026-01-02T03:04:05.000Z',
    notBefore: '2026-01-02T03:04:15.000Z',
    sentAt: null,
    attempts: 0,
    lastReply: null,
    lastStage: null,
    lastError: null,
    size: 100,
    submittedBy: null,
    deliveryReport: null,
    sentCopy: null,
  };
}

const run = (state: ComposerState, ...actions: ComposerAction[]) => actions.reduce(composerReducer, state);
const fresh = (mode: Message['mode'] = 'plain') => initialComposerState(null, false, mode);

describe('the composer as it opens', () => {
  it('is empty in the mode asked for, with nothing to save or say', () => {
    const state = fresh('rich');
    expect(state.message).toMatchObject({ from: null, subject: '', mode: 'rich', to: { chips: [], pending: '' } });
    expect(state).toMatchObject({ touched: false, status: null, saved: null, busy: false, editorKey: 0 });
  });

  it('continues a draft: its From, one chip per address, its mode from whether it has HTML', () => {
    const state = initialComposerState(SAVED, false, 'plain');
    expect(state.message).toMatchObject({ from: '3:7', replyTo: 'team@example.org', mode: 'rich', html: '<p>Hello</p>' });
    expect(state.message.to.chips).toEqual(['Ann <ann@example.org>', 'bob@example.net']);
    expect(initialComposerState({ ...DRAFT, html: null }, false, 'rich').message.mode).toBe('plain');
  });

  it('says where the message came from: a draft opened, one taken out of the Outbox, the draft left open before a reload', () => {
    expect(initialComposerState(SAVED, false, 'rich').status).toBe('Draft opened.');
    expect(initialComposerState(DRAFT, false, 'rich').status).toBe('The message is back in the composer; it was taken out of the Outbox.');
    expect(initialComposerState(SAVED, true, 'rich').status).toBe('Your draft is back as you left it.');
  });
});

describe('changes', () => {
  it('marks the message touched only for what the person did', () => {
    expect(run(fresh(), { type: 'edited', patch: { subject: 'Hi' } })).toMatchObject({ touched: true, message: { subject: 'Hi' } });
    // The rich editor reports its own normalising too: that is no reason to save a draft.
    const normalised = run(fresh('rich'), { type: 'editorChanged', html: '<p></p>', byPerson: false });
    expect(normalised).toMatchObject({ touched: false, message: { html: '<p></p>' } });
    expect(run(normalised, { type: 'editorChanged', html: '<p>x</p>', byPerson: true }).touched).toBe(true);
    expect(run(fresh(), { type: 'edited', patch: {} }, { type: 'editorChanged', html: '', byPerson: false }).touched).toBe(true);
  });

  it('starts the rich editor again on a mode switch, without touching the message', () => {
    const state = run(fresh('plain'), { type: 'modeSwitched', body: { mode: 'rich', html: '<p>Hello</p>' } });
    expect(state).toMatchObject({ editorKey: 1, touched: false, message: { mode: 'rich', html: '<p>Hello</p>' } });
  });

  it('swaps the plain-text signature when From changes, and leaves rich text to its editor', () => {
    const plain = run(fresh('plain'), { type: 'edited', patch: { text: 'Hello\n\n-- \nAnn' } });
    expect(run(plain, { type: 'signatureChanged', previous: 'Ann', next: 'Sales' }).message.text).toBe('Hello\n\n-- \nSales');
    const rich = fresh('rich');
    expect(run(rich, { type: 'signatureChanged', previous: 'Ann', next: 'Sales' })).toBe(rich);
  });

  it('adds files as attachments (touched) and pasted images as inline parts (the editor reports the change)', () => {
    const file = { path: '/s/1', name: 'a.png', size: 3 };
    const state = run(fresh('rich'), { type: 'attachmentsAdded', files: [file] }, { type: 'inlineImageAdded', image: { ...file, cid: 'x@outbound' } });
    expect(state.message.attachments).toEqual([file]);
    expect(state.message.inline).toEqual([{ ...file, cid: 'x@outbound' }]);
    expect(run(fresh(), { type: 'inlineImageAdded', image: { ...file, cid: 'x@outbound' } }).touched).toBe(false);
  });

  it('turns what is still typed into chips before sending', () => {
    const typed = run(fresh(), { type: 'edited', patch: { to: { chips: ['a@example.org'], pending: 'b@example.org, c@example.org' } } });
    expect(run(typed, { type: 'pendingCommitted' }).message.to).toEqual({ chips: ['a@example.org', 'b@example.org', 'c@example.org'], pending: '' });
  });
});

describe('sending', () => {
  const written = run(
    initialComposerState(SAVED, false, 'rich'),
    { type: 'edited', patch: { subject: 'Plans, again' } },
    { type: 'laterSet', later: true },
    { type: 'sendAtSet', sendAt: '2030-01-01T09:00' },
    { type: 'draftStatus', saved: 'Draft saved.' },
    { type: 'confirming', confirming: 'domains' },
    { type: 'sending' },
  );

  it('is busy while under way, no longer asking about domains, with the last status gone', () => {
    expect(written).toMatchObject({ busy: true, confirming: null, status: null });
    const errors = { fields: { to: 'No.' }, banner: null };
    expect(run(written, { type: 'sendFailed', errors })).toMatchObject({ busy: false, errors, message: { subject: 'Plans, again' } });
  });

  it('then starts a fresh message from the same From in the same mode, and keeps the one sent for its undo window', () => {
    const sent = queued('undo');
    const state = run(written, { type: 'sent', sent, status: 'Queued — sending…' });
    expect(state.message).toEqual({ ...fresh('rich').message, from: '3:7' });
    expect(state).toMatchObject({
      busy: false,
      touched: false,
      saved: null,
      later: false,
      sendAt: '',
      editorKey: written.editorKey + 1,
      sentId: 41,
      undoable: sent,
      status: 'Queued — sending…',
    });
    expect(run(written, { type: 'sent', sent: queued('scheduled'), status: 'Scheduled.' }).undoable).toBeNull();
    expect(run(state, { type: 'undoClosed' }).undoable).toBeNull();
  });

  it('takes a message back on undo: the draft returned, touched so that it is saved again', () => {
    const sent = run(written, { type: 'sent', sent: queued('undo'), status: 'Queued — sending…' });
    const back = run(sent, { type: 'undoClosed' }, { type: 'undone', draft: { ...DRAFT, html: null, text: 'Back' } });
    expect(back).toMatchObject({ sentId: null, touched: true, undoable: null, status: 'Sending undone: the message is back in the composer.' });
    expect(back.message).toMatchObject({ mode: 'plain', text: 'Back', from: '3:7' });
    expect(back.editorKey).toBe(sent.editorKey + 1);
  });
});

describe('the message as the core takes it', () => {
  it('sends rich text as HTML only, with the inline images it still shows', () => {
    const image = (cid: string) => ({ path: `/s/${cid}`, name: `${cid}.png`, size: 9, cid });
    const message: Message = {
      ...initialComposerState(DRAFT, false, 'rich').message,
      html: '<p><img src="cid:kept@outbound"></p>',
      inline: [image('kept@outbound'), image('deleted@outbound')],
      replyTo: '  team@example.org ',
      to: { chips: ['ann@example.org'], pending: 'bob@example.net' },
    };
    expect(inputOf(message, { ...FROM, identityId: 7 })).toEqual({
      accountId: 3,
      identityId: 7,
      to: ['ann@example.org', 'bob@example.net'],
      cc: [],
      bcc: ['boss@example.org'],
      subject: 'Plans',
      html: '<p><img src="cid:kept@outbound"></p>',
      text: '',
      replyTo: 'team@example.org',
      attachments: [{ path: '/f/a.csv' }],
      inline: [{ cid: 'kept@outbound', path: '/s/kept@outbound' }],
    });
  });

  it('sends plain text alone, without an identity or a Reply-To that were not chosen', () => {
    const message: Message = { ...fresh('plain').message, text: 'Hi', replyTo: '  ', inline: [{ path: '/s/1', name: 'x.png', size: 1, cid: 'x@outbound' }] };
    const input = inputOf(message, FROM);
    expect(input).toEqual({ accountId: 3, to: [], cc: [], bcc: [], subject: '', text: 'Hi', attachments: [], inline: [] });
  });

  it('counts the encoded size as base64 files plus the body', () => {
    const message: Message = { ...fresh('plain').message, text: '12345', attachments: [{ path: '/f', name: 'f', size: 300 }] };
    expect(encodedSize(message)).toBe(400 + 5);
  });
});

describe('a template', () => {
  it("puts its subject and body in place of the message's, touched, with the editor started again", () => {
    const before = initialComposerState(SAVED, false, 'rich');
    const applied = run(before, { type: 'templateApplied', subject: 'Weekly', body: { mode: 'plain', text: 'Done:' } });
    expect(applied.message).toMatchObject({ subject: 'Weekly', mode: 'plain', text: 'Done:' });
    expect([applied.touched, applied.editorKey]).toEqual([true, before.editorKey + 1]);
    expect(applied.message.to).toEqual(before.message.to); // recipients stay
  });
});
