import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { AccountInput, AccountView, Security } from '../../../preload/contract.ts';
import { Banner } from '../components/Banner.tsx';
import { Field } from '../components/Field.tsx';
import { noErrors, placeError, type FormErrors } from '../errors.ts';

/** The usual port for each security mode; offered when the user switches mode. */
const DEFAULT_PORT: Record<Security, string> = { tls: '465', starttls: '587', none: '25' };
const SECURITY_LABEL: Record<Security, string> = {
  tls: 'TLS from the first byte',
  starttls: 'STARTTLS',
  none: 'None (plain text)',
};

interface AccountForm {
  name: string;
  email: string;
  displayName: string;
  host: string;
  port: string;
  security: Security;
  username: string;
  password: string;
  passwordCommand: string;
}
type AccountField = keyof AccountForm;
const ACCOUNT_FIELDS: readonly AccountField[] = ['name', 'email', 'displayName', 'host', 'port', 'security', 'username', 'password', 'passwordCommand'];

const emptyForm = (): AccountForm => ({
  name: '',
  email: '',
  displayName: '',
  host: '',
  port: DEFAULT_PORT.starttls,
  security: 'starttls',
  username: '',
  password: '',
  passwordCommand: '',
});

const formOf = (account: AccountView): AccountForm => ({
  name: account.name,
  email: account.email,
  displayName: account.displayName,
  host: account.host,
  port: String(account.port),
  security: account.security,
  username: account.username ?? '',
  password: '',
  passwordCommand: account.passwordCommand ?? '',
});

function inputOf(form: AccountForm, id: number | undefined): AccountInput {
  return {
    id,
    name: form.name,
    email: form.email,
    displayName: form.displayName.trim(),
    host: form.host,
    port: Number(form.port),
    security: form.security,
    username: form.username.trim(),
    // Empty keeps the stored password when editing.
    password: form.password === '' ? undefined : form.password,
    passwordCommand: form.passwordCommand.trim(),
  };
}

/** null: no form open; 'new': adding; an account: editing it. */
type Editing = null | 'new' | AccountView;

export function Accounts() {
  const [accounts, setAccounts] = useState<AccountView[] | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const [editing, setEditing] = useState<Editing>(null);
  const [confirmingDelete, setConfirmingDelete] = useState<number | null>(null);
  const [status, setStatus] = useState<string | null>(null);

  const reload = useCallback(async () => {
    const result = await window.outbound.accounts.list();
    if (result.ok) {
      setAccounts(result.value);
      setListError(null);
      // No accounts yet: go straight to adding one.
      if (result.value.length === 0) setEditing((e) => e ?? 'new');
    } else {
      setListError(result.error.message);
    }
  }, []);

  useEffect(() => {
    void reload();
  }, [reload]);

  async function remove(account: AccountView) {
    const result = await window.outbound.accounts.remove(account.id);
    setConfirmingDelete(null);
    if (!result.ok) {
      setListError(result.error.message);
      return;
    }
    setStatus(`Deleted ${account.name}.`);
    if (editing !== null && editing !== 'new' && editing.id === account.id) setEditing(null);
    await reload();
  }

  function saved(account: AccountView) {
    setStatus(`Saved ${account.name}.`);
    setEditing(null);
    void reload();
  }

  return (
    <section className="accounts">
      <Banner kind="error">{listError}</Banner>
      <Banner kind="success">{status}</Banner>
      {accounts && accounts.length === 0 && <p className="empty">No accounts yet. Add the account you send from.</p>}
      {accounts && accounts.length > 0 && (
        <ul className="cards" aria-label="Accounts">
          {accounts.map((account) => (
            <li key={account.id} className="card" data-testid="account">
              <div className="card-main">
                <h2>{account.name}</h2>
                <p>
                  {account.displayName ? `${account.displayName} <${account.email}>` : account.email}
                </p>
                <p className="muted">
                  {account.host}:{account.port} · {account.security} ·{' '}
                  {account.username ? `signs in as ${account.username} (password from ${account.secretSource})` : 'no sign-in'}
                </p>
              </div>
              <div className="actions">
                {confirmingDelete === account.id ? (
                  <>
                    <span>Delete {account.name}?</span>
                    <button type="button" className="danger" onClick={() => void remove(account)}>
                      Yes, delete
                    </button>
                    <button type="button" onClick={() => setConfirmingDelete(null)}>
                      Keep it
                    </button>
                  </>
                ) : (
                  <>
                    <button type="button" onClick={() => { setStatus(null); setEditing(account); }} aria-label={`Edit ${account.name}`}>
                      Edit
                    </button>
                    <button type="button" className="danger" onClick={() => setConfirmingDelete(account.id)} aria-label={`Delete ${account.name}`}>
                      Delete
                    </button>
                  </>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
      {editing === null ? (
        <button type="button" className="primary" onClick={() => { setStatus(null); setEditing('new'); }}>
          Add account
        </button>
      ) : (
        <AccountEditor
          key={editing === 'new' ? 'new' : editing.id}
          account={editing === 'new' ? null : editing}
          onSaved={saved}
          onCancel={accounts && accounts.length > 0 ? () => setEditing(null) : null}
        />
      )}
    </section>
  );
}

interface EditorProps {
  account: AccountView | null;
  onSaved: (account: AccountView) => void;
  /** null when there is nothing to go back to. */
  onCancel: (() => void) | null;
}

function AccountEditor({ account, onSaved, onCancel }: EditorProps) {
  const [form, setForm] = useState<AccountForm>(() => (account ? formOf(account) : emptyForm()));
  const [errors, setErrors] = useState<FormErrors<AccountField>>(noErrors);
  const [busy, setBusy] = useState(false);

  const set = (field: AccountField) => (event: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [field]: event.target.value }));

  function setSecurity(security: Security) {
    // Follow the mode's usual port unless the user typed a port of their own.
    setForm((f) => ({
      ...f,
      security,
      port: f.port === '' || f.port === DEFAULT_PORT[f.security] ? DEFAULT_PORT[security] : f.port,
    }));
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    // A port that is not a number cannot even be sent as one; the rest is checked at the boundary.
    if (!/^\d+$/.test(form.port.trim())) {
      setErrors({ fields: { port: `Enter the port as a number, e.g. ${DEFAULT_PORT[form.security]}.` }, banner: null });
      return;
    }
    setBusy(true);
    const result = await window.outbound.accounts.save(inputOf(form, account?.id));
    setBusy(false);
    if (result.ok) onSaved(result.value);
    else setErrors(placeError(result.error, ACCOUNT_FIELDS));
  }

  const title = account ? `Edit ${account.name}` : 'Add an account';
  const storedPassword = account !== null && account.secretSource === 'keychain';
  return (
    <form className="form" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="account-form-title">
      <h2 id="account-form-title">{title}</h2>
      <Banner kind="error">{errors.banner}</Banner>
      <div className="grid">
        <Field id="account-name" label="Account name" error={errors.fields.name} hint="Only you see it, e.g. Work.">
          {(p) => <input {...p} value={form.name} onChange={set('name')} aria-required autoComplete="off" />}
        </Field>
        <Field id="account-email" label="Email address" error={errors.fields.email}>
          {(p) => <input {...p} type="email" value={form.email} onChange={set('email')} aria-required autoComplete="email" />}
        </Field>
        <Field id="account-display-name" label="Display name" error={errors.fields.displayName} hint="What recipients see beside your address.">
          {(p) => <input {...p} value={form.displayName} onChange={set('displayName')} autoComplete="name" />}
        </Field>
      </div>
      <fieldset>
        <legend>Outgoing server (SMTP)</legend>
        <div className="grid">
          <Field id="account-host" label="Server" error={errors.fields.host} hint="e.g. smtp.example.org">
            {(p) => <input {...p} value={form.host} onChange={set('host')} aria-required autoComplete="off" spellCheck={false} />}
          </Field>
          <Field id="account-security" label="Security" error={errors.fields.security}>
            {(p) => (
              <select {...p} value={form.security} onChange={(e) => setSecurity(e.target.value as Security)}>
                {(Object.keys(SECURITY_LABEL) as Security[]).map((s) => (
                  <option key={s} value={s}>
                    {SECURITY_LABEL[s]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="account-port" label="Port" error={errors.fields.port} hint={`Usually ${DEFAULT_PORT[form.security]} with this security.`}>
            {(p) => <input {...p} inputMode="numeric" value={form.port} onChange={set('port')} aria-required autoComplete="off" />}
          </Field>
        </div>
      </fieldset>
      <fieldset>
        <legend>Sign-in</legend>
        <div className="grid">
          <Field id="account-username" label="Username" error={errors.fields.username} hint="Leave empty if the server does not ask you to sign in.">
            {(p) => <input {...p} value={form.username} onChange={set('username')} autoComplete="username" spellCheck={false} />}
          </Field>
          <Field
            id="account-password"
            label="Password"
            error={errors.fields.password}
            hint={storedPassword ? 'Leave empty to keep the stored password.' : 'Kept in your system keychain.'}
          >
            {(p) => (
              <input
                {...p}
                type="password"
                value={form.password}
                onChange={set('password')}
                autoComplete="new-password"
                placeholder={storedPassword ? '(unchanged)' : undefined}
              />
            )}
          </Field>
          <Field
            id="account-password-command"
            label="Password command"
            error={errors.fields.passwordCommand}
            hint="Instead of a password: a command that prints it, e.g. pass show mail/work."
          >
            {(p) => <input {...p} value={form.passwordCommand} onChange={set('passwordCommand')} autoComplete="off" spellCheck={false} />}
          </Field>
        </div>
      </fieldset>
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {account ? 'Save changes' : 'Add account'}
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
