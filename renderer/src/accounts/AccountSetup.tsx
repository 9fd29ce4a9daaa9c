import { useRef, useState, type FormEvent } from 'react';
import type { AccountView, ApiError, ConnectionTestView, DiscoveryView, OAuthProvider, OAuthProviderView } from '../../../preload/common/contract/index.ts';
import { testPassed } from '../../../preload/common/contract/verdict.ts';
import { Banner } from '../components/Banner.tsx';
import { Field } from '../components/Field.tsx';
import { noErrors, placeError, type FormErrors } from '../form-errors.ts';
import { inputOf, nameOf, SECURITY_LABEL, SOURCE_LABEL, type AccountForm } from './account-form.ts';
import { AccountEditor } from './AccountEditor.tsx';
import { formFrom, providerForm, QUICK_FIELDS, whatToDo, type QuickField, type QuickForm } from './setup.ts';
import { SetupProgress, type SetupStage } from './SetupProgress.tsx';
import { TestReport } from './TestReport.tsx';
import { useProviders } from './use-providers.ts';
import './setup.css';

/** Where the setup is: the three fields; a step under way; a failed test to decide about; a provider that wants its own sign-in; the full form. */
type Step =
  | { kind: 'form' }
  | { kind: 'working'; stage: SetupStage; form: AccountForm | null; found: DiscoveryView | null }
  | { kind: 'failed'; form: AccountForm; found: DiscoveryView; test: ConnectionTestView }
  | { kind: 'provider'; form: AccountForm; found: DiscoveryView; provider: OAuthProvider }
  | { kind: 'manual'; form: AccountForm; notice: string | null };

interface SetupProps {
  /** The names of the accounts there are: the new one gets another. */
  takenNames: readonly string[];
  onSaved: (account: AccountView) => void;
  /** null when there is nothing to go back to (the first run). */
  onCancel: (() => void) | null;
}

/**
 * Adding an account in one step: name, address and password (or a provider's sign-in); Outbound finds
 * the settings, tests them and saves only on a pass, or when the person chooses to after reading why
 * it failed. The full form is behind "Edit settings", prefilled with what was found.
 */
export function AccountSetup({ takenNames, onSaved, onCancel }: SetupProps) {
  const providers = useProviders();
  const [quick, setQuick] = useState<QuickForm>({ displayName: '', email: '', password: '' });
  const [errors, setErrors] = useState<FormErrors<QuickField>>(noErrors);
  const [step, setStep] = useState<Step>({ kind: 'form' });
  // Each run has a number; Cancel starts a new one, so answers of the old one are let go unseen.
  const run = useRef(0);
  const begin = () => {
    run.current += 1;
    const mine = run.current;
    return () => run.current === mine;
  };

  /** An error about what the person typed goes back to the three fields; the full form takes any other. */
  function refused(error: ApiError, form: AccountForm | null) {
    const placed = placeError(error, QUICK_FIELDS);
    if (form && placed.banner !== null) return setStep({ kind: 'manual', form, notice: placed.banner });
    setErrors(placed);
    setStep({ kind: 'form' });
  }

  async function findAndTest(event: FormEvent) {
    event.preventDefault();
    if (!quick.email.includes('@')) {
      setErrors({ fields: { email: 'Enter your email address, e.g. ann@example.org: the settings are found from it.' }, banner: null });
      return;
    }
    const current = begin();
    setErrors(noErrors);
    setStep({ kind: 'working', stage: 'finding', form: null, found: null });
    const discovered = await window.outbound.accounts.discover(quick.email);
    if (!current()) return;
    if (!discovered.ok) {
      if (discovered.error.code !== 'not_found') return refused(discovered.error, null);
      return setStep({ kind: 'manual', form: formFrom(quick, null, takenNames), notice: discovered.error.message });
    }
    const found = discovered.value;
    const form = formFrom(quick, found, takenNames);
    if (found.oauth2) return setStep({ kind: 'provider', form, found, provider: found.oauth2 });
    await testAndSave(form, found, current);
  }

  async function testAndSave(form: AccountForm, found: DiscoveryView, current = begin()) {
    setStep({ kind: 'working', stage: 'testing', form, found });
    const tested = await window.outbound.accounts.testSettings(inputOf(form, undefined));
    if (!current()) return;
    if (!tested.ok) return refused(tested.error, form);
    if (!testPassed(tested.value)) return setStep({ kind: 'failed', form, found, test: tested.value });
    await save(form, found, current);
  }

  async function save(form: AccountForm, found: DiscoveryView | null, current = begin()) {
    setStep({ kind: 'working', stage: 'saving', form, found });
    const saved = await window.outbound.accounts.save(inputOf(form, undefined));
    if (!current()) return;
    if (saved.ok) onSaved(saved.value);
    else refused(saved.error, form);
  }

  async function signIn(provider: OAuthProviderView, form: AccountForm, found: DiscoveryView | null) {
    if (!form.email.includes('@')) {
      setErrors({ fields: { email: `Enter your email address first: it is the account you sign in to at ${provider.name}.` }, banner: null });
      return;
    }
    const current = begin();
    const signingIn = providerForm(form, provider, found);
    setStep({ kind: 'working', stage: 'signing-in', form: signingIn, found });
    const result = await window.outbound.accounts.signIn({ provider: provider.provider, account: inputOf(signingIn, undefined) });
    if (!current()) return;
    if (result.ok) onSaved(result.value);
    else refused(result.error, signingIn);
  }

  const cancel = () => {
    begin();
    setStep({ kind: 'form' });
  };
  const editSettings = (form: AccountForm) => setStep({ kind: 'manual', form, notice: null });
  const set = (field: QuickField) => (event: { target: { value: string } }) => setQuick((q) => ({ ...q, [field]: event.target.value }));
  const provider = (id: OAuthProvider) => providers.find((p) => p.provider === id);

  if (step.kind === 'manual') {
    return (
      <div className="setup-manual">
        {step.notice && (
          <p className="setup-notice" role="status" data-testid="setup-notice">
            {step.notice}
          </p>
        )}
        <AccountEditor account={null} prefill={step.form} providers={providers} onSaved={onSaved} onCancel={() => setStep({ kind: 'form' })} />
      </div>
    );
  }
  if (step.kind === 'working') {
    return <SetupProgress stage={step.stage} email={quick.email} form={step.form} found={step.found} providers={providers} onCancel={cancel} />;
  }
  if (step.kind === 'failed') {
    return (
      <section className="form setup" aria-labelledby="setup-title" data-testid="setup-failed">
        <h2 id="setup-title">The test did not pass</h2>
        <p className="muted">
          Found {step.found.host}:{step.found.port} ({SECURITY_LABEL[step.found.security]}) {SOURCE_LABEL[step.found.source]}. Nothing is saved yet.
        </p>
        <TestReport
          result={step.test}
          advice={whatToDo(step.test)}
          onPin={(fingerprint) => void testAndSave({ ...step.form, tlsFingerprint: fingerprint }, step.found)}
        />
        <div className="actions">
          <button type="button" onClick={() => setStep({ kind: 'form' })}>
            Try again
          </button>
          <button type="button" onClick={() => editSettings(step.form)}>
            Edit settings
          </button>
          <button type="button" onClick={() => void save(step.form, step.found)}>
            Save anyway
          </button>
        </div>
      </section>
    );
  }
  if (step.kind === 'provider') {
    const wanted = provider(step.provider);
    const name = nameOf(providers, step.provider);
    return (
      <section className="form setup" aria-labelledby="setup-title" data-testid="setup-provider">
        <h2 id="setup-title">Sign in with {name}</h2>
        <p>
          {step.form.email} is at {name}, which wants you to sign in in your web browser rather than give Outbound your password. Outbound keeps only the
          permission to send, in your system keychain.
        </p>
        <div className="actions">
          {wanted && (
            <button type="button" className="primary" onClick={() => void signIn(wanted, step.form, step.found)}>
              Sign in with {name}
            </button>
          )}
          <button type="button" onClick={() => void testAndSave(step.form, step.found)}>
            Use the password instead
          </button>
          <button type="button" onClick={() => setStep({ kind: 'form' })}>
            Back
          </button>
        </div>
      </section>
    );
  }
  return (
    <form className="form setup" onSubmit={(e) => void findAndTest(e)} noValidate aria-labelledby="setup-title">
      <h2 id="setup-title">Add an account</h2>
      <p className="hint">Your address and password are all it takes: Outbound finds your provider’s settings and tests them before saving anything.</p>
      <Banner kind="error">{errors.banner}</Banner>
      <div className="setup-fields">
        <Field id="setup-display-name" label="Your name" error={errors.fields.displayName} hint="What recipients see beside your address.">
          {(p) => <input {...p} value={quick.displayName} onChange={set('displayName')} autoComplete="name" />}
        </Field>
        <Field id="setup-email" label="Email address" error={errors.fields.email}>
          {(p) => <input {...p} type="email" value={quick.email} onChange={set('email')} aria-required autoComplete="email" spellCheck={false} />}
        </Field>
        <Field id="setup-password" label="Password" error={errors.fields.password} hint="Kept in your system keychain.">
          {(p) => <input {...p} type="password" value={quick.password} onChange={set('password')} autoComplete="current-password" />}
        </Field>
      </div>
      <div className="actions">
        <button type="submit" className="primary">
          Continue
        </button>
        <button type="button" onClick={() => editSettings(formFrom(quick, null, takenNames))}>
          Edit settings
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
      {providers.length > 0 && (
        <div className="setup-providers">
          <p className="muted">Or, for an account at one of them:</p>
          <div className="actions">
            {providers.map((p) => (
              <button key={p.provider} type="button" onClick={() => void signIn(p, formFrom(quick, null, takenNames), null)}>
                Sign in with {p.name}
              </button>
            ))}
          </div>
        </div>
      )}
    </form>
  );
}
