import { useState, type FormEvent } from 'react';
import type { AccountView, ApiError, DiscoveryView, OAuthProvider, OAuthProviderView, Security } from '../../../preload/common/contract/index.ts';
import { Banner } from '../components/Banner.tsx';
import { Field } from '../components/Field.tsx';
import { noErrors, placeError, type FormErrors } from '../form-errors.ts';
import { ReportOptions } from '../compose/ReportOptions.tsx';
import {
  ACCOUNT_FIELDS,
  DEFAULT_IMAP_PORT,
  DEFAULT_PORT,
  emptyForm,
  formFieldOf,
  formOf,
  identityError,
  identityForm,
  inputOf,
  nameOf,
  SECURITY_LABEL,
  SOURCE_LABEL,
  type AccountField,
  type AccountForm,
  type IdentityField,
  type SignInMethod,
} from './account-form.ts';
import { ImapFields } from './ImapFields.tsx';

interface EditorProps {
  account: AccountView | null;
  /** A new account's fields as far as they are known (what the one-step setup was given and found). */
  prefill?: AccountForm;
  providers: OAuthProviderView[];
  onSaved: (account: AccountView) => void;
  /** null when there is nothing to go back to. */
  onCancel: (() => void) | null;
}

/** Adding or editing an account: server, sign-in (password or a provider's OAuth2), replies, signature and identities. */
export function AccountEditor({ account, prefill, providers, onSaved, onCancel }: EditorProps) {
  const label = (provider: OAuthProvider) => nameOf(providers, provider);
  const [form, setForm] = useState<AccountForm>(() => (account ? formOf(account) : (prefill ?? emptyForm())));
  const [errors, setErrors] = useState<FormErrors<AccountField>>(noErrors);
  const [identityErrors, setIdentityErrors] = useState<Record<string, Partial<Record<IdentityField, string>>>>({});
  const [busy, setBusy] = useState<null | 'saving' | 'signing-in'>(null);
  const [found, setFound] = useState<DiscoveryView | null>(null);
  const [finding, setFinding] = useState(false);

  /** Fill the server settings from the address: presets, autoconfig, SRV records, guesses. */
  async function findSettings() {
    setFinding(true);
    setFound(null);
    const result = await window.outbound.accounts.discover(form.email);
    setFinding(false);
    if (!result.ok) {
      setErrors(placeError(result.error, ACCOUNT_FIELDS));
      return;
    }
    const d = result.value;
    setErrors(noErrors);
    setFound(d);
    setForm((f) => ({
      ...f,
      name: f.name || (f.email.split('@')[1] ?? ''),
      host: d.host,
      port: String(d.port),
      security: d.security,
      username: f.username || (d.username ?? ''),
      // Google and Microsoft 365 want their own sign-in, not a password.
      signInWith: d.oauth2 ?? f.signInWith,
      ...(d.imap && !f.imapHost ? { imapHost: d.imap.host, imapPort: String(d.imap.port), imapSecurity: d.imap.security } : {}),
    }));
  }

  const set = (field: AccountField) => (event: { target: { value: string } }) => setForm((f) => ({ ...f, [field]: event.target.value }));

  function setSecurity(security: Security) {
    // Follow the mode's usual port unless the user typed a port of their own.
    setForm((f) => ({
      ...f,
      security,
      port: f.port === '' || f.port === DEFAULT_PORT[f.security] ? DEFAULT_PORT[security] : f.port,
    }));
  }

  function setSignInWith(signInWith: SignInMethod) {
    setForm((f) => {
      // Picking a provider by hand brings its server along, unless the person already has one of their own.
      const known = f.host === '' || providers.some((p) => p.host === f.host);
      const server = known ? providers.find((p) => p.provider === signInWith) : undefined;
      return { ...f, signInWith, ...(server ? { host: server.host, port: String(server.port), security: server.security } : {}) };
    });
  }

  const setIdentity = (key: string, field: IdentityField) => (event: { target: { value: string } }) =>
    setForm((f) => ({ ...f, identities: f.identities.map((i) => (i.key === key ? { ...i, [field]: event.target.value } : i)) }));

  function showError(error: ApiError) {
    const about = identityError(error);
    const row = about && form.identities[about.index];
    if (about && row) {
      setErrors(noErrors);
      setIdentityErrors({ [row.key]: { [about.field]: error.message } });
    } else {
      setIdentityErrors({});
      setErrors(placeError({ ...error, field: formFieldOf(error.field) }, ACCOUNT_FIELDS));
    }
  }

  /** Save, or for a new provider sign-in (or "Sign in again") open the browser and wait for the person there. */
  async function submit(event: FormEvent, signIn: boolean) {
    event.preventDefault();
    // A port that is not a number cannot even be sent as one; the rest is checked at the boundary.
    if (!/^\d+$/.test(form.port.trim())) {
      setErrors({ fields: { port: `Enter the port as a number, e.g. ${DEFAULT_PORT[form.security]}.` }, banner: null });
      return;
    }
    if (form.imapHost.trim() && !/^\d+$/.test(form.imapPort.trim())) {
      setErrors({ fields: { imapPort: `Enter the IMAP port as a number, e.g. ${DEFAULT_IMAP_PORT[form.imapSecurity]}.` }, banner: null });
      return;
    }
    setBusy(signIn ? 'signing-in' : 'saving');
    const input = inputOf(form, account?.id);
    const result =
      signIn && form.signInWith !== 'password'
        ? await window.outbound.accounts.signIn({
            provider: form.signInWith,
            ...(form.clientId.trim() ? { clientId: form.clientId.trim() } : {}),
            ...(form.clientSecret.trim() ? { clientSecret: form.clientSecret.trim() } : {}),
            account: input,
          })
        : await window.outbound.accounts.save(input);
    setBusy(null);
    if (result.ok) onSaved(result.value);
    else showError(result.error);
  }

  const title = account ? `Edit ${account.name}` : 'Add an account';
  const storedPassword = account !== null && account.secretSource === 'keychain' && account.oauth === null;
  const provider = form.signInWith === 'password' ? null : form.signInWith;
  // A provider sign-in must happen in the browser when it is new (or another provider); otherwise saving keeps it.
  const needsSignIn = provider !== null && account?.oauth?.provider !== provider;
  return (
    <form className="form" onSubmit={(e) => void submit(e, needsSignIn)} noValidate aria-labelledby="account-form-title">
      <h2 id="account-form-title">{title}</h2>
      <Banner kind="error">{errors.banner}</Banner>
      <div className="grid">
        <Field id="account-name" label="Account name" error={errors.fields.name} hint="Only you see it, e.g. Work.">
          {(p) => <input {...p} value={form.name} onChange={set('name')} aria-required autoComplete="off" />}
        </Field>
        <Field id="account-email" label="Email address" error={errors.fields.email}>
          {(p) => (
            <span className="with-button">
              <input {...p} type="email" value={form.email} onChange={set('email')} aria-required autoComplete="email" />
              <button type="button" onClick={() => void findSettings()} disabled={finding || !form.email.includes('@')}>
                {finding ? 'Looking…' : 'Find settings'}
              </button>
            </span>
          )}
        </Field>
        <Field id="account-display-name" label="Display name" error={errors.fields.displayName} hint="What recipients see beside your address.">
          {(p) => <input {...p} value={form.displayName} onChange={set('displayName')} autoComplete="name" />}
        </Field>
      </div>
      {found && (
        <p className="found" role="status" data-testid="discovery">
          Found {found.host}:{found.port} ({SECURITY_LABEL[found.security]}) {SOURCE_LABEL[found.source]}: {found.from}
          {found.oauth2 && ` — ${label(found.oauth2)} wants you to sign in with it rather than with a password.`}
          {found.imap && ` The copy in Sent goes to ${found.imap.host}:${found.imap.port} (${SECURITY_LABEL[found.imap.security]}).`}
        </p>
      )}
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
        {form.security === 'none' && (
          <p className="plaintext-warning" role="alert">
            Without encryption anyone on the network path can read and change your mail, and Outbound will not send a password over it. Use this only for a
            relay on your own machine or network.
          </p>
        )}
        {form.security !== 'none' && (
          <Field
            id="account-tls-fingerprint"
            label="Pinned certificate (SHA-256)"
            error={errors.fields.tlsFingerprint}
            hint="Only for a server whose certificate your system does not trust: then exactly this certificate is accepted. Leave empty otherwise."
          >
            {(p) => <input {...p} value={form.tlsFingerprint} onChange={set('tlsFingerprint')} autoComplete="off" spellCheck={false} className="mono" />}
          </Field>
        )}
      </fieldset>
      <fieldset>
        <legend>Sign-in</legend>
        <div className="sign-in-methods" role="radiogroup" aria-label="How you sign in">
          {(['password', ...providers.map((p) => p.provider)] as const).map((method) => (
            <label key={method} className={form.signInWith === method ? 'chosen' : undefined}>
              <input type="radio" name="sign-in-with" checked={form.signInWith === method} onChange={() => setSignInWith(method)} />
              {method === 'password' ? 'With a password' : `Sign in with ${label(method)}`}
            </label>
          ))}
        </div>
        {provider === null ? (
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
        ) : (
          <>
            <p className="hint">
              {label(provider)} signs you in in your web browser; Outbound keeps only the permission to send, in your system keychain, and never sees your
              password.
            </p>
            <div className="grid">
              <Field
                id="account-client-id"
                label="OAuth client ID"
                error={errors.fields.clientId}
                hint={`The app registration Outbound signs in with at ${label(provider)}.`}
              >
                {(p) => <input {...p} value={form.clientId} onChange={set('clientId')} autoComplete="off" spellCheck={false} className="mono" />}
              </Field>
              <Field
                id="account-client-secret"
                label="Client secret"
                error={errors.fields.clientSecret}
                hint="Only if your app registration has one. Kept in your system keychain."
              >
                {(p) => <input {...p} type="password" value={form.clientSecret} onChange={set('clientSecret')} autoComplete="off" />}
              </Field>
            </div>
          </>
        )}
      </fieldset>
      <ImapFields form={form} setForm={setForm} errors={errors.fields} account={account} />
      <fieldset>
        <legend>Replies and signature</legend>
        <div className="grid">
          <Field id="account-reply-to" label="Reply-To" error={errors.fields.replyTo} hint="Where replies go, if not to this address.">
            {(p) => <input {...p} type="email" value={form.replyTo} onChange={set('replyTo')} autoComplete="off" />}
          </Field>
        </div>
        <Field id="account-signature" label="Signature" error={errors.fields.signature}>
          {(p) => <textarea {...p} className="signature" value={form.signature} onChange={set('signature')} />}
        </Field>
        <Field
          id="account-delivery-report"
          label="Delivery status notification"
          error={errors.fields.deliveryReport}
          hint="What each message asks the receiving servers for, unless you choose otherwise in the composer (RFC 3461; not every server offers it)."
        >
          {(p) => (
            <select {...p} value={form.deliveryReport} onChange={set('deliveryReport')}>
              <ReportOptions current={form.deliveryReport} />
            </select>
          )}
        </Field>
        <label className="checkbox">
          <input type="checkbox" checked={form.isDefault} onChange={(e) => setForm((f) => ({ ...f, isDefault: e.target.checked }))} />
          The composer starts with this account (default)
        </label>
      </fieldset>
      <fieldset className="identities">
        <legend>Other addresses you send as</legend>
        {form.identities.length === 0 && <p className="hint">Aliases this server lets you send from, each with its own name, Reply-To and signature.</p>}
        {form.identities.map((identity, index) => {
          const e = identityErrors[identity.key] ?? {};
          const id = `identity-${index}`;
          return (
            <div key={identity.key} className="identity" role="group" aria-label={`Identity ${index + 1}`} data-testid="identity">
              <div className="grid">
                <Field id={`${id}-email`} label="Address" error={e.email}>
                  {(p) => <input {...p} type="email" value={identity.email} onChange={setIdentity(identity.key, 'email')} aria-required autoComplete="off" />}
                </Field>
                <Field id={`${id}-display-name`} label="Display name" error={e.displayName}>
                  {(p) => <input {...p} value={identity.displayName} onChange={setIdentity(identity.key, 'displayName')} autoComplete="off" />}
                </Field>
                <Field id={`${id}-reply-to`} label="Reply-To" error={e.replyTo}>
                  {(p) => <input {...p} type="email" value={identity.replyTo} onChange={setIdentity(identity.key, 'replyTo')} autoComplete="off" />}
                </Field>
              </div>
              <Field id={`${id}-signature`} label="Signature" error={e.signature}>
                {(p) => <textarea {...p} className="signature" value={identity.signature} onChange={setIdentity(identity.key, 'signature')} />}
              </Field>
              <button
                type="button"
                className="danger"
                onClick={() => setForm((f) => ({ ...f, identities: f.identities.filter((i) => i.key !== identity.key) }))}
                aria-label={`Remove ${identity.email || `identity ${index + 1}`}`}
              >
                Remove
              </button>
            </div>
          );
        })}
        <button type="button" onClick={() => setForm((f) => ({ ...f, identities: [...f.identities, identityForm()] }))}>
          Add an address
        </button>
      </fieldset>
      {busy === 'signing-in' && provider && (
        <p className="signing-in" role="status">
          Finish signing in with {label(provider)} in your browser; Outbound waits here.
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy !== null}>
          {needsSignIn && provider ? `Sign in with ${label(provider)}` : account ? 'Save changes' : 'Add account'}
        </button>
        {provider && !needsSignIn && (
          <button type="button" disabled={busy !== null} onClick={(e) => void submit(e, true)}>
            Sign in again
          </button>
        )}
        {onCancel && (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
