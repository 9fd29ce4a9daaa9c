/**
 * The desktop notification when a message fails for good while the window is not in front (the page
 * shows its own alert there): when, and in which words. No Electron: main/electron/index.ts shows it.
 */
import type { MessageView } from '../../../preload/common/contract/index.ts';
import type { Core } from '../../core/index.ts';

export interface Notice {
  title: string;
  body: string;
}

/** Calls `notify` for each message that fails for good while `windowFocused()` is false; the returned function stops watching. */
export function noticeWhenSendingFails(core: Pick<Core, 'events' | 'outbox'>, windowFocused: () => boolean, notify: (notice: Notice) => void): () => void {
  return core.events.on('outboxChanged', ({ id, state }) => {
    if (state !== 'failed' || windowFocused()) return;
    // Listeners run inside the outbox's own update: never let a vanished message throw into it.
    let message: MessageView;
    try {
      message = core.outbox.view(id);
    } catch {
      return;
    }
    notify(failureNotice(message));
  });
}

function failureNotice(message: Pick<MessageView, 'subject' | 'lastError'>): Notice {
  return {
    title: 'A message could not be sent',
    body: `“${message.subject || '(no subject)'}”: ${message.lastError ?? 'open the Outbox to see why.'}`,
  };
}
