import type { DiscoveryView, OAuthProviderView } from '../../../preload/common/contract/index.ts';
import { nameOf, SECURITY_LABEL, SOURCE_LABEL, type AccountForm } from './account-form.ts';

export type SetupStage = 'finding' | 'testing' | 'signing-in' | 'saving';

interface ProgressProps {
  stage: SetupStage;
  email: string;
  /** The settings being tested or saved; null while they are being found. */
  form: AccountForm | null;
  found: DiscoveryView | null;
  providers: OAuthProviderView[];
  onCancel: () => void;
}

/** Which step the setup is at, what the ones before it found, and a way out: each step gives up by itself after a few seconds' silence. */
export function SetupProgress({ stage, email, form, found, providers, onCancel }: ProgressProps) {
  const domain = email.slice(email.lastIndexOf('@') + 1);
  const provider = form && form.signInWith !== 'password' ? nameOf(providers, form.signInWith) : null;
  const order: SetupStage[] = ['finding', provider ? 'signing-in' : 'testing', 'saving'];
  const at = order.indexOf(stage);
  const state = (index: number) => (index < at ? 'done' : index === at ? 'current' : 'waiting');
  const imap = form?.imapHost ? ` and the copy in Sent at ${form.imapHost}:${form.imapPort}` : '';
  const steps = [
    found
      ? `Found ${found.host}:${found.port} (${SECURITY_LABEL[found.security]}) ${SOURCE_LABEL[found.source]}`
      : form
        ? `The server ${form.host}:${form.port} (${SECURITY_LABEL[form.security]})`
        : `Finding the settings for ${domain}…`,
    provider
      ? `Signing in with ${provider} in your browser: finish there, Outbound waits here`
      : form
        ? `Testing the connection to ${form.host}:${form.port}${imap}${stage === 'testing' ? '…' : ''}`
        : 'Testing the connection',
    stage === 'saving' ? 'Saving the account…' : 'Saving the account',
  ];
  return (
    <section className="form setup" aria-labelledby="setup-title" aria-busy="true" data-testid="setup-progress">
      <h2 id="setup-title">Setting up {email}</h2>
      <ol className="setup-steps">
        {steps.map((text, index) => (
          <li key={order[index]} className={state(index)} aria-current={index === at ? 'step' : undefined}>
            {text}
          </li>
        ))}
      </ol>
      <p className="visually-hidden" role="status">
        {steps[at]}
      </p>
      <div className="actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </section>
  );
}
