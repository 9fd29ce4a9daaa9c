import { useEffect, useRef, useState, type ClipboardEvent, type KeyboardEvent } from 'react';
import { parseHtml, safeHref, serialize, signatureHtml, SIGNATURE_CLASS } from './editor-html.ts';

/** An image pasted into the text, once it is part of the message. */
export interface PastedImage {
  cid: string;
  name: string;
}

interface RichEditorProps {
  id: string;
  /** What the editor starts with; later changes come from the person typing. */
  initialHtml: string;
  /** The From identity's signature: replaced in the text when it changes, the rest left alone. */
  signature: string;
  /** `byPerson` is false when the editor changed the text itself (the signature). */
  onChange: (html: string, byPerson: boolean) => void;
  /** Make a pasted image part of the message; null when it could not be. */
  onPasteImage: (file: File) => Promise<PastedImage | null>;
  describedBy?: string | undefined;
}

const FORMATS = [
  { command: 'bold', label: 'Bold', key: 'B', text: 'B' },
  { command: 'italic', label: 'Italic', key: 'I', text: 'I' },
  { command: 'insertUnorderedList', label: 'Bulleted list', text: 'Bulleted' },
  { command: 'insertOrderedList', label: 'Numbered list', text: 'Numbered' },
] as const;

/**
 * Rich text with the browser's own editing (contentEditable and execCommand): no library, nothing
 * that needs inline styles. What it holds is read back through the allowlist (`serialize`), and
 * pastes go in through it (`parseHtml`), so nothing else ever reaches the message.
 */
export function RichEditor({ id, initialHtml, signature, onChange, onPasteImage, describedBy }: RichEditorProps) {
  const editor = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState<Record<string, boolean>>({});
  const [linking, setLinking] = useState<Range | null>(null);

  const changed = (byPerson = true) => editor.current && onChange(serialize(editor.current), byPerson);

  useEffect(() => {
    document.execCommand('defaultParagraphSeparator', false, 'p');
    editor.current?.replaceChildren(parseHtml(initialHtml));
    // Only the first content: the editor owns its DOM from here on.
  }, []);

  useEffect(() => {
    const root = editor.current;
    if (!root) return;
    const current = root.querySelector(`.${SIGNATURE_CLASS}`);
    const next = parseHtml(signatureHtml(signature));
    if (current) current.replaceWith(next);
    else if (next.hasChildNodes()) {
      // A paragraph to write in above the signature, so that the caret does not start inside it.
      if (!root.hasChildNodes()) root.append(parseHtml('<p><br></p>'));
      root.append(next);
    }
    changed(false);
    // Only a new signature rewrites it: re-running on every render would undo the person's edits to it.
  }, [signature]);

  // Reflect the formatting at the caret in the toolbar (aria-pressed), as word processors do.
  useEffect(() => {
    const update = () => {
      if (!editor.current?.contains(document.getSelection()?.anchorNode ?? null)) return;
      setActive({
        ...Object.fromEntries(FORMATS.map((f) => [f.command, document.queryCommandState(f.command)])),
        quote: document.queryCommandValue('formatBlock') === 'blockquote',
      });
    };
    document.addEventListener('selectionchange', update);
    return () => document.removeEventListener('selectionchange', update);
  }, []);

  function run(command: string, value?: string) {
    editor.current?.focus();
    document.execCommand(command, false, value);
    changed();
  }

  function openLink() {
    const selection = document.getSelection();
    const range = selection && selection.rangeCount > 0 && editor.current?.contains(selection.anchorNode) ? selection.getRangeAt(0).cloneRange() : null;
    if (range) setLinking(range);
    else {
      // No caret in the text yet: link at its end.
      const end = document.createRange();
      end.selectNodeContents(editor.current!);
      end.collapse(false);
      setLinking(end);
    }
  }

  function insertLink(href: string) {
    const range = linking;
    setLinking(null);
    if (!range) return;
    editor.current?.focus();
    const selection = document.getSelection();
    selection?.removeAllRanges();
    selection?.addRange(range);
    if (!range.collapsed) return run('createLink', href);
    // Nothing selected: the address itself becomes the link's text.
    const link = document.createElement('a');
    link.href = href;
    link.textContent = href.replace(/^mailto:/, '');
    range.insertNode(link);
    selection?.collapse(link.parentNode, Array.from(link.parentNode?.childNodes ?? []).indexOf(link) + 1);
    changed();
  }

  async function onPaste(event: ClipboardEvent<HTMLDivElement>) {
    event.preventDefault();
    const data = event.clipboardData;
    const images = Array.from(data.files).filter((f) => f.type.startsWith('image/'));
    const html = data.getData('text/html');
    const text = data.getData('text/plain');
    const at = document.getSelection()?.getRangeAt(0).cloneRange();
    if (images.length > 0) {
      for (const file of images) {
        const pasted = await onPasteImage(file);
        if (!pasted || !at) continue;
        const image = parseHtml(`<img src="cid:${pasted.cid}" alt="${pasted.name.replace(/["<>&]/g, '')}">`);
        at.insertNode(image);
        at.collapse(false);
      }
      changed();
    } else if (html && at) {
      // The allowlisted copy of what was pasted: no styles, scripts or remote images come along.
      const clean = parseHtml(html);
      const last = clean.lastChild;
      at.deleteContents();
      at.insertNode(clean);
      if (last) document.getSelection()?.collapse(last, last.childNodes.length || (last.textContent ?? '').length);
      changed();
    } else if (text) {
      run('insertText', text);
    }
  }

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if ((event.ctrlKey || event.metaKey) && !event.shiftKey && event.key.toLowerCase() === 'k') {
      event.preventDefault();
      openLink();
    }
  }

  return (
    <div className="rich">
      <div className="toolbar" role="toolbar" aria-label="Formatting" aria-controls={id}>
        {FORMATS.map((f) => (
          <button
            key={f.command}
            type="button"
            className={`format format-${f.command}`}
            aria-pressed={Boolean(active[f.command])}
            aria-label={f.label}
            aria-keyshortcuts={'key' in f ? `Control+${f.key}` : undefined}
            title={'key' in f ? `${f.label} (Ctrl+${f.key})` : f.label}
            onMouseDown={(e) => e.preventDefault() /* keep the selection in the text */}
            onClick={() => run(f.command)}
          >
            {f.text}
          </button>
        ))}
        <button
          type="button"
          className="format"
          aria-pressed={Boolean(active.quote)}
          onMouseDown={(e) => e.preventDefault()}
          onClick={() => run('formatBlock', active.quote ? 'p' : 'blockquote')}
        >
          Quote
        </button>
        <button type="button" className="format" aria-keyshortcuts="Control+K" title="Link (Ctrl+K)" onMouseDown={(e) => e.preventDefault()} onClick={openLink}>
          Link…
        </button>
      </div>
      {linking && <LinkForm onInsert={insertLink} onCancel={() => setLinking(null)} />}
      <div
        ref={editor}
        id={id}
        className="editor"
        contentEditable
        suppressContentEditableWarning
        role="textbox"
        aria-multiline="true"
        aria-label="Message"
        aria-describedby={describedBy}
        tabIndex={0}
        spellCheck
        onInput={() => changed()}
        onPaste={(e) => void onPaste(e)}
        onKeyDown={onKeyDown}
        data-testid="rich-editor"
      />
    </div>
  );
}

/** Where the link goes: http(s) or mailto only; a bare address gets https:// or mailto:. */
function LinkForm({ onInsert, onCancel }: { onInsert: (href: string) => void; onCancel: () => void }) {
  const [href, setHref] = useState('');
  const [error, setError] = useState<string | null>(null);
  const field = useRef<HTMLInputElement>(null);
  useEffect(() => field.current?.focus(), []);

  function insert() {
    const typed = href.trim();
    const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(typed) ? typed : typed.includes('@') ? `mailto:${typed}` : `https://${typed}`;
    const safe = typed === '' ? null : safeHref(withScheme);
    if (!safe) return setError('Enter a web address (http or https) or an email address.');
    onInsert(safe);
  }

  return (
    <div
      className="link-form"
      role="dialog"
      aria-label="Insert link"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onCancel();
        } else if (e.key === 'Enter') {
          e.preventDefault();
          insert();
        }
      }}
    >
      <label htmlFor="compose-link">Link to</label>
      <input
        ref={field}
        id="compose-link"
        value={href}
        onChange={(e) => setHref(e.target.value)}
        placeholder="https://example.org"
        aria-invalid={Boolean(error)}
        aria-describedby={error ? 'compose-link-error' : undefined}
      />
      <button type="button" className="primary" onClick={insert}>
        Insert link
      </button>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
      {error && (
        <p className="field-error" id="compose-link-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
