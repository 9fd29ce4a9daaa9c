import { useEffect, useState, type FormEvent } from 'react';
import type { AccountView } from '../../../preload/contract.ts';
import type { Screen } from '../App.tsx';
import { Banner } from '../components/Banner.tsx';
import { Field } from '../components/Field.tsx';
import { noErrors, placeError, type FormErrors } from '../errors.ts';

interface Draft {
  to: string;
  cc: string;
  bcc: string;
  subject: string;
  text: string;
}
type ComposeField = keyof Draft | 'accountId';
const COMPOSE_FIELDS: readonly ComposeField[] = ['accountId', 'to', 'cc', 'bcc', 'subject', 'text'];
const emptyDraft: Draft = { to: '', cc: '', bcc: '', subject: '', text: '' };

/** A recipient line goes as the person typed it; the core splits and checks the addresses. */
const recipients = (line: string): string[] => (line.trim() === '' ? [] : [line]);

export function Compose({ onGoTo }: { onGoTo: (screen: Screen) => void }) {
  const [accounts, setAccounts] = useState<AccountView[] | null>(null);
  const [accountId, setAccountId] = useState<number | null>(null);
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [errors, setErrors] = useState<FormErrors<ComposeField>>(noErrors);
  const [status, setStatus] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    void window.outbound.accounts.list().then((result) => {
      if (!live) return;
      if (!result.ok) {
        setErrors({ fields: {}, banner: result.error.message });
        return;
      }
      setAccounts(result.value);
      setAccountId((current) => current ?? result.value[0]?.id ?? null);
    });
    return () => {
      live = false;
    };
  }, []);

  const set = (field: keyof Draft) => (event: { target: { value: string } }) => setDraft((d) => ({ ...d, [field]: event.target.value }));

  async function send(event: FormEvent) {
    event.preventDefault();
    if (accountId === null) return;
    setBusy(true);
    setStatus(null);
    const result = await window.outbound.outbox.send({
      accountId,
      to: recipients(draft.to),
      cc: recipients(draft.cc),
      bcc: recipients(draft.bcc),
      subject: draft.subject,
      text: draft.text,
    });
    setBusy(false);
    if (result.ok) {
      setErrors(noErrors());
      setDraft(emptyDraft);
      setStatus('Queued — sending…');
    } else {
      setErrors(placeError(result.error, COMPOSE_FIELDS));
    }
  }

  if (accounts === null) return <Banner kind="error">{errors.banner}</Banner>;
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
    <form className="form compose" onSubmit={(e) => void send(e)} noValidate>
      <Banner kind="error">{errors.banner}</Banner>
      <Banner kind="success">{status}</Banner>
      <Field id="compose-from" label="From" error={errors.fields.accountId}>
        {(p) => (
          <select {...p} value={accountId ?? ''} onChange={(e) => setAccountId(Number(e.target.value))}>
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
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          Send
        </button>
      </div>
    </form>
  );
}
