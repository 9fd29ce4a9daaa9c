import { useEffect, useState } from 'react';
import type { DesktopView, Result, Settings } from '../../../preload/common/contract/index.ts';
import { Banner } from '../components/Banner.tsx';
import { useSettings } from '../live.ts';

/**
 * What takes effect at once, beside the form: pausing all sending, and what Outbound is to this
 * computer (started at login, the mail app for mailto: links). The desktop app alone can change
 * the latter; elsewhere the rows say so.
 */
export function DesktopSettings() {
  const settings = useSettings();
  const [desktop, setDesktop] = useState<DesktopView | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void window.outbound.desktop.get().then((result) => (result.ok ? setDesktop(result.value) : setError(result.error.message)));
  }, []);

  // A checkbox shows the click at once and keeps showing it until the settings it was clicked on
  // are replaced (settingsChanged, which may come before or after the save's answer); a refusal
  // puts it back, with why.
  const [pauseClicked, setPauseClicked] = useState<{ paused: boolean; on: Settings | null } | null>(null);
  async function change<T>(action: Promise<Result<T>>, then: (value: T) => void = () => undefined) {
    const result = await action;
    setError(result.ok ? null : result.error.message);
    if (result.ok) then(result.value);
    return result.ok;
  }
  async function pause(paused: boolean) {
    setPauseClicked({ paused, on: settings });
    if (!(await change(window.outbound.settings.save({ sendingPaused: paused })))) setPauseClicked(null);
  }
  const pausedShown = pauseClicked !== null && pauseClicked.on === settings ? pauseClicked.paused : (settings?.sendingPaused ?? false);
  async function startAtLoginSet(on: boolean) {
    setDesktop((shown) => shown && { ...shown, startAtLogin: on });
    const result = await window.outbound.desktop.setStartAtLogin(on);
    setError(result.ok ? null : result.error.message);
    setDesktop((shown) => (result.ok ? result.value : shown && { ...shown, startAtLogin: !on }));
  }

  // null: this host cannot tell (the browser host), or not loaded yet.
  const startAtLogin = desktop?.startAtLogin ?? null;
  const defaultMailApp = desktop?.defaultMailApp ?? null;
  const onlyInTheApp = desktop === null ? '' : 'Only the desktop app can change this.';
  return (
    <>
      <section className="form settings-group" aria-labelledby="settings-sending">
        <h2 id="settings-sending">Sending</h2>
        <Banner kind="error">{error}</Banner>
        <label className="check">
          <input type="checkbox" checked={pausedShown} disabled={settings === null} onChange={(e) => void pause(e.target.checked)} />
          Pause all sending
        </label>
        <p className="hint">Nothing is sent, by the app or the command line, until you resume. Messages wait in the Outbox.</p>
      </section>
      <section className="form settings-group" aria-labelledby="settings-computer">
        <h2 id="settings-computer">This computer</h2>
        <label className="check">
          <input type="checkbox" checked={startAtLogin ?? false} disabled={startAtLogin === null} onChange={(e) => void startAtLoginSet(e.target.checked)} />
          Start Outbound when I log in
        </label>
        <p className="hint">
          {startAtLogin === null
            ? onlyInTheApp
            : 'It starts in the tray with no window and sends what waits, scheduled mail included; with nothing waiting it quits again.'}
        </p>
        <div className="setting-row">
          <p className="setting-state" data-testid="default-mail-app">
            <strong>Default mail app:</strong>{' '}
            {defaultMailApp === null ? onlyInTheApp : defaultMailApp ? 'Outbound opens mailto: links.' : 'another app opens mailto: links.'}
          </p>
          {defaultMailApp === false && (
            <button type="button" onClick={() => void change(window.outbound.desktop.makeDefaultMailApp(), setDesktop)}>
              Make Outbound the default mail app
            </button>
          )}
        </div>
      </section>
    </>
  );
}
