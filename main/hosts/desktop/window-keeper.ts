/**
 * The desktop app's one window: made when there is none, brought to the front when there is, and
 * work for its page (open a mailto: link, show the Outbox) held until the page has loaded. No
 * Electron: main/electron/index.ts gives it a BrowserWindow maker.
 */

/** What the keeper needs of a window (Electron's BrowserWindow). */
export interface KeptWindow {
  isDestroyed(): boolean;
  isMinimized(): boolean;
  restore(): void;
  focus(): void;
  webContents: {
    isLoading(): boolean;
    on(event: 'did-finish-load', listener: () => void): unknown;
  };
}

export class WindowKeeper<W extends KeptWindow> {
  private window: W | undefined;
  /** Work waiting for the page, in the order it came. */
  private readonly waiting: ((window: W) => void)[] = [];
  private readonly create: () => W;

  constructor(create: () => W) {
    this.create = create;
  }

  /** The window, while there is one. */
  current(): W | undefined {
    return this.window === undefined || this.window.isDestroyed() ? undefined : this.window;
  }

  /** Make the window if there is none (its page then starts loading), else bring it up. */
  show(): W {
    const existing = this.current();
    if (existing === undefined) {
      const window = this.create();
      this.window = window;
      // Every load, a reload too: work that came meanwhile waited for it.
      window.webContents.on('did-finish-load', () => this.pageLoaded(window));
      return window;
    }
    if (existing.isMinimized()) existing.restore();
    existing.focus();
    return existing;
  }

  /** Show the window, then run `work` once its page has loaded: now if it has, else after the work that came before it. */
  showThen(work: (window: W) => void): void {
    const ready = this.current()?.webContents.isLoading() === false;
    const window = this.show();
    this.waiting.push(work);
    if (ready) this.pageLoaded(window);
  }

  private pageLoaded(window: W): void {
    if (window !== this.current()) return;
    for (const work of this.waiting.splice(0)) {
      try {
        work(window);
      } catch (error) {
        console.error('outbound: work for the window failed:', error);
      }
    }
  }
}
