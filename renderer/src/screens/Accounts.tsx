import { useCallback, useEffect, useState } from 'react';
import type { AccountView, ConnectionTestView, Result } from '../../../preload/common/contract/index.ts';
import { nameOf } from '../accounts/account-form.ts';
import { AccountEditor } from '../accounts/AccountEditor.tsx';
import { AccountSetup } from '../accounts/AccountSetup.tsx';
import { TestReport } from '../accounts/TestReport.tsx';
import { useProviders } from '../accounts/use-providers.ts';
import { Banner } from '../components/Banner.tsx';
import { TryTestInbox } from '../components/TryTestInbox.tsx';
import { useHasTestInbox } from '../live.ts';
import './Accounts.css';

/** null: no form open; 'new': adding (the one-step setup); an account: editing it (the full form). */
type Editing = null | 'new' | AccountView;

export function Accounts() {
  const [accounts, setAccounts] = useState<AccountView[] | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const [editing, setEditing] = useState<Editing>(null);
  const [confirmingDelete, setConfirmingDelete] = useState<number | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  /** The last connection test of each account, shown under its card. */
  const [tests, setTests] = useState<Record<number, ConnectionTestView | 'running'>>({});
  const providers = useProviders();
  /** Offered until this data directory has one. */
  const testInbox = useHasTestInbox();

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
                      : account.username
                        ? `signs in as ${account.username} (password from ${account.secretSource})`
                        : 'no sign-in'}
                    {account.tlsFingerprint && ' · certificate pinned'}
                  </p>
                  {account.imap && (
                    <p className="muted" data-testid="account-imap">
                      {account.sentCopy === 'never'
                        ? `No copy in Sent (IMAP ${account.imap.host}:${account.imap.port})`
                        : `Copies in ${account.imap.sentFolder ? `“${account.imap.sentFolder}”` : 'Sent'} on ${account.imap.host}:${account.imap.port} · ${account.imap.security}`}
                      {account.sentCopy === 'auto' && account.imap.filesSentItself && ' · the server files them itself'}
                    </p>
                  )}
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
                    <DeleteChoice
                      account={account}
                      others={accounts.filter((a) => a.id !== account.id)}
                      onChoose={(q, to) => void remove(account, q, to)}
                      onCancel={() => setConfirmingDelete(null)}
                    />
                  ) : (
                    <>
                      <button type="button" onClick={() => void test(account)} disabled={last === 'running'} aria-label={`Test connection of ${account.name}`}>
                        Test connection
                      </button>
                      {!account.isDefault && (
                        <button
                          type="button"
                          onClick={() => void change(window.outbound.accounts.makeDefault(account.id), `${account.name} is now the default account.`)}
                        >
                          Make default
                        </button>
                      )}
                      <button
                        type="button"
                        onClick={() => {
                          setStatus(null);
                          setEditing(account);
                        }}
                        aria-label={`Edit ${account.name}`}
                      >
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
      {testInbox === false && (
        <TryTestInbox
          onAdded={(account) => {
            setEditing(null);
            setStatus(`Added ${account.name}: mail from it is kept by Outbound's own server on this computer (see Test inbox).`);
            void reload();
          }}
        />
      )}
      {editing === null ? (
        <button
          type="button"
          className="primary"
          onClick={() => {
            setStatus(null);
            setEditing('new');
          }}
        >
          Add account
        </button>
      ) : editing === 'new' ? (
        <AccountSetup
          takenNames={(accounts ?? []).map((a) => a.name)}
          onSaved={saved}
          onCancel={accounts && accounts.length > 0 ? () => setEditing(null) : null}
        />
      ) : (
        <AccountEditor key={editing.id} account={editing} providers={providers} onSaved={saved} onCancel={() => setEditing(null)} />
      )}
    </section>
  );
}

/** Deleting asks what happens to mail still in the outbox: nothing is left without an account. */
function DeleteChoice({
  account,
  others,
  onChoose,
  onCancel,
}: {
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
        <button type="button" className="danger" onClick={() => onChoose('refuse')}>
          Yes, delete
        </button>
        <button type="button" onClick={onCancel}>
          Keep it
        </button>
      </div>
    );
  }
  const n = account.waiting === 1 ? '1 message' : `${account.waiting} messages`;
  return (
    <div className="confirm delete-choice" role="group" aria-label={`Delete ${account.name}?`}>
      <span>
        {account.name} still has {n} in the outbox. What should happen to {account.waiting === 1 ? 'it' : 'them'}?
      </span>
      <button type="button" className="danger" onClick={() => onChoose('cancel')}>
        Cancel {n} and delete
      </button>
      {others.length > 0 && (
        <span className="move">
          <select aria-label="Send them from" value={target} onChange={(e) => setTarget(Number(e.target.value))}>
            {others.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>
          <button type="button" onClick={() => onChoose('move', target)}>
            Move and delete
          </button>
        </span>
      )}
      <button type="button" onClick={onCancel}>
        Keep it
      </button>
    </div>
  );
}
