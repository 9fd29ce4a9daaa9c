import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type {
  AccountInput, AccountView, ApiError, ConnectionTestView, DiscoveryView, OAuthProvider, OAuthProviderView, Result, Security,
} from '../../../preload/common/contract/index.ts';
import { Banner } from '../components/Banner.tsx';
import { Field } from '../components/Field.tsx';
import { noErrors, placeError, type FormErrors } from '../form-errors.ts';
import './Accounts.css';

/** The usual port for each security mode; offered when the user switches mode. */
const DEFAULT_PORT: Record<Security, string> = { tls: '465', starttls: '587', none: '25' };
const SECURITY_LABEL: Record<Security, string> = {
  tls: 'TLS from the first byte',
  starttls: 'STARTTLS',
  none: 'None (plain text)',
};

/** How the account signs in: a password (or none), or OAuth2 with a provider. */
type SignInMethod = 'password' | OAuthProvider;
/** The provider's name as main knows it ("Microsoft 365"); the id until the list has loaded. */
const nameOf = (providers: OAuthProviderView[], provider: OAuthProvider): string => providers.find((p) => p.provider === provider)?.name ?? provider;

/** A From alias being edited; `key` tells rows apart before they have an id. */
interface IdentityForm {
  key: string;
  id: number | undefined;
  email: string;
  displayName: string;
  replyTo: string;
  signature: string;
}
type IdentityField = 'email' | 'displayName' | 'replyTo' | 'signature';

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
  tlsFingerprint: string;
  signInWith: SignInMethod;
  clientId: string;
  clientSecret: string;
  replyTo: string;
  signature: string;
  isDefault: boolean;
  identities: IdentityForm[];
}
type AccountField = Exclude<keyof AccountForm, 'identities' | 'isDefault' | 'signInWith'>;
const ACCOUNT_FIELDS: readonly AccountField[] = [
  'name', 'email', 'displayName', 'host', 'port', 'security', 'username', 'password', 'passwordCommand', 'tlsFingerprint', 'clientId', 'clientSecret', 'replyTo', 'signature',
];

let nextKey = 0;
const identityForm = (identity?: AccountView['identities'][number]): IdentityForm => ({
  key: `identity-${(nextKey += 1)}`,
  id: identity?.id,
  email: identity?.email ?? '',
  displayName: identity?.displayName ?? '',
  replyTo: identity?.replyTo ?? '',
  signature: identity?.signature ?? '',
});

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
  tlsFingerprint: '',
  signInWith: 'password',
  clientId: '',
  clientSecret: '',
  replyTo: '',
  signature: '',
  isDefault: false,
  identities: [],
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
  tlsFingerprint: account.tlsFingerprint ?? '',
  signInWith: account.oauth?.provider ?? 'password',
  clientId: account.oauth?.clientId ?? '',
  clientSecret: '',
  replyTo: account.replyTo ?? '',
  signature: account.signature,
  isDefault: account.isDefault,
  identities: account.identities.map(identityForm),
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
    tlsFingerprint: form.tlsFingerprint.trim(),
    replyTo: form.replyTo.trim(),
    signature: form.signature,
    isDefault: form.isDefault,
    identities: form.identities.map((i) => ({ id: i.id, email: i.email, displayName: i.displayName.trim(), replyTo: i.replyTo.trim(), signature: i.signature })),
  };
}

/** An error about one identity (`identities.2.email`): its row and field; undefined for any other error. */
function identityError(error: ApiError): { index: number; field: IdentityField } | undefined {
  const [head, index, field] = error.field?.split('.') ?? [];
  if (head !== 'identities' || index === undefined) return undefined;
  return { index: Number(index), field: field === 'replyTo' || field === 'displayName' || field === 'signature' ? field : 'email' };
}

const SOURCE_LABEL: Record<DiscoveryView['source'], string> = {
  preset: 'from Outbound\'s list of providers',
  autoconfig: 'in the provider\'s configuration file',
  srv: 'in the domain\'s DNS (SRV record)',
  guess: 'by trying the usual names',
};

/** null: no form open; 'new': adding; an account: editing it. */
type Editing = null | 'new' | AccountView;

export function Accounts() {
  const [accounts, setAccounts] = useState<AccountView[] | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const [editing, setEditing] = useState<Editing>(null);
  const [confirmingDelete, setConfirmingDelete] = useState<number | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  /** The last connection test of each account, shown under its card. */
  const [tests, setTests] = useState<Record<number, ConnectionTestView | 'running'>>({});
  const [providers, setProviders] = useState<OAuthProviderView[]>([]);

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
    void window.outbound.accounts.providers().then((result) => result.ok && setProviders(result.value));
  }, [reload]);

  async function remove(account: AccountView, queued: 'refuse' | 'cancel' | 'move', toAccountId?: number) {
    const result = await window.outbound.accounts.remove(account.id, { queued, ...(toAccountId ? { toAccountId } : {}) });
    setConfirmingDelete(null);
    if (!result.ok) {
      setListError(result.error.message);
      return;
    }
    setStatus(`Deleted ${account.name}.`);
    if (editing !== null && editing !== 'new' && editing.id === account.id) setEditing(null);
    await reload();
  }

  async function test(account: AccountView) {
    setTests((t) => ({ ...t, [account.id]: 'running' }));
    const result = await window.outbound.accounts.test(account.id);
    if (result.ok) setTests((t) => ({ ...t, [account.id]: result.value }));
    else {
      setTests(({ [account.id]: _dropped, ...rest }) => rest);
      setListError(result.error.message);
    }
  }

  /** A change of one thing about an account, made by its own method: nothing else is written back from this (maybe stale) list. */
  async function change(call: Promise<Result<AccountView>>, done: string) {
    const result = await call;
    if (!result.ok) {
      setListError(result.error.message);
      return;
    }
    setStatus(done);
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
          {accounts.map((account) => {
            const last = tests[account.id];
            return (
              <li key={account.id} className="card account-card" data-testid="account">
                <div className="card-main">
                  <h2>
                    {account.name} {account.isDefault && <span className="badge">Default</span>}
                  </h2>
                  <p>{account.displayName ? `${account.displayName} <${account.email}>` : account.email}</p>
                  <p className="muted">
                    {account.host}:{account.port} · {account.security} ·{' '}
                    {account.oauth
                      ? `signs in with ${nameOf(providers, account.oauth.provider)} as ${account.username ?? account.email}`
                      : account.username ? `signs in as ${account.username} (password from ${account.secretSource})` : 'no sign-in'}
                    {account.tlsFingerprint && ' · certificate pinned'}
                  </p>
                  {account.identities.length > 0 && (
                    <p className="muted" data-testid="identities">
                      Also sends as {account.identities.map((i) => (i.displayName ? `${i.displayName} <${i.email}>` : i.email)).join(', ')}
                    </p>
                  )}
                  {account.pausedReason && <p className="paused">{account.pausedReason}</p>}
                  {last === 'running' && <p role="status">Testing the connection…</p>}
                  {last && last !== 'running' && (
                    <TestReport
                      result={last}
                      onPin={(fingerprint) =>
                        void change(window.outbound.accounts.trustCertificate(account.id, fingerprint), `Pinned the certificate of ${account.host}.`).then(() =>
                          test(account),
                        )
                      }
                    />
                  )}
                </div>
                <div className="actions">
                  {confirmingDelete === account.id ? (
                    <DeleteChoice account={account} others={accounts.filter((a) => a.id !== account.id)} onChoose={(q, to) => void remove(account, q, to)} onCancel={() => setConfirmingDelete(null)} />
                  ) : (
                    <>
                      <button type="button" onClick={() => void test(account)} disabled={last === 'running'} aria-label={`Test connection of ${account.name}`}>
                        Test connection
                      </button>
                      {!account.isDefault && (
                        <button type="button" onClick={() => void change(window.outbound.accounts.makeDefault(account.id), `${account.name} is now the default account.`)}>
                          Make default
                        </button>
                      )}
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
            );
          })}
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
          providers={providers}
          onSaved={saved}
          onCancel={accounts && accounts.length > 0 ? () => setEditing(null) : null}
        />
      )}
    </section>
  );
}

/** Deleting asks what happens to mail still in the outbox: nothing is left without an account. */
function DeleteChoice({ account, others, onChoose, onCancel }: {
  account: AccountView;
  others: AccountView[];
  onChoose: (queued: 'refuse' | 'cancel' | 'move', toAccountId?: number) => void;
  onCancel: () => void;
}) {
  const [target, setTarget] = useState<number | undefined>(others[0]?.id);
  if (account.waiting === 0) {
    return (
      <div className="confirm" role="group" aria-label={`Delete ${account.name}?`}>
        <span>Delete {account.name}?</span>
        <button type="button" className="danger" onClick={() => onChoose('refuse')}>Yes, delete</button>
        <button type="button" onClick={onCancel}>Keep it</button>
      </div>
    );
  }
  const n = account.waiting === 1 ? '1 message' : `${account.waiting} messages`;
  return (
    <div className="confirm delete-choice" role="group" aria-label={`Delete ${account.name}?`}>
      <span>{account.name} still has {n} in the outbox. What should happen to {account.waiting === 1 ? 'it' : 'them'}?</span>
      <button type="button" className="danger" onClick={() => onChoose('cancel')}>Cancel {n} and delete</button>
      {others.length > 0 && (
        <span className="move">
          <select aria-label="Send them from" value={target} onChange={(e) => setTarget(Number(e.target.value))}>
            {others.map((o) => <option key={o.id} value={o.id}>{o.name}</option>)}
          </select>
          <button type="button" onClick={() => onChoose('move', target)}>Move and delete</button>
        </span>
      )}
      <button type="button" onClick={onCancel}>Keep it</button>
    </div>
  );
}

/** The connection test's verdict, what the server offers, its certificate and the transcript. */
function TestReport({ result, onPin }: { result: ConnectionTestView; onPin: (fingerprint: string) => void }) {
  const c = result.capabilities;
  const cert = result.certificate;
  const offers = c && [c.starttls && 'STARTTLS', c.pipelining && 'PIPELINING', c.eightBitMime && '8BITMIME', c.smtpUtf8 && 'SMTPUTF8', c.dsn && 'DSN',
    `AUTH ${c.auth.join(' ') || '(none)'}`, c.size ? `SIZE ${Math.round(c.size / 1048576)} MB` : null].filter(Boolean).join(' · ');
  return (
    <div className={result.ok ? 'test-report ok' : 'test-report failed'} data-testid="test-report">
      <p className="verdict" role={result.ok ? 'status' : 'alert'}>{result.verdict}</p>
      {result.code !== null && <p className="muted">Server replied: {result.reply ?? result.code}</p>}
      {offers && <p className="muted">Server offers: {offers}</p>}
      {cert && (
        <div className="certificate">
          <p className="muted">
            Certificate for {cert.names.join(', ') || cert.subject}, issued by {cert.issuer}{cert.selfSigned ? ' (self-signed)' : ''}, valid until {cert.validTo.slice(0, 10)}
          </p>
          <p className="fingerprint">SHA-256 <code>{cert.fingerprint}</code></p>
          {!result.certificateTrusted && (
            <button type="button" onClick={() => onPin(cert.fingerprint)}>
              Trust this certificate
            </button>
          )}
        </div>
      )}
      <details>
        <summary>Transcript</summary>
        <pre data-testid="transcript">{result.transcript}</pre>
      </details>
    </div>
  );
}

interface EditorProps {
  account: AccountView | null;
  providers: OAuthProviderView[];
  onSaved: (account: AccountView) => void;
  /** null when there is nothing to go back to. */
  onCancel: (() => void) | null;
}

function AccountEditor({ account, providers, onSaved, onCancel }: EditorProps) {
  const label = (provider: OAuthProvider) => nameOf(providers, provider);
  const [form, setForm] = useState<AccountForm>(() => (account ? formOf(account) : emptyForm()));
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
    }));
  }

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
      setErrors(placeError(error, ACCOUNT_FIELDS));
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
    setBusy(signIn ? 'signing-in' : 'saving');
    const input = inputOf(form, account?.id);
    const result = signIn && form.signInWith !== 'password'
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
              <Field id="account-client-id" label="OAuth client ID" error={errors.fields.clientId} hint={`The app registration Outbound signs in with at ${label(provider)}.`}>
                {(p) => <input {...p} value={form.clientId} onChange={set('clientId')} autoComplete="off" spellCheck={false} className="mono" />}
              </Field>
              <Field id="account-client-secret" label="Client secret" error={errors.fields.clientSecret} hint="Only if your app registration has one. Kept in your system keychain.">
                {(p) => <input {...p} type="password" value={form.clientSecret} onChange={set('clientSecret')} autoComplete="off" />}
              </Field>
            </div>
          </>
        )}
      </fieldset>
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
