/** What quitting the desktop app does. No Electron: main/electron/index.ts runs it on 'will-quit'. */
import type { Core } from '../../core/index.ts';

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
