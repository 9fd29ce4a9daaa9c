/// <reference types="electron" />
/**
 * A stand-in for the `electron` module, enough to run the shell (main/electron/, preload/electron/)
 * under plain Node, as Electron Fiddle's tests run its main process against a mocked electron. The
 * shell's tests load it with `vi.mock('electron', …)`: it records what the shell asks of Electron and
 * lets a test play the system and the page (the app gets ready, a second instance starts, the page
 * loads, navigates, calls over IPC). Each piece is typed against Electron's own electron.d.ts
 * (`implements Pick<Electron.…>` and Electron's parameter types), so a shape that drifts from
 * Electron's fails the type check. Only types come from Electron; nothing here loads it.
 */
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

type IpcHandler = Parameters<Electron.IpcMain['handle']>[1];
type ProtocolHandler = Parameters<Electron.Protocol['handle']>[1];
type PermissionRequestHandler = NonNullable<Parameters<Electron.Session['setPermissionRequestHandler']>[0]>;
type PermissionCheckHandler = NonNullable<Parameters<Electron.Session['setPermissionCheckHandler']>[0]>;
/** A frame as Electron's WebFrameMain names it; the stand-in page's URL changes as it navigates. */
type Frame = { -readonly [K in 'processId' | 'routingId' | 'url']: Electron.WebFrameMain[K] };

/** Electron's event object: what listeners get first, with preventDefault. */
export function electronEvent<P extends object>(params: P): Electron.Event<P> {
  let prevented = false;
  const event = { ...params, preventDefault: () => void (prevented = true) };
  return Object.defineProperty(event, 'defaultPrevented', { get: () => prevented, enumerable: true }) as Electron.Event<P>;
}

/** What one stand-in Electron knows. Windows and notifications belong to the one made last: one shell runs at a time. */
interface World {
  /** What the shell asked of Electron, in order, for tests about order. */
  calls: string[];
  ready: boolean;
  whenReady: PromiseWithResolvers<void>;
  exited: PromiseWithResolvers<number>;
  userData: string;
  windows: StandInBrowserWindow[];
  notifications: StandInNotification[];
  nextProcessId: number;
}
let world: World;

export class StandInApp
  extends EventEmitter
  implements Pick<Electron.App, 'whenReady' | 'requestSingleInstanceLock' | 'quit' | 'exit' | 'getPath' | 'setAsDefaultProtocolClient' | 'isPackaged'>
{
  private readonly world = world;
  isPackaged = false;
  /** What requestSingleInstanceLock answers: false when another Outbound runs. */
  singleInstance = true;
  readonly protocolClients: string[] = [];
  exitCode: number | undefined;
  /** Resolves with the exit code once the shell exits. */
  readonly exited = this.world.exited.promise;

  whenReady(): Promise<void> {
    this.world.calls.push('app.whenReady');
    return this.world.whenReady.promise;
  }
  /** The system: Electron is ready. */
  becomeReady(): void {
    this.world.ready = true;
    this.world.whenReady.resolve();
  }
  requestSingleInstanceLock(): boolean {
    return this.singleInstance;
  }
  getPath(name: Parameters<Electron.App['getPath']>[0]): string {
    if (name !== 'userData') throw new Error(`the stand-in knows only userData, not ${name}`);
    return this.world.userData;
  }
  setAsDefaultProtocolClient(protocol: string): boolean {
    this.protocolClients.push(protocol);
    return true;
  }
  /** As Electron: 'will-quit', whose default (exiting) a listener may prevent. */
  quit(): void {
    const event = electronEvent({});
    this.emit('will-quit', event);
    if (!event.defaultPrevented) this.exit(0);
  }
  exit(exitCode = 0): void {
    this.exitCode ??= exitCode;
    this.world.exited.resolve(exitCode);
  }
}

export class StandInWebContents extends EventEmitter implements Pick<Electron.WebContents, 'isLoading' | 'send' | 'setWindowOpenHandler' | 'loadURL'> {
  readonly mainFrame: Frame = { processId: world.nextProcessId++, routingId: 1, url: '' };
  /** Every URL the shell loaded, in order. */
  readonly loaded: string[] = [];
  /** What the shell sent to the page: [channel, payload]. */
  readonly sent: [string, unknown][] = [];
  windowOpenHandler: Parameters<Electron.WebContents['setWindowOpenHandler']>[0] | undefined;
  private loading = false;
  private readonly waiters = new Set<() => void>();

  isLoading(): boolean {
    return this.loading;
  }
  loadURL(url: string): Promise<void> {
    this.loaded.push(url);
    // A change of fragment alone is a same-document navigation: the page does not load again.
    const sameDocument = this.mainFrame.url !== '' && new URL(url).href.split('#')[0] === this.mainFrame.url.split('#')[0];
    this.mainFrame.url = url;
    if (!sameDocument) this.loading = true;
    return Promise.resolve();
  }
  /** The page: it has loaded. */
  finishLoad(): void {
    this.loading = false;
    this.emit('did-finish-load', electronEvent({}));
  }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push([channel, args[0]]);
    for (const waiter of this.waiters) waiter();
  }
  /** Resolves with the first payload on `channel` that `matches`, sent already or yet to come. */
  nextSent(channel: string, matches: (payload: unknown) => boolean = () => true): Promise<unknown> {
    const { promise, resolve } = Promise.withResolvers<unknown>();
    const look = (): void => {
      const found = this.sentOn(channel).find(matches);
      if (found === undefined) return;
      this.waiters.delete(look);
      resolve(found);
    };
    this.waiters.add(look);
    look();
    return promise;
  }
  /** The payloads the shell sent on `channel`. */
  sentOn(channel: string): unknown[] {
    return this.sent.filter(([sentChannel]) => sentChannel === channel).map(([, payload]) => payload);
  }
  setWindowOpenHandler(handler: Parameters<Electron.WebContents['setWindowOpenHandler']>[0]): void {
    this.windowOpenHandler = handler;
  }
  /** The page: window.open(url) or a link with target=_blank. */
  openWindow(url: string): Electron.WindowOpenHandlerResponse {
    if (!this.windowOpenHandler) throw new Error('no window-open handler: Electron would open the window');
    const referrer: Electron.Referrer = { url: this.mainFrame.url, policy: 'strict-origin-when-cross-origin' };
    return this.windowOpenHandler({ url, frameName: '', features: '', disposition: 'foreground-tab', referrer });
  }
  /** The page starts navigating (or is redirected) to `url`; true when a listener prevented it. */
  navigate(event: 'will-navigate' | 'will-redirect', url: string): boolean {
    const params: Electron.WebContentsWillNavigateEventParams = { url, isSameDocument: false, isMainFrame: true, frame: null };
    const navigation = electronEvent(params);
    this.emit(event, navigation, url);
    return navigation.defaultPrevented;
  }
}

export class StandInBrowserWindow
  extends EventEmitter
  implements Pick<Electron.BrowserWindow, 'isDestroyed' | 'isMinimized' | 'restore' | 'focus' | 'isFocused' | 'show' | 'minimize' | 'destroy' | 'loadURL'>
{
  readonly options: Electron.BrowserWindowConstructorOptions;
  readonly webContents = new StandInWebContents();
  shown = false;
  private destroyed = false;
  private minimized = false;
  private focused = false;

  static getFocusedWindow(): StandInBrowserWindow | null {
    return world.windows.find((window) => window.isFocused()) ?? null;
  }

  constructor(options: Electron.BrowserWindowConstructorOptions = {}) {
    super();
    if (!world.ready) throw new Error('Cannot create BrowserWindow before app is ready');
    world.calls.push('new BrowserWindow');
    this.options = options;
    world.windows.push(this);
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** The user closes the window. */
  destroy(): void {
    this.destroyed = true;
    this.focused = false;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  minimize(): void {
    this.minimized = true;
    this.focused = false;
  }
  restore(): void {
    this.minimized = false;
  }
  focus(): void {
    this.focused = !this.destroyed;
  }
  isFocused(): boolean {
    return this.focused;
  }
  show(): void {
    this.shown = true;
  }
  loadURL(url: string): Promise<void> {
    return this.webContents.loadURL(url);
  }
}

export class StandInIpcMain extends EventEmitter implements Pick<Electron.IpcMain, 'handle' | 'removeHandler'> {
  readonly handlers = new Map<string, IpcHandler>();

  handle(channel: string, listener: IpcHandler): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  /** A page calls `ipcRenderer.invoke(channel, ...args)`: the event names its webContents and frame, as Electron's does. */
  async invoke(channel: string, from: { sender: StandInWebContents | object; senderFrame: Frame | null }, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    // Only the two fields the shell reads are there; the rest of IpcMainInvokeEvent is not.
    return handler({ ...electronEvent({}), ...from } as unknown as Electron.IpcMainInvokeEvent, ...structuredClone(args));
  }
}

export class StandInNotification extends EventEmitter implements Pick<Electron.Notification, 'show'> {
  static supported = true;
  readonly options: Electron.NotificationConstructorOptions;
  shown = false;

  static isSupported(): boolean {
    return StandInNotification.supported;
  }
  constructor(options: Electron.NotificationConstructorOptions) {
    super();
    this.options = options;
    world.notifications.push(this);
  }
  show(): void {
    this.shown = true;
  }
}

/** The preload's side: calls to the main process are recorded; on, removeListener and emit are EventEmitter's. */
export class StandInIpcRenderer extends EventEmitter implements Pick<Electron.IpcRenderer, 'invoke'> {
  readonly invoke = vi.fn<Electron.IpcRenderer['invoke']>(async () => undefined);
}

/** One stand-in Electron, fresh for each test (the shell keeps its state in module scope). `userData` is app.getPath's answer. */
export function createStandInElectron(userData: string) {
  world = {
    calls: [],
    ready: false,
    whenReady: Promise.withResolvers(),
    exited: Promise.withResolvers(),
    userData,
    windows: [],
    notifications: [],
    nextProcessId: 1,
  };
  StandInNotification.supported = true;
  const protocol = {
    privileged: [] as Electron.CustomScheme[],
    handlers: new Map<string, ProtocolHandler>(),
    registerSchemesAsPrivileged(customSchemes: Electron.CustomScheme[]): void {
      if (world.ready) throw new Error('protocol.registerSchemesAsPrivileged should be called before app is ready');
      world.calls.push('protocol.registerSchemesAsPrivileged');
      protocol.privileged.push(...customSchemes);
    },
    handle(scheme: string, handler: ProtocolHandler): void {
      protocol.handlers.set(scheme, handler);
    },
  } satisfies Pick<Electron.Protocol, 'registerSchemesAsPrivileged' | 'handle'> & Record<'privileged' | 'handlers', unknown>;

  const defaultSession = {
    permissionRequestHandler: undefined as PermissionRequestHandler | undefined,
    permissionCheckHandler: undefined as PermissionCheckHandler | undefined,
    setPermissionRequestHandler(handler: PermissionRequestHandler | null): void {
      world.calls.push('session.setPermissionRequestHandler');
      defaultSession.permissionRequestHandler = handler ?? undefined;
    },
    setPermissionCheckHandler(handler: PermissionCheckHandler | null): void {
      world.calls.push('session.setPermissionCheckHandler');
      defaultSession.permissionCheckHandler = handler ?? undefined;
    },
  } satisfies Pick<Electron.Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'> &
    Record<'permissionRequestHandler' | 'permissionCheckHandler', unknown>;

  const Menu = {
    applicationMenu: undefined as Parameters<typeof Electron.Menu.buildFromTemplate>[0] | undefined,
    /** The stand-in's menu is its template. */
    buildFromTemplate: (template: Parameters<typeof Electron.Menu.buildFromTemplate>[0]) => template,
    setApplicationMenu(menu: Parameters<typeof Electron.Menu.buildFromTemplate>[0]): void {
      Menu.applicationMenu = menu;
    },
  };

  const contextBridge = {
    exposeInMainWorld: vi.fn<Electron.ContextBridge['exposeInMainWorld']>(),
  };

  const electron = {
    app: new StandInApp(),
    BrowserWindow: StandInBrowserWindow,
    ipcMain: new StandInIpcMain(),
    protocol,
    session: { defaultSession },
    Menu,
    Notification: StandInNotification,
    powerMonitor: new EventEmitter(),
    net: { online: true as boolean } satisfies Pick<Electron.Net, 'online'>,
    dialog: {
      showErrorBox: vi.fn<Electron.Dialog['showErrorBox']>(),
      showOpenDialog: vi.fn(async (): Promise<Electron.OpenDialogReturnValue> => ({ canceled: true, filePaths: [] })),
    },
    shell: { openExternal: vi.fn<Electron.Shell['openExternal']>(async () => undefined) },
    contextBridge,
    ipcRenderer: new StandInIpcRenderer(),
  } satisfies Partial<Record<keyof typeof Electron.CrossProcessExports, unknown>>;

  return { ...electron, calls: world.calls, windows: world.windows, notifications: world.notifications };
}

export type StandInElectron = ReturnType<typeof createStandInElectron>;
