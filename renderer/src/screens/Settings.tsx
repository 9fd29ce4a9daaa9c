import { useEffect, useState, type FormEvent } from 'react';
import { Banner } from '../components/Banner.tsx';
import { Field } from '../components/Field.tsx';
import { noErrors, placeError, type FormErrors } from '../form-errors.ts';
import { DesktopSettings } from './DesktopSettings.tsx';

const MAX_UNDO_SECONDS = 30;
type SettingsField = 'undoSeconds';

export function Settings() {
  const [undoSeconds, setUndoSeconds] = useState<string | null>(null);
  const [errors, setErrors] = useState<FormErrors<SettingsField>>(noErrors);
  const [status, setStatus] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    void window.outbound.settings.get().then((result) => {
      if (!live) return;
      if (result.ok) setUndoSeconds(String(result.value.undoSeconds));
      else setErrors({ fields: {}, banner: result.error.message });
    });
    return () => {
      live = false;
    };
  }, []);

  async function save(event: FormEvent) {
    event.preventDefault();
    setStatus(null);
    const seconds = Number(undoSeconds);
    if (!/^\d+$/.test(undoSeconds?.trim() ?? '') || seconds > MAX_UNDO_SECONDS) {
      setErrors({ fields: { undoSeconds: `Enter a whole number of seconds from 0 to ${MAX_UNDO_SECONDS}.` }, banner: null });
      return;
    }
    const result = await window.outbound.settings.save({ undoSeconds: seconds });
    if (!result.ok) {
      setErrors(placeError(result.error, ['undoSeconds']));
      return;
    }
    setErrors(noErrors());
    setUndoSeconds(String(result.value.undoSeconds));
    setStatus(result.value.undoSeconds === 0 ? 'Saved: Send sends at once, with no undo.' : `Saved: Send can be undone for ${result.value.undoSeconds} s.`);
  }

  if (undoSeconds === null) return <Banner kind="error">{errors.banner}</Banner>;
  return (
    <>
      <form className="form settings" onSubmit={(e) => void save(e)} noValidate aria-label="Settings">
        <Banner kind="error">{errors.banner}</Banner>
        <Banner kind="success">{status}</Banner>
        <Field
          id="settings-undo-seconds"
          label="Undo window (seconds)"
          error={errors.fields.undoSeconds}
          hint={
            <>
              After Send, the message waits this long so you can take it back: 0 to {MAX_UNDO_SECONDS} s. The command line sends at once unless given{' '}
              <code className="nowrap">--delay</code>.
            </>
          }
        >
          {(p) => (
            <input
              {...p}
              type="number"
              inputMode="numeric"
              min={0}
              max={MAX_UNDO_SECONDS}
              step={1}
              value={undoSeconds}
              onChange={(e) => setUndoSeconds(e.target.value)}
            />
          )}
        </Field>
        <div className="actions">
          <button type="submit" className="primary">
            Save
          </button>
        </div>
      </form>
      <DesktopSettings />
    </>
  );
}
