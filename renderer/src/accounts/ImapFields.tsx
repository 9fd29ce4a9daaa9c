import type { AccountView, ImapSecurity, SentCopyMode } from '../../../preload/common/contract/index.ts';
import { Field } from '../components/Field.tsx';
import type { FormErrors } from '../form-errors.ts';
import { DEFAULT_IMAP_PORT, SECURITY_LABEL, SENT_COPY_LABEL, type AccountField, type AccountForm } from './account-form.ts';

interface ImapFieldsProps {
  form: AccountForm;
  setForm: (change: (form: AccountForm) => AccountForm) => void;
  errors: FormErrors<AccountField>['fields'];
  /** The account as saved: what the first copy found out about its server. */
  account: AccountView | null;
}

/** The IMAP server that keeps a copy of each sent message in Sent, and whether it should. */
export function ImapFields({ form, setForm, errors, account }: ImapFieldsProps) {
  const set = (field: AccountField) => (event: { target: { value: string } }) => setForm((f) => ({ ...f, [field]: event.target.value }));
  const setSecurity = (imapSecurity: ImapSecurity) =>
    setForm((f) => ({
      ...f,
      imapSecurity,
      imapPort: f.imapPort === '' || f.imapPort === DEFAULT_IMAP_PORT[f.imapSecurity] ? DEFAULT_IMAP_PORT[imapSecurity] : f.imapPort,
    }));
  const on = form.imapHost.trim() !== '';
  // On the SMTP host the account's pinned certificate applies to IMAP too.
  const ownPin = on && form.imapHost.trim().toLowerCase() !== form.host.trim().toLowerCase();
  const filesItself = account?.imap?.host === form.imapHost.trim().toLowerCase() ? account.imap.filesSentItself : null;
  return (
    <fieldset>
      <legend>Copy in Sent (IMAP)</legend>
      <p className="hint">So that your phone and webmail see what you send: Outbound puts a copy of each sent message in the Sent folder of your mailbox.</p>
      <div className="grid">
        <Field id="account-imap-host" label="IMAP server" error={errors.imapHost} hint="e.g. imap.example.org. Leave empty to keep no copy.">
          {(p) => <input {...p} value={form.imapHost} onChange={set('imapHost')} autoComplete="off" spellCheck={false} />}
        </Field>
        <Field id="account-imap-security" label="IMAP security" error={errors.imapSecurity}>
          {(p) => (
            <select {...p} value={form.imapSecurity} onChange={(e) => setSecurity(e.target.value as ImapSecurity)} disabled={!on}>
              {(Object.keys(DEFAULT_IMAP_PORT) as ImapSecurity[]).map((s) => (
                <option key={s} value={s}>
                  {SECURITY_LABEL[s]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="account-imap-port" label="IMAP port" error={errors.imapPort} hint={`Usually ${DEFAULT_IMAP_PORT[form.imapSecurity]} with this security.`}>
          {(p) => <input {...p} inputMode="numeric" value={form.imapPort} onChange={set('imapPort')} autoComplete="off" disabled={!on} />}
        </Field>
      </div>
      {on && (
        <div className="grid">
          <Field
            id="account-imap-username"
            label="IMAP username"
            error={errors.imapUsername}
            hint="Leave empty to use the SMTP username; the password is the same."
          >
            {(p) => <input {...p} value={form.imapUsername} onChange={set('imapUsername')} autoComplete="off" spellCheck={false} />}
          </Field>
          <Field id="account-imap-sent-folder" label="Sent folder" error={errors.imapSentFolder} hint="Leave empty to use the folder the server marks as Sent.">
            {(p) => <input {...p} value={form.imapSentFolder} onChange={set('imapSentFolder')} autoComplete="off" spellCheck={false} />}
          </Field>
          <Field id="account-sent-copy" label="Keep a copy in Sent" error={errors.sentCopy}>
            {(p) => (
              <select {...p} value={form.sentCopy} onChange={(e) => setForm((f) => ({ ...f, sentCopy: e.target.value as SentCopyMode }))}>
                {(Object.keys(SENT_COPY_LABEL) as SentCopyMode[]).map((mode) => (
                  <option key={mode} value={mode}>
                    {SENT_COPY_LABEL[mode]}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
      )}
      {ownPin && (
        <Field
          id="account-imap-tls-fingerprint"
          label="IMAP pinned certificate (SHA-256)"
          error={errors.imapTlsFingerprint}
          hint="Only for an IMAP server whose certificate your system does not trust. Leave empty otherwise."
        >
          {(p) => <input {...p} value={form.imapTlsFingerprint} onChange={set('imapTlsFingerprint')} autoComplete="off" spellCheck={false} className="mono" />}
        </Field>
      )}
      {on && form.sentCopy === 'auto' && filesItself !== null && (
        <p className="hint" data-testid="files-sent-itself">
          {filesItself
            ? 'This server files what you send in Sent itself, so Outbound adds no copy.'
            : 'This server does not file what you send: Outbound adds the copy.'}
        </p>
      )}
    </fieldset>
  );
}
