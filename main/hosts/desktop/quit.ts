/** What quitting the desktop app does. No Electron: main/electron/index.ts runs it on 'will-quit'. */
import type { Core } from '../../core/index.ts';
import type { QuitQuestion } from './waiting.ts';

export interface QuitSteps {
  /** Stop taking calls and signals (the IPC handlers, the online poll). */
  stop: () => void;
  core: Pick<Core, 'close'>;
  exit: (code: number) => void;
}

/**
 * Stop, then wait for the core to close (the sender finishes the message in flight and stops, the
 * database closes), then exit: once, however often the system asks to quit meanwhile.
 */
export function quitAfterClosing({ stop, core, exit }: QuitSteps): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () =>
    (closing ??= (async () => {
      stop();
      try {
        await core.close();
      } catch (error) {
        console.error('outbound: closing the core failed:', error);
      }
      exit(0);
    })());
}

export interface QuitGateOptions {
  /** The question for what waits now; null when nothing does. */
  question: () => QuitQuestion | null;
  /** Show it; resolves with the index of the button chosen. */
  ask: (question: QuitQuestion) => Promise<number>;
  /** The user chose to keep sending: close the windows, stay in the background. */
  keepSending: () => void;
  /** Ask the system to quit again, now allowed. */
  quit: () => void;
}

/**
 * Quitting while messages wait asks first (Electron's 'before-quit'): `mayQuit` answers whether the
 * quit may go on now; when it may not, the question is on screen and its answer decides. Asked once
 * at a time; a shutdown or logout of the system (`allow`) never waits for it.
 */
export function quitGate({ question, ask, keepSending, quit }: QuitGateOptions): { mayQuit: () => boolean; allow: () => void } {
  let allowed = false;
  let asking = false;
  const answer = (choice: number): void => {
    asking = false;
    if (choice === QUIT_ANYWAY) {
      allowed = true;
      quit();
    } else keepSending();
  };
  return {
    mayQuit() {
      if (allowed) return true;
      const asked = question();
      if (asked === null) return true;
      if (!asking) {
        asking = true;
        ask(asked).then(answer, (error: unknown) => {
          console.error('outbound: the quit question failed; quitting:', error);
          answer(QUIT_ANYWAY);
        });
      }
      return false;
    },
    allow: () => void (allowed = true),
  };
}

/** The second button of the quit question (waiting.ts). */
const QUIT_ANYWAY = 1;
