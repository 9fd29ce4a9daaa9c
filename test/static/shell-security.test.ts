/**
 * The Electron shell's security settings, asserted by reading the sources (no Electron binary can run
 * here), plus the shell's two pieces of logic that guard a boundary — the IPC sender check and the
 * app:// file server — run against a stand-in for the 'electron' module.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { load as loadYaml } from 'js-yaml';
import ts from 'typescript';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { eventChannelOf, events, methodChannels, type OutboxChange, type Result } from '../../preload/common/contract/index.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const read = (file: string): string => readFileSync(path.join(root, file), 'utf8');

/** The only files that may import 'electron' (also eslint.config.js's `electronShell`). */
const SHELL = ['main/electron/index.ts', 'main/electron/window.ts', 'main/electron/ipc.ts', 'main/electron/protocol.ts', 'preload/electron/index.ts'];
/** The page's policy as renderer/index.html's meta tag holds it. */
const META_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'";
/** As the headers send it: plus frame-ancestors, which a meta tag cannot carry. */
const CSP = `${META_CSP}; frame-ancestors 'none'`;

// ---------------------------------------------------------------------------------------------
// A little TypeScript AST toolkit
// ---------------------------------------------------------------------------------------------

const parsed = new Map<string, ts.SourceFile>();
function parse(file: string): ts.SourceFile {
  let source = parsed.get(file);
  if (!source) {
    const kind = file.endsWith('.tsx') ? ts.ScriptKind.TSX : file.endsWith('.ts') ? ts.ScriptKind.TS : ts.ScriptKind.JS;
    source = ts.createSourceFile(file, read(file), ts.ScriptTarget.Latest, true, kind);
    parsed.set(file, source);
  }
  return source;
}

function descendants(node: ts.Node): ts.Node[] {
  const found: ts.Node[] = [];
  const visit = (child: ts.Node): void => {
    found.push(child);
    ts.forEachChild(child, visit);
  };
  ts.forEachChild(node, visit);
  return found;
}

/** Calls of `<anything>.name(…)` or `name(…)`. */
function callsOf(node: ts.Node, name: string): ts.CallExpression[] {
  return descendants(node).filter(
    (n): n is ts.CallExpression =>
      ts.isCallExpression(n) &&
      ((ts.isPropertyAccessExpression(n.expression) && n.expression.name.text === name) ||
        (ts.isIdentifier(n.expression) && n.expression.text === name)),
  );
}

/** Calls of `receiver.name(…)` exactly. */
function memberCalls(node: ts.Node, receiver: string, name: string): ts.CallExpression[] {
  return callsOf(node, name).filter(
    (call) => ts.isPropertyAccessExpression(call.expression) && call.expression.expression.getText() === receiver,
  );
}

function propertyNamed(object: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  const property = object.properties.find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && p.name.getText() === name);
  return property?.initializer;
}

function stringValue(node: ts.Node | undefined): string | undefined {
  return node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) ? node.text : undefined;
}

/** The function literal passed as argument `index`. */
function callback(call: ts.CallExpression, index: number): ts.ArrowFunction | ts.FunctionExpression {
  const argument = call.arguments[index];
  if (!argument || !(ts.isArrowFunction(argument) || ts.isFunctionExpression(argument))) {
    throw new Error(`argument ${index} of ${call.getText().slice(0, 60)}… is not a function literal`);
  }
  return argument;
}

/** What a function literal can return: its expression body, or every `return` expression in it. */
function returnedExpressions(fn: ts.ArrowFunction | ts.FunctionExpression): ts.Expression[] {
  if (!ts.isBlock(fn.body)) return [fn.body];
  return descendants(fn.body)
    .filter((n): n is ts.ReturnStatement => ts.isReturnStatement(n))
    .flatMap((r) => (r.expression ? [r.expression] : []));
}

function sourceFilesUnder(dir: string): string[] {
  return readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(ts|tsx|mts|cts|js|mjs|cjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts'))
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'));
}
const APP_SOURCES = ['main', 'preload', 'renderer'].flatMap(sourceFilesUnder);

/** Every module a file loads: import/export from, import x = require(), require(), import(). */
function importsOf(file: string): string[] {
  return descendants(parse(file)).flatMap((n) => {
    if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier) return [stringValue(n.moduleSpecifier) ?? ''];
    if (ts.isExternalModuleReference(n)) return [stringValue(n.expression) ?? ''];
    const loads =
      ts.isCallExpression(n) &&
      (n.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(n.expression) && n.expression.text === 'require'));
    return loads ? [stringValue(n.arguments[0]) ?? '<computed>'] : [];
  });
}

// ---------------------------------------------------------------------------------------------
// Static checks
// ---------------------------------------------------------------------------------------------

describe('the window', () => {
  const window = parse('main/electron/window.ts');

  it('runs the page isolated, sandboxed, without Node and without <webview>', () => {
    const preferences = descendants(window).filter(
      (n): n is ts.PropertyAssignment => ts.isPropertyAssignment(n) && n.name.getText() === 'webPreferences',
    );
    expect(preferences).toHaveLength(1);
    const object = preferences[0]!.initializer;
    if (!ts.isObjectLiteralExpression(object)) throw new Error('webPreferences is not an object literal');
    const flag = (name: string) => propertyNamed(object, name)?.kind;
    expect(flag('contextIsolation')).toBe(ts.SyntaxKind.TrueKeyword);
    expect(flag('sandbox')).toBe(ts.SyntaxKind.TrueKeyword);
    expect(flag('nodeIntegration')).toBe(ts.SyntaxKind.FalseKeyword);
    expect(flag('webSecurity')).toBe(ts.SyntaxKind.TrueKeyword);
    expect(flag('webviewTag')).toBe(ts.SyntaxKind.FalseKeyword);
    expect(propertyNamed(object, 'preload')?.getText()).toContain("'index.cjs'");
  });

  it('opens no new window; only http(s) links go to the browser', () => {
    const handlers = callsOf(window, 'setWindowOpenHandler');
    expect(handlers).toHaveLength(1);
    const results = returnedExpressions(callback(handlers[0]!, 0));
    expect(results.length).toBeGreaterThan(0);
    for (const result of results) {
      if (!ts.isObjectLiteralExpression(result)) throw new Error(`window-open handler returns ${result.getText()}`);
      expect(stringValue(propertyNamed(result, 'action'))).toBe('deny');
    }
    const opens = APP_SOURCES.flatMap((file) => callsOf(parse(file), 'openExternal').map((call) => ({ file, call })));
    expect(opens.map((o) => o.file)).toEqual(['main/electron/window.ts']);
    const opener = ts.findAncestor(opens[0]!.call, ts.isFunctionDeclaration);
    const schemes = descendants(opener!).map(stringValue).filter((s) => s !== undefined);
    expect(schemes).toEqual(expect.arrayContaining(['https:', 'http:']));
  });

  it.each(['will-navigate', 'will-redirect'])('stops %s away from app://outbound', (eventName) => {
    const listeners = callsOf(window, 'on').filter((call) => stringValue(call.arguments[0]) === eventName);
    expect(listeners).toHaveLength(1);
    const listener = callback(listeners[0]!, 1);
    expect(callsOf(listener, 'preventDefault')).toHaveLength(1);
    expect(callsOf(listener, 'isAppUrl')).toHaveLength(1);
  });

  it('denies every permission request and check', () => {
    const requests = callsOf(window, 'setPermissionRequestHandler');
    expect(requests).toHaveLength(1);
    const requestHandler = callback(requests[0]!, 0);
    const answer = requestHandler.parameters[2]?.name.getText();
    const answers = callsOf(requestHandler, answer ?? '<none>');
    expect(answers.length).toBeGreaterThan(0);
    for (const call of answers) expect(call.arguments.map((a) => a.kind)).toEqual([ts.SyntaxKind.FalseKeyword]);

    const checks = callsOf(window, 'setPermissionCheckHandler');
    expect(checks).toHaveLength(1);
    expect(returnedExpressions(callback(checks[0]!, 0)).map((e) => e.kind)).toEqual([ts.SyntaxKind.FalseKeyword]);
  });
});

describe('the whole app (main/, preload/, renderer/)', () => {
  /** Settings that switch off a protection, with the value that does it. */
  const UNSAFE: Readonly<Record<string, ts.SyntaxKind>> = {
    nodeIntegration: ts.SyntaxKind.TrueKeyword,
    nodeIntegrationInWorker: ts.SyntaxKind.TrueKeyword,
    nodeIntegrationInSubFrames: ts.SyntaxKind.TrueKeyword,
    contextIsolation: ts.SyntaxKind.FalseKeyword,
    sandbox: ts.SyntaxKind.FalseKeyword,
    webSecurity: ts.SyntaxKind.FalseKeyword,
    webviewTag: ts.SyntaxKind.TrueKeyword,
    allowRunningInsecureContent: ts.SyntaxKind.TrueKeyword,
    experimentalFeatures: ts.SyntaxKind.TrueKeyword,
    rejectUnauthorized: ts.SyntaxKind.FalseKeyword,
  };

  it('switches no protection off', () => {
    const offenders = APP_SOURCES.flatMap((file) =>
      descendants(parse(file))
        .filter((n): n is ts.PropertyAssignment => ts.isPropertyAssignment(n) && UNSAFE[n.name.getText()] === n.initializer.kind)
        .map((n) => `${file}: ${n.getText()}`),
    );
    expect(offenders).toEqual([]);
  });

  it('imports electron only in the shell, and the rest never imports the shell', () => {
    const electronImports = APP_SOURCES.filter((file) => importsOf(file).some((m) => /^electron(\/|$)/.test(m)));
    expect(electronImports.filter((file) => !SHELL.includes(file))).toEqual([]);
    const shellImports = APP_SOURCES.filter((file) => !SHELL.includes(file)).flatMap((file) =>
      importsOf(file)
        .filter((m) => m.startsWith('.'))
        .map((m) => path.posix.join(path.posix.dirname(file), m))
        .filter((target) => SHELL.includes(target))
        .map((target) => `${file} -> ${target}`),
    );
    expect(shellImports).toEqual([]);
  });

  it('keeps preload/common/ to itself and zod: the same code runs in Node, in Chromium and in the preload', () => {
    const common = sourceFilesUnder('preload/common');
    expect(common).toContain('preload/common/mail-html.ts');
    const outside = common.flatMap((file) =>
      importsOf(file)
        .filter((m) => (m.startsWith('.') ? !path.posix.join(path.posix.dirname(file), m).startsWith('preload/common/') : m !== 'zod'))
        .map((m) => `${file} -> ${m}`),
    );
    expect(outside).toEqual([]);
  });
});

describe('the content security policy', () => {
  const metaPolicy = (): string => {
    const html = read('renderer/index.html');
    const meta = /<meta\s+http-equiv=["']Content-Security-Policy["']\s+content="([^"]*)"/i.exec(html);
    return meta?.[1] ?? '';
  };

  // The app:// header is checked on each response below (app:// file server), the browser host's in test/e2e/browser-host.test.ts.
  it('is in renderer/index.html without the directives a meta tag cannot carry; only the headers add them', () => {
    expect(metaPolicy()).toBe(META_CSP);
    // CSP3 §6.1 (meta element): frame-ancestors, report-uri and sandbox are ignored there, each with a console error.
    const directives = metaPolicy().split(';').map((directive) => directive.trim().split(/\s+/)[0]);
    expect(directives.filter((name) => ['frame-ancestors', 'report-uri', 'sandbox'].includes(name ?? ''))).toEqual([]);
  });

  it('allows no inline or eval code and no remote origin', () => {
    for (const directive of CSP.split(';')) {
      const [name, ...sources] = directive.trim().split(/\s+/);
      const allowed = name === 'img-src' ? ["'self'", "'none'", 'data:'] : ["'self'", "'none'"];
      expect(sources.filter((s) => !allowed.includes(s)), `${name}`).toEqual([]);
    }
  });

  it('goes on every response the app:// handler builds', () => {
    const protocolFile = parse('main/electron/protocol.ts');
    expect(APP_SOURCES.flatMap((file) => memberCalls(parse(file), 'protocol', 'handle').map(() => file))).toEqual(['main/electron/protocol.ts']);
    const responses = descendants(protocolFile).filter(
      (n): n is ts.NewExpression => ts.isNewExpression(n) && n.expression.getText() === 'Response',
    );
    expect(responses).toHaveLength(1);
    const init = responses[0]!.arguments?.[1];
    if (!init || !ts.isObjectLiteralExpression(init)) throw new Error('new Response(…) without an init object');
    const headers = propertyNamed(init, 'headers');
    if (!headers || !ts.isObjectLiteralExpression(headers)) throw new Error('new Response(…) without literal headers');
    expect(propertyNamed(headers, "'Content-Security-Policy'")?.getText()).toBe('CONTENT_SECURITY_POLICY');
  });
});

describe('IPC', () => {
  const ipc = parse('main/electron/ipc.ts');

  it('registers handlers in one place: a loop over the contract channels', () => {
    const registrations = APP_SOURCES.flatMap((file) =>
      ['handle', 'handleOnce', 'on', 'once', 'addListener'].flatMap((name) =>
        memberCalls(parse(file), 'ipcMain', name).map((call) => `${file}: ipcMain.${name}(${call.arguments[0]?.getText()})`),
      ),
    );
    expect(registrations).toEqual(['main/electron/ipc.ts: ipcMain.handle(channel)']);
    const handle = memberCalls(ipc, 'ipcMain', 'handle')[0]!;
    const loop = ts.findAncestor(handle, ts.isForOfStatement);
    expect(loop?.expression.getText()).toBe('methodChannels');
  });

  it('checks the sender (frame and origin) before dispatching', () => {
    const handler = callback(memberCalls(ipc, 'ipcMain', 'handle')[0]!, 1);
    const called = new Set(descendants(handler).filter(ts.isCallExpression).map((call) => call.expression.getText()));
    const checks = descendants(ipc).filter(
      (n): n is ts.FunctionDeclaration =>
        ts.isFunctionDeclaration(n) &&
        called.has(n.name?.text ?? '') &&
        n.getText().includes('.senderFrame') &&
        callsOf(n, 'isAppUrl').length > 0,
    );
    expect(checks).toHaveLength(1);
    expect(called.has('dispatch')).toBe(true);
  });
});

describe('the preload', () => {
  const preload = parse('preload/electron/index.ts');

  it("exposes `outbound` only, and never ipcRenderer itself", () => {
    const exposures = callsOf(preload, 'exposeInMainWorld');
    expect(exposures.map((call) => stringValue(call.arguments[0]))).toEqual(['outbound']);
    const uses = descendants(preload).filter(
      (n): n is ts.Identifier => ts.isIdentifier(n) && n.text === 'ipcRenderer' && !ts.isImportSpecifier(n.parent),
    );
    const misuse = uses.filter(
      (id) =>
        !(
          ts.isPropertyAccessExpression(id.parent) &&
          id.parent.expression === id &&
          ['invoke', 'on', 'removeListener'].includes(id.parent.name.text)
        ),
    );
    expect(uses.length).toBeGreaterThan(0);
    expect(misuse.map((id) => id.parent.getText())).toEqual([]);
  });

  const bundle = path.join(root, 'dist', 'preload', 'index.cjs');
  it.skipIf(!existsSync(bundle))('is bundled to one file that requires nothing but electron (a sandboxed preload cannot)', () => {
    const source = readFileSync(bundle, 'utf8');
    const required = [...source.matchAll(/\brequire\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((m) => m[1]);
    expect(new Set(required)).toEqual(new Set(['electron']));
    expect(source).not.toMatch(/\bimport\s*\(/);
    expect(source).toContain('exposeInMainWorld("outbound"');
  });
});

describe('sessions, schemes and what the page may load (SECURITY.md)', () => {
  const main = parse('main/electron/index.ts');

  it('denies permissions on the one session, before the first window exists', () => {
    const denials = callsOf(main, 'denyAllPermissions');
    expect(denials.map((call) => call.arguments[0]?.getText())).toEqual(['session.defaultSession']);
    const windows = callsOf(main, 'createMainWindow');
    expect(windows.length).toBeGreaterThan(0);
    for (const window of windows) expect(window.getStart()).toBeGreaterThan(denials[0]!.getStart());
    // Another session would come without the handlers: none is made, by partition or by API.
    const otherSessions = APP_SOURCES.flatMap((file) =>
      [...callsOf(parse(file), 'fromPartition'), ...callsOf(parse(file), 'fromPath')].map((call) => `${file}: ${call.getText()}`),
    );
    expect(otherSessions).toEqual([]);
    const partitions = APP_SOURCES.flatMap((file) =>
      descendants(parse(file)).filter((n) => ts.isPropertyAssignment(n) && n.name.getText() === 'partition').map(() => file),
    );
    expect(partitions).toEqual([]);
  });

  it('registers app:// as standard and secure only: no CSP bypass, no CORS, no service workers', () => {
    const registrations = callsOf(parse('main/electron/protocol.ts'), 'registerSchemesAsPrivileged');
    expect(registrations).toHaveLength(1);
    const privileges = descendants(registrations[0]!).find(
      (n): n is ts.PropertyAssignment => ts.isPropertyAssignment(n) && n.name.getText() === 'privileges',
    )?.initializer;
    if (!privileges || !ts.isObjectLiteralExpression(privileges)) throw new Error('privileges is not an object literal');
    expect(privileges.properties.map((p) => p.getText()).sort()).toEqual(['secure: true', 'standard: true', 'supportFetchAPI: true']);
  });

  it('loads only app://outbound: no file:// page and no other URL', () => {
    expect(APP_SOURCES.flatMap((file) => callsOf(parse(file), 'loadFile').map(() => file))).toEqual([]);
    const urls = APP_SOURCES.flatMap((file) => callsOf(parse(file), 'loadURL').map((call) => call.arguments[0]?.getText() ?? ''));
    expect(urls.length).toBeGreaterThan(0);
    // The entry page itself, or it with a fixed fragment: nothing computed from data.
    for (const url of urls) expect(url).toMatch(/^(APP_ENTRY_URL|`\$\{APP_ENTRY_URL\}#[\w-]*`)$/);
    const fileUrls = SHELL.filter((file) => descendants(parse(file)).some((n) => stringValue(n)?.startsWith('file:')));
    expect(fileUrls).toEqual([]);
  });

  it('enables no Blink feature and no popups anywhere', () => {
    const offenders = APP_SOURCES.flatMap((file) =>
      descendants(parse(file))
        .filter((n) => (ts.isPropertyAssignment(n) || ts.isJsxAttribute(n)) && ['enableBlinkFeatures', 'allowpopups'].includes(n.name.getText()))
        .map((n) => `${file}: ${n.getText()}`),
    );
    expect(offenders).toEqual([]);
  });

  it('renders no HTML from strings in the renderer and evaluates no code', () => {
    const RENDERER = APP_SOURCES.filter((file) => file.startsWith('renderer/'));
    const offenders = RENDERER.flatMap((file) =>
      descendants(parse(file))
        .filter(
          (n) =>
            (ts.isJsxAttribute(n) && n.name.getText() === 'dangerouslySetInnerHTML') ||
            (ts.isPropertyAccessExpression(n) && ['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'write', 'writeln'].includes(n.name.text) &&
              (n.name.text.startsWith('write') ? n.expression.getText() === 'document' : true)) ||
            ((ts.isCallExpression(n) || ts.isNewExpression(n)) && ['eval', 'Function'].includes(n.expression.getText())),
        )
        .map((n) => `${file}: ${n.getText().slice(0, 80)}`),
    );
    expect(RENDERER.length).toBeGreaterThan(0);
    expect(offenders).toEqual([]);
  });

  it('runs on an Electron that still gets security fixes (43 or later)', () => {
    const pkg = JSON.parse(read('package.json')) as { devDependencies: Record<string, string> };
    expect(Number(/^\D*(\d+)/.exec(pkg.devDependencies.electron ?? '')?.[1])).toBeGreaterThanOrEqual(43);
  });

  const builtWindow = path.join(root, 'dist', 'main', 'window.js');
  it.skipIf(!existsSync(builtWindow))('keeps the webPreferences and guards in the built main bundle', () => {
    const source = readFileSync(builtWindow, 'utf8');
    for (const setting of ['contextIsolation: true', 'sandbox: true', 'nodeIntegration: false', 'webSecurity: true', 'webviewTag: false']) {
      expect(source).toContain(setting);
    }
    for (const guard of ['setWindowOpenHandler', "'will-navigate'", "'will-redirect'", 'setPermissionRequestHandler', 'setPermissionCheckHandler']) {
      expect(source).toContain(guard);
    }
  });
});

describe('packaging (electron-builder.yml)', () => {
  const config = loadYaml(read('electron-builder.yml')) as Record<string, unknown>;

  it('flips the Electron fuses', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('ships the built app only, with native modules outside the archive and no rebuild', () => {
    const included = (config.files as string[]).filter((pattern) => !pattern.startsWith('!'));
    expect(included.sort()).toEqual(['dist/main/**', 'dist/preload/**', 'dist/renderer/**', 'package.json']);
    expect(config.asarUnpack).toEqual(['**/*.node']);
    expect(config.npmRebuild).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// The shell's boundary logic, run against a stand-in 'electron'
// ---------------------------------------------------------------------------------------------

const electron = vi.hoisted(() => ({
  ipcMain: { handle: vi.fn(), removeHandler: vi.fn() },
  protocol: { handle: vi.fn(), registerSchemesAsPrivileged: vi.fn() },
}));
vi.mock('electron', () => electron);

type Handler = (event: unknown, ...args: unknown[]) => Promise<Result<unknown>> | Result<unknown>;

describe('IPC sender check (stand-in electron)', () => {
  const mainFrame = { processId: 7, routingId: 1, url: 'app://outbound/index.html' };
  const webContents = { mainFrame, send: vi.fn() };
  const window = { webContents, isDestroyed: () => false };
  const dispatch = vi.fn(async (channel: string, args: unknown) => ({ ok: true as const, value: { channel, args } }));
  const forward = new Map<string, (payload: unknown) => void>();
  const core = {
    events: {
      on: (event: string, listener: (payload: unknown) => void) => {
        forward.set(event, listener);
        return () => forward.delete(event);
      },
    },
  };
  let handlers: Map<string, Handler>;
  let unbind: () => void;

  beforeAll(async () => {
    const { bindIpc } = await import('../../main/electron/ipc.ts');
    unbind = bindIpc({ dispatch, core, window: () => window } as unknown as Parameters<typeof bindIpc>[0]);
    handlers = new Map(electron.ipcMain.handle.mock.calls.map(([channel, handler]) => [channel as string, handler as Handler]));
  });
  beforeEach(() => dispatch.mockClear());

  it('binds every contract channel', () => {
    expect([...handlers.keys()].sort()).toEqual([...methodChannels].sort());
  });

  it('dispatches calls from the top frame of our window showing app://outbound', async () => {
    const result = await handlers.get('outbox.cancel')!({ sender: webContents, senderFrame: { ...mainFrame } }, 42);
    expect(result).toEqual({ ok: true, value: { channel: 'outbox.cancel', args: [42] } });
  });

  it.each([
    ['another origin', { sender: webContents, senderFrame: { ...mainFrame, url: 'https://evil.example/' } }],
    ['a look-alike origin', { sender: webContents, senderFrame: { ...mainFrame, url: 'app://outbound.evil/' } }],
    ['a subframe', { sender: webContents, senderFrame: { ...mainFrame, routingId: 2 } }],
    ['another webContents', { sender: { mainFrame }, senderFrame: { ...mainFrame } }],
    ['a frame that is gone', { sender: webContents, senderFrame: null }],
  ])('refuses %s without dispatching', async (_case, event) => {
    const result = await handlers.get('accounts.list')!(event);
    expect(result.ok).toBe(false);
    expect(dispatch).not.toHaveBeenCalled();
  });

  it('forwards every event of the contract to the window and stops when unbound', () => {
    expect([...forward.keys()].sort()).toEqual(Object.keys(events).sort());
    const change: OutboxChange = { id: 3, state: 'sent' };
    forward.get('outboxChanged')!(change);
    expect(webContents.send).toHaveBeenCalledWith(eventChannelOf('outboxChanged'), change);
    forward.get('connectivityChanged')!({ online: false });
    expect(webContents.send).toHaveBeenCalledWith(eventChannelOf('connectivityChanged'), { online: false });
    unbind();
    expect(forward.size).toBe(0);
    expect(electron.ipcMain.removeHandler).toHaveBeenCalledTimes(methodChannels.length);
  });
});

describe('app:// file server (stand-in electron)', () => {
  const scratch = mkdtempSync(path.join(tmpdir(), 'outbound-protocol-'));
  const rendererDir = path.join(scratch, 'renderer');
  let serve: (request: { method: string; url: string }) => Promise<Response>;

  beforeAll(async () => {
    mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
    writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Outbound</title>');
    writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(path.join(scratch, 'secret.txt'), 'outside the renderer');
    const { serveRenderer } = await import('../../main/electron/protocol.ts');
    serveRenderer(rendererDir);
    serve = electron.protocol.handle.mock.calls.at(-1)![1] as typeof serve;
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it.each([
    ['app://outbound/', 200, 'text/html; charset=utf-8'],
    ['app://outbound/index.html', 200, 'text/html; charset=utf-8'],
    ['app://outbound/assets/app.js', 200, 'text/javascript; charset=utf-8'],
    ['app://outbound/missing.js', 404, 'text/plain; charset=utf-8'],
    // The URL parser itself resolves an encoded dot-segment: this names renderer/secret.txt, absent.
    ['app://outbound/%2e%2e/secret.txt', 404, 'text/plain; charset=utf-8'],
    ['app://outbound/%2e%2e%2fsecret.txt', 403, 'text/plain; charset=utf-8'],
    ['app://outbound/assets/..%2f..%2fsecret.txt', 403, 'text/plain; charset=utf-8'],
    ['app://outbound/..%5csecret.txt', 403, 'text/plain; charset=utf-8'],
    ['app://outbound/%E0%A4%A', 403, 'text/plain; charset=utf-8'],
    ['app://elsewhere/index.html', 403, 'text/plain; charset=utf-8'],
  ])('GET %s answers %i with the CSP header', async (url, status, type) => {
    const response = await serve({ method: 'GET', url });
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe(type);
    expect(response.headers.get('content-security-policy')).toBe(CSP);
    if (status !== 200) expect(await response.text()).not.toContain('outside the renderer');
  });

  it('refuses methods other than GET and HEAD', async () => {
    const response = await serve({ method: 'POST', url: 'app://outbound/index.html' });
    expect(response.status).toBe(405);
    expect(response.headers.get('content-security-policy')).toBe(CSP);
  });
});
