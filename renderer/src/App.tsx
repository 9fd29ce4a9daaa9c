import { useCallback, useEffect, useState } from 'react';
import type { DraftView, MailtoView, MessageView } from '../../preload/common/contract/index.ts';
import { OpenComposer } from './components/TakeOut.tsx';
import { useConnectivity, useHasTestInbox } from './live.ts';
import { SCREENS, TITLES, type Screen } from './navigation.ts';
import { Accounts } from './screens/Accounts.tsx';
import { Compose } from './screens/Compose.tsx';
import { Drafts } from './screens/Drafts.tsx';
import { Outbox } from './screens/Outbox.tsx';
import { Sent } from './screens/Sent.tsx';
import { Settings } from './screens/Settings.tsx';
import { TestInbox } from './screens/TestInbox.tsx';

/** Messages that failed for good since the app opened, until dismissed or dealt with. */
function useFailures() {
  const [failures, setFailures] = useState<MessageView[]>([]);
  useEffect(
    () =>
      window.outbound.onOutboxChanged((change) => {
        if (change.state !== 'failed') {
          // Retried, edited or cancelled: nothing left to alert about.
          setFailures((all) => all.filter((m) => m.id !== change.id));
          return;
        }
        void window.outbound.outbox.list().then((result) => {
          const failed = result.ok ? result.value.find((m) => m.id === change.id && m.state === 'failed') : undefined;
          if (failed) setFailures((all) => [...all.filter((m) => m.id !== failed.id), failed]);
        });
      }),
    [],
  );
  const dismiss = (id: number) => setFailures((all) => all.filter((m) => m.id !== id));
  return { failures, dismiss };
}

/** A fresh composer, from the default account: empty (New Message) or prefilled by a mailto: link the system opened with Outbound. */
function newMessage(open: (draft: DraftView) => void, link: MailtoView = { to: [], cc: [], bcc: [], subject: '', text: '' }): void {
  void window.outbound.accounts.list().then((accounts) => {
    const from = accounts.ok ? (accounts.value.find((a) => a.isDefault) ?? accounts.value[0]) : undefined;
    open({ ...link, accountId: from?.id ?? 0, identityId: null, html: null, replyTo: null, attachments: [], inline: [] });
  });
}

/** The desktop app's menu and its shortcuts: screens here; Send and Send Later are the composer's (Compose.tsx). */
function useMenuCommands(goTo: (screen: Screen) => void, open: (draft: DraftView) => void): void {
  useEffect(
    () =>
      window.outbound.onMenuCommand((command) => {
        if (command === 'newMessage') newMessage(open);
        else if (command === 'outbox' || command === 'sent' || command === 'settings') goTo(command);
      }),
    [goTo, open],
  );
}

/**
 * After the first scheduled message, the desktop app offers once to start at login: scheduled mail
 * goes only while Outbound runs.
 */
function useStartAtLoginOffer() {
  const [offered, setOffered] = useState(false);
  const [answer, setAnswer] = useState<string | null>(null);
  const scheduled = useCallback(() => {
    void window.outbound.desktop.offerStartAtLogin().then((result) => setOffered(result.ok && result.value));
  }, []);
  async function accept() {
    const result = await window.outbound.desktop.setStartAtLogin(true);
    setAnswer(result.ok ? null : result.error.message);
    if (result.ok) setOffered(false);
  }
  const offer = offered && (
    <div className="alert notice" role="status" data-testid="start-at-login-offer">
      <p>
        <strong>Scheduled mail goes only while Outbound runs.</strong> Start Outbound when you log in, so it sends on time after a restart? {answer}
      </p>
      <div className="actions">
        <button type="button" className="primary" onClick={() => void accept()}>
          Start at login
        </button>
        <button type="button" onClick={() => setOffered(false)}>
          Not now
        </button>
      </div>
    </div>
  );
  return { scheduled, offer };
}

export function App() {
  const [screen, setScreen] = useState<Screen>('compose');
  /** A message taken back from the outbox or a draft opened, with a count so that each Edit opens a fresh composer. */
  const [restored, setRestored] = useState<{ draft: DraftView; count: number } | null>(null);
  const online = useConnectivity();
  const { failures, dismiss } = useFailures();

  const goTo = useCallback((next: Screen) => {
    setRestored(null);
    setScreen(next);
  }, []);

  const edit = useCallback((draft: DraftView) => {
    setRestored((r) => ({ draft, count: (r?.count ?? 0) + 1 }));
    setScreen('compose');
  }, []);
  useEffect(() => window.outbound.onMailtoOpened((link) => newMessage(edit, link)), [edit]);
  useMenuCommands(goTo, edit);
  const { scheduled, offer } = useStartAtLoginOffer();
  // Its screen is listed once there is one.
  const hasTestInbox = useHasTestInbox() === true;

  const page = (
    <div className="app">
      <nav className="nav" aria-label="Main">
        <span className="brand">Outbound</span>
        <ul>
          {SCREENS.filter((s) => s !== 'testInbox' || hasTestInbox || screen === s).map((s) => (
            <li key={s}>
              <button type="button" aria-current={s === screen ? 'page' : undefined} onClick={() => goTo(s)}>
                {TITLES[s]}
              </button>
            </li>
          ))}
        </ul>
        <p className={`connectivity ${online === false ? 'offline' : 'online'}`} role="status" data-testid="connectivity">
          {online !== null && (
            <>
              <span className="dot" aria-hidden="true" />
              {online ? 'Online' : 'Offline: mail waits in the Outbox'}
            </>
          )}
        </p>
      </nav>
      <main className="screen" aria-labelledby="screen-title">
        {failures.map((m) => (
          <div key={m.id} className="alert" role="alert" data-testid="failure-alert">
            <p>
              <strong>“{m.subject || '(no subject)'}” could not be sent.</strong> {m.lastError}
            </p>
            <div className="actions">
              {screen !== 'outbox' && (
                <button type="button" className="primary" onClick={() => goTo('outbox')}>
                  Open Outbox
                </button>
              )}
              <button type="button" onClick={() => dismiss(m.id)}>
                Dismiss
              </button>
            </div>
          </div>
        ))}
        {offer}
        <h1 id="screen-title">{TITLES[screen]}</h1>
        {screen === 'compose' && <Compose key={restored?.count ?? 0} online={online} restored={restored?.draft ?? null} onScheduled={scheduled} />}
        {screen === 'drafts' && <Drafts onOpen={edit} />}
        {screen === 'outbox' && <Outbox online={online} onEdit={edit} />}
        {screen === 'sent' && <Sent />}
        {screen === 'testInbox' && <TestInbox />}
        {screen === 'accounts' && <Accounts />}
        {screen === 'settings' && <Settings />}
      </main>
    </div>
  );
  // A message opened anywhere (Sent) can become a new one in the composer.
  return <OpenComposer.Provider value={edit}>{page}</OpenComposer.Provider>;
}
