import { useState } from 'react';
import { Accounts } from './screens/Accounts.tsx';
import { Compose } from './screens/Compose.tsx';
import { Messages } from './screens/Messages.tsx';

const SCREENS = ['compose', 'outbox', 'sent', 'accounts'] as const;
export type Screen = (typeof SCREENS)[number];

const TITLES: Record<Screen, string> = { compose: 'Compose', outbox: 'Outbox', sent: 'Sent', accounts: 'Accounts' };

export function App() {
  const [screen, setScreen] = useState<Screen>('compose');
  return (
    <div className="app">
      <nav className="nav" aria-label="Main">
        <span className="brand">Outbound</span>
        <ul>
          {SCREENS.map((s) => (
            <li key={s}>
              <button type="button" aria-current={s === screen ? 'page' : undefined} onClick={() => setScreen(s)}>
                {TITLES[s]}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <main className="screen" aria-labelledby="screen-title">
        <h1 id="screen-title">{TITLES[screen]}</h1>
        {screen === 'compose' && <Compose onGoTo={setScreen} />}
        {screen === 'outbox' && <Messages kind="outbox" />}
        {screen === 'sent' && <Messages kind="sent" />}
        {screen === 'accounts' && <Accounts />}
      </main>
    </div>
  );
}
