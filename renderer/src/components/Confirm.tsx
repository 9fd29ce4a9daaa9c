import { useEffect, useRef } from 'react';

interface ConfirmProps {
  /** What will happen, as a question. */
  question: string;
  confirmLabel: string;
  cancelLabel: string;
  danger?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}

/**
 * An inline confirmation in place of the button that asked for it. Focus moves to it so a keyboard
 * user lands on the choice (Escape keeps things as they are).
 */
export function Confirm({ question, confirmLabel, cancelLabel, danger = false, onConfirm, onCancel }: ConfirmProps) {
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => cancel.current?.focus(), []);
  return (
    <div className="confirm" role="group" aria-label={question} onKeyDown={(e) => e.key === 'Escape' && onCancel()}>
      <span>{question}</span>
      <button type="button" className={danger ? 'danger' : 'primary'} onClick={onConfirm}>
        {confirmLabel}
      </button>
      <button type="button" ref={cancel} onClick={onCancel}>
        {cancelLabel}
      </button>
    </div>
  );
}
