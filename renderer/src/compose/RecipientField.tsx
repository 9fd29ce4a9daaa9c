import { useRef, type ClipboardEvent, type KeyboardEvent, type ReactNode } from 'react';
import { chipProblem, parseEntry, splitRecipients, type Recipients } from './recipient-text.ts';

interface RecipientFieldProps {
  id: string;
  label: string;
  value: Recipients;
  onChange: (value: Recipients) => void;
  /** Domains the DNS check found wrong, with what to say ("No such domain"). */
  domainWarnings: ReadonlyMap<string, string>;
  /** The core's refusal on send, shown on the chip it names (or under the field). */
  serverError?: string | undefined;
  /** The id of the shared <datalist> of known addresses. */
  suggestions: string;
  hint?: ReactNode;
}

/**
 * To, Cc or Bcc as chips: typing a comma, semicolon or Enter, pasting a list, picking a suggestion or
 * leaving the field turns the text into one chip per address. Backspace in the empty input removes
 * the last chip; clicking a chip puts it back in the input to edit it.
 */
export function RecipientField({ id, label, value, onChange, domainWarnings, serverError, suggestions, hint }: RecipientFieldProps) {
  const input = useRef<HTMLInputElement>(null);
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;

  const commit = (text: string, keep = '') => {
    const added = splitRecipients(text);
    onChange({ chips: [...value.chips, ...added], pending: keep });
  };
  const remove = (index: number) => onChange({ ...value, chips: value.chips.filter((_, i) => i !== index) });
  const edit = (index: number) => {
    onChange({ chips: value.chips.filter((_, i) => i !== index), pending: value.chips[index] ?? '' });
    input.current?.focus();
  };

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if ((event.key === 'Enter' && !event.ctrlKey && !event.metaKey) || event.key === ',' || event.key === ';') {
      // Enter would submit the form; a separator ends the address being typed.
      if (value.pending.trim() === '') return event.key === 'Enter' ? event.preventDefault() : undefined;
      event.preventDefault();
      commit(value.pending);
    } else if (event.key === 'Backspace' && value.pending === '' && value.chips.length > 0) {
      event.preventDefault();
      remove(value.chips.length - 1);
    }
  }

  function onPaste(event: ClipboardEvent<HTMLInputElement>) {
    const text = event.clipboardData.getData('text/plain');
    if (!/[,;\n]/.test(text)) return;
    event.preventDefault();
    commit(value.pending + text);
  }

  function onInput(text: string, picked: boolean) {
    // A suggestion picked from the list, or a separator typed mid-text: make chips of what is complete.
    if (picked) return commit(text);
    const parts = splitRecipients(text);
    if (/[,;]\s*$/.test(text) && parts.length > 0) return commit(text);
    onChange({ ...value, pending: text });
  }

  const problems = value.chips.map((entry) => chipProblem(entry, domainWarnings));
  const serverChip = serverError ? value.chips.findIndex((entry) => serverError.includes(`"${parseEntry(entry).address}"`)) : -1;
  // One line per distinct problem: three chips at one unknown domain say it once.
  const messages = [...new Set([...problems.filter((p): p is string => p !== null), ...(serverError ? [serverError] : [])])];
  const describedBy = [messages.length > 0 ? errorId : '', hint ? hintId : ''].filter(Boolean).join(' ') || undefined;

  return (
    <div className={messages.length > 0 ? 'field invalid' : 'field'}>
      <label htmlFor={id}>{label}</label>
      <div className="chips-box" onClick={(e) => e.target === e.currentTarget && input.current?.focus()}>
        {value.chips.length > 0 && (
          <ul className="chips" aria-label={`${label} recipients`} data-testid={`${id}-chips`}>
            {value.chips.map((entry, index) => {
              const problem = index === serverChip ? serverError : problems[index];
              const { name, address } = parseEntry(entry);
              return (
                <li
                  key={`${index}:${entry}`}
                  className={problem ? 'chip invalid' : 'chip'}
                  data-testid="chip"
                  data-invalid={problem ? 'true' : undefined}
                  title={problem ?? entry}
                >
                  <button type="button" className="chip-text" onClick={() => edit(index)} aria-label={`Edit ${entry}${problem ? `: ${problem}` : ''}`}>
                    {name ? (
                      <>
                        {name} <span className="chip-address">{address}</span>
                      </>
                    ) : (
                      address
                    )}
                  </button>
                  <button type="button" className="chip-remove" onClick={() => remove(index)} aria-label={`Remove ${address}`}>
                    <span aria-hidden="true">×</span>
                  </button>
                </li>
              );
            })}
          </ul>
        )}
        <input
          ref={input}
          id={id}
          value={value.pending}
          list={suggestions}
          autoComplete="off"
          spellCheck={false}
          aria-invalid={messages.length > 0}
          aria-describedby={describedBy}
          onKeyDown={onKeyDown}
          onPaste={onPaste}
          onChange={(e) => onInput(e.target.value, !(e.nativeEvent instanceof InputEvent) || e.nativeEvent.inputType === 'insertReplacementText')}
          onBlur={() => value.pending.trim() !== '' && commit(value.pending)}
        />
      </div>
      {hint && (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      )}
      {messages.length > 0 && (
        <ul className="field-error chip-errors" id={errorId} role="alert" data-testid={`${id}-error`}>
          {messages.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
