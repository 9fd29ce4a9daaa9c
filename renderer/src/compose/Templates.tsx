import { useCallback, useEffect, useState } from 'react';
import type { TemplateView } from '../../../preload/common/contract/index.ts';
import type { ComposerAction, Message } from './composer-state.ts';
import type { FromChoice } from './from-choices.ts';

type Body = Extract<ComposerAction, { type: 'templateApplied' }>['body'];
const bodyOf = (m: Pick<Message, 'mode' | 'text' | 'html'>): Body => (m.mode === 'rich' ? { mode: 'rich', html: m.html } : { mode: 'plain', text: m.text });

/**
 * Start from a template (its subject and body in place of the message's, with an undo), or save the
 * message as one for this From. Templates for any From and for this one are offered.
 */
export function Templates({ from, message, dispatch }: { from: FromChoice; message: Message; dispatch: (action: ComposerAction) => void }) {
  const [templates, setTemplates] = useState<TemplateView[]>([]);
  const [naming, setNaming] = useState<string | null>(null);
  const [status, setStatus] = useState<{ text: string; undo?: () => void } | null>(null);
  const load = useCallback(() => void window.outbound.templates.list().then((result) => result.ok && setTemplates(result.value)), []);
  useEffect(load, [load]);
  const forThisFrom = templates.filter(
    (t) => t.accountId === null || (t.accountId === from.accountId && (t.identityId === null || t.identityId === from.identityId)),
  );

  function apply(id: string) {
    const template = forThisFrom.find((t) => String(t.id) === id);
    if (!template) return;
    const before = { subject: message.subject, body: bodyOf(message) };
    dispatch({
      type: 'templateApplied',
      subject: template.subject,
      body: template.html ? { mode: 'rich', html: template.html } : { mode: 'plain', text: template.text },
    });
    const undo = () => {
      dispatch({ type: 'templateApplied', ...before });
      setStatus(null);
    };
    setStatus({ text: `Started from “${template.name}”.`, undo });
  }

  async function save(name: string) {
    const body = bodyOf(message);
    const result = await window.outbound.templates.save({
      name,
      accountId: from.accountId,
      identityId: from.identityId,
      subject: message.subject,
      text: body.mode === 'plain' ? body.text : '',
      ...(body.mode === 'rich' && { html: body.html }),
    });
    setStatus({ text: result.ok ? `Saved as the template “${result.value.name}”.` : `The template could not be saved: ${result.error.message}` });
    if (result.ok) {
      setNaming(null);
      load();
    }
  }

  return (
    <div className="templates">
      <select aria-label="Templates" value="" onChange={(e) => apply(e.target.value)} disabled={forThisFrom.length === 0}>
        <option value="">{forThisFrom.length === 0 ? 'No templates yet' : 'Start from a template…'}</option>
        {forThisFrom.map((t) => (
          <option key={t.id} value={t.id}>
            {t.name}
          </option>
        ))}
      </select>
      {naming === null ? (
        <button type="button" onClick={() => setNaming('')}>
          Save as template
        </button>
      ) : (
        <span className="template-name">
          <input aria-label="Template name" value={naming} onChange={(e) => setNaming(e.target.value)} placeholder="Name" />
          <button type="button" className="primary" disabled={naming.trim() === ''} onClick={() => void save(naming)}>
            Save template
          </button>
          <button type="button" onClick={() => setNaming(null)}>
            Cancel
          </button>
        </span>
      )}
      {status && (
        <span className="hint" role="status">
          {status.text}{' '}
          {status.undo && (
            <button type="button" className="link" onClick={status.undo}>
              Undo
            </button>
          )}
        </span>
      )}
    </div>
  );
}
