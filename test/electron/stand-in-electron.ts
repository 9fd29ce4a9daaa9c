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
import { electronEvent, StandInIpcMain, StandInIpcRenderer, type Frame } from './stand-in-ipc.ts';
import { standInSession } from './stand-in-session.ts';

type ProtocolHandler = Parameters<Electron.Protocol['handle']>[1];

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
  trays: StandInTray[];
  /** Whether Electron emitted 'will-finish-launching' yet. */
  launched: boolean;
  nextProcessId: number;
  app?: StandInApp;
}
let world: World;

export class StandInApp
  extends EventEmitter
  implements
    Pick<
      Electron.App,
      | 'whenReady'
      | 'requestSingleInstanceLock'
      | 'quit'
      | 'exit'
      | 'getPath'
      | 'getAppPath'
      | 'getLocale'
      | 'setAsDefaultProtocolClient'
      | 'isDefaultProtocolClient'
      | 'getLoginItemSettings'
      | 'setLoginItemSettings'
      | 'setBadgeCount'
      | 'isPackaged'
    >
{
  private readonly world = world;
  isPackaged = false;
  /** What requestSingleInstanceLock answers: false when another Outbound runs. */
  singleInstance = true;
  /** Schemes Outbound was made the default client of (setAsDefaultProtocolClient). */
  readonly protocolClients: string[] = [];
  /** Electron's login item (macOS and Windows; the shell writes an XDG entry on Linux). */
  loginItem: Electron.Settings = { openAtLogin: false };
  openedAtLogin = false;
  badgeCount = 0;
  /** The Dock's menu (macOS): its template. */
  dock = { menu: undefined as unknown, hidden: false, setMenu: (menu: unknown) => void (this.dock.menu = menu), hide: () => void (this.dock.hidden = true) };

  constructor() {
    super();
    this.world.app = this;
  }
  exitCode: number | undefined;
  /** Resolves with the exit code once the shell exits. */
  readonly exited = this.world.exited.promise;

  whenReady(): Promise<void> {
    this.world.calls.push('app.whenReady');
    return this.world.whenReady.promise;
  }
  /** The system: Electron has started launching (macOS may deliver 'open-url' from now on, before ready). */
  finishLaunching(): void {
    if (this.world.launched) return;
    this.world.launched = true;
    this.emit('will-finish-launching');
  }
  /** The system: Electron is ready. */
  becomeReady(): void {
    this.finishLaunching();
    this.world.ready = true;
    this.world.whenReady.resolve();
  }
  getAppPath(): string {
    return '/stand-in/app';
  }
  getLocale(): string {
    return 'en-US';
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
  isDefaultProtocolClient(protocol: string): boolean {
    return this.protocolClients.includes(protocol);
  }
  getLoginItemSettings(): Electron.LoginItemSettings {
    return { ...this.loginItem, wasOpenedAtLogin: this.openedAtLogin } as Electron.LoginItemSettings;
  }
  setLoginItemSettings(settings: Electron.Settings): void {
    this.loginItem = settings;
  }
  setBadgeCount(count = 0): boolean {
    this.badgeCount = count;
    return true;
  }
  /** As Electron: 'before-quit', then 'will-quit'; a listener of either may prevent the default (going on, exiting). */
  quit(): void {
    const before = electronEvent({});
    this.emit('before-quit', before);
    if (before.defaultPrevented) return;
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
    world.app?.emit('browser-window-created', electronEvent({}), this);
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** The window is gone (the user closed it, or the shell destroyed it): the app hears 'window-all-closed' when it was the last. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.focused = false;
    if (world.windows.every((window) => window.isDestroyed())) world.app?.emit('window-all-closed');
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

export class StandInTray extends EventEmitter implements Pick<Electron.Tray, 'setContextMenu' | 'setToolTip' | 'destroy' | 'isDestroyed'> {
  readonly image: unknown;
  /** The context menu's template (the stand-in's Menu.buildFromTemplate returns it). */
  menu: unknown;
  toolTip = '';
  private destroyed = false;

  constructor(image: unknown) {
    super();
    this.image = image;
    world.trays.push(this);
  }
  setContextMenu(menu: unknown): void {
    this.menu = menu;
  }
  setToolTip(toolTip: string): void {
    this.toolTip = toolTip;
  }
  destroy(): void {
    this.destroyed = true;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
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
    trays: [],
    launched: false,
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

  const defaultSession = standInSession(world.calls);

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
    Tray: StandInTray,
    nativeImage: { createFromPath: (path: string) => ({ path }) },
    powerSaveBlocker: {
      /** The ids started and not stopped, with their type. */
      held: new Map<number, string>(),
      nextId: 1,
      start(type: Parameters<Electron.PowerSaveBlocker['start']>[0]): number {
        const id = electron.powerSaveBlocker.nextId++;
        electron.powerSaveBlocker.held.set(id, type);
        return id;
      },
      stop(id: number): boolean {
        return electron.powerSaveBlocker.held.delete(id);
      },
    },
    dialog: {
      /** Answers with the second button (Quit Anyway, Not Now) unless a test says otherwise. */
      showMessageBox: vi.fn(async (..._args: unknown[]): Promise<Electron.MessageBoxReturnValue> => ({ response: 1, checkboxChecked: false })),
      showErrorBox: vi.fn<Electron.Dialog['showErrorBox']>(),
      showOpenDialog: vi.fn(async (): Promise<Electron.OpenDialogReturnValue> => ({ canceled: true, filePaths: [] })),
    },
    shell: { openExternal: vi.fn<Electron.Shell['openExternal']>(async () => undefined) },
    contextBridge,
    ipcRenderer: new StandInIpcRenderer(),
  } satisfies Partial<Record<keyof typeof Electron.CrossProcessExports, unknown>>;

  return { ...electron, calls: world.calls, windows: world.windows, notifications: world.notifications, trays: world.trays };
}

export type StandInElectron = ReturnType<typeof createStandInElectron>;
