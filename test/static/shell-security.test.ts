/**
 * What the Electron shell's tests cannot show by driving it (test/electron/ runs the shell against a
 * stand-in electron; test/hosts/desktop/ tests its decisions): properties of every file of the app
 * (no protection switched off anywhere, electron only in the shell, the shell small, one door for
 * links and IPC), the page's CSP as renderer/index.html holds it, the built preload, the packaging
 * settings, and the Electron release the app runs on. Read with the TypeScript parser.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { load as loadYaml } from 'js-yaml';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { appRequestHandler } from '../../main/hosts/desktop/app-scheme.ts';
import { HEADER_ONLY_CSP } from '../../main/hosts/renderer-files.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const read = (file: string): string => readFileSync(path.join(root, file), 'utf8');

/** The folders whose files may import 'electron' (eslint.config.js: the electron-main and electron-preload layers). */
const SHELL_FOLDERS = ['main/electron/', 'preload/electron/'];
const inShell = (file: string): boolean => SHELL_FOLDERS.some((folder) => file.startsWith(folder));
/**
 * Issue 11: the shell stays thin; everything that can be is Electron-free, in main/hosts/desktop/.
 * 250 held the window, IPC and menu; issue 15 added the tray, the Dock, login items, the two native
 * questions and the power blocker, each only wiring (about 130 lines): 400 holds that, not more.
 */
const MAX_SHELL_LINES = 400;
/**
 * Electron gives security fixes to its latest three stable majors
 * (https://www.electronjs.org/docs/latest/tutorial/electron-timelines): 43–45 when last looked up
 * (../shared/BUILD-FACTS.md). Moving to a major outside this list means looking the window up again.
 */
const ELECTRON_MAJORS_WITH_SECURITY_FIXES = [43, 44, 45];
/** The page's policy as renderer/index.html's meta tag holds it. */
const META_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'";

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
      ((ts.isPropertyAccessExpression(n.expression) && n.expression.name.text === name) || (ts.isIdentifier(n.expression) && n.expression.text === name)),
  );
}

function stringValue(node: ts.Node | undefined): string | undefined {
  return node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) ? node.text : undefined;
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
      ts.isCallExpression(n) && (n.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(n.expression) && n.expression.text === 'require'));
    return loads ? [stringValue(n.arguments[0]) ?? '<computed>'] : [];
  });
}

// ---------------------------------------------------------------------------------------------
// Static checks
// ---------------------------------------------------------------------------------------------

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
    expect(electronImports.filter((file) => !inShell(file))).toEqual([]);
    expect(electronImports).toContain('main/electron/index.ts');
    const shellImports = APP_SOURCES.filter((file) => !inShell(file)).flatMap((file) =>
      importsOf(file)
        .filter((m) => m.startsWith('.'))
        .map((m) => path.posix.join(path.posix.dirname(file), m))
        .filter(inShell)
        .map((target) => `${file} -> ${target}`),
    );
    expect(shellImports).toEqual([]);
  });

  it(`keeps the files that import electron to ${MAX_SHELL_LINES} lines in all`, () => {
    const shell = APP_SOURCES.filter((file) => importsOf(file).includes('electron'));
    const lines = shell.map((file) => [file, read(file).split('\n').length - 1] as const);
    expect(
      lines.reduce((sum, [, count]) => sum + count, 0),
      JSON.stringify(lines),
    ).toBeLessThanOrEqual(MAX_SHELL_LINES);
  });

  it('opens links in one place (shell.openExternal) and registers IPC in one place (ipcMain)', () => {
    const uses = (receiver: string) =>
      APP_SOURCES.filter((file) => descendants(parse(file)).some((n) => ts.isPropertyAccessExpression(n) && n.expression.getText() === receiver));
    expect(uses('shell')).toEqual(['main/electron/window.ts']);
    expect(APP_SOURCES.filter((file) => callsOf(parse(file), 'openExternal').length > 0)).toEqual(['main/electron/window.ts']);
    expect(uses('ipcMain')).toEqual(['main/electron/ipc.ts']);
  });

  it('keeps preload/common/ to itself and zod (its mini build): the same code runs in Node, in Chromium and in the preload', () => {
    const common = sourceFilesUnder('preload/common');
    expect(common).toContain('preload/common/mail-html.ts');
    const outside = common.flatMap((file) =>
      importsOf(file)
        .filter((m) => (m.startsWith('.') ? !path.posix.join(path.posix.dirname(file), m).startsWith('preload/common/') : m !== 'zod/mini'))
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
  /** What app:// sends (test/hosts/desktop/app-scheme.test.ts: on every response); the browser host's in test/e2e/browser-host.test.ts. */
  const headerPolicy = async (): Promise<string> => {
    const empty = mkdtempSync(path.join(tmpdir(), 'outbound-csp-'));
    try {
      const response = await appRequestHandler(empty)({ method: 'GET', url: 'app://outbound/index.html' });
      return response.headers.get('content-security-policy') ?? '';
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  };

  it('is in renderer/index.html without the directives a meta tag cannot carry; the header adds only those', async () => {
    expect(metaPolicy()).toBe(META_CSP);
    // CSP3 §6.1 (meta element): frame-ancestors, report-uri and sandbox are ignored there, each with a console error.
    const directives = metaPolicy()
      .split(';')
      .map((directive) => directive.trim().split(/\s+/)[0]);
    expect(directives.filter((name) => ['frame-ancestors', 'report-uri', 'sandbox'].includes(name ?? ''))).toEqual([]);
    expect(await headerPolicy()).toBe(`${metaPolicy()}; ${HEADER_ONLY_CSP}`);
  });

  it('allows no inline or eval code and no remote origin', async () => {
    const policy = await headerPolicy();
    expect(policy).toContain("default-src 'none'");
    for (const directive of policy.split(';')) {
      const [name, ...sources] = directive.trim().split(/\s+/);
      const allowed = name === 'img-src' ? ["'self'", "'none'", 'data:'] : ["'self'", "'none'"];
      expect(
        sources.filter((s) => !allowed.includes(s)),
        `${name}`,
      ).toEqual([]);
    }
  });
});

describe('the built preload', () => {
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
  it('makes no session but the default one (whose permissions the shell denies: test/electron/)', () => {
    // Another session would come without the handlers: none is made, by partition or by API.
    const otherSessions = APP_SOURCES.flatMap((file) =>
      [...callsOf(parse(file), 'fromPartition'), ...callsOf(parse(file), 'fromPath')].map((call) => `${file}: ${call.getText()}`),
    );
    expect(otherSessions).toEqual([]);
    const partitions = APP_SOURCES.flatMap((file) =>
      descendants(parse(file))
        .filter((n) => ts.isPropertyAssignment(n) && n.name.getText() === 'partition')
        .map(() => file),
    );
    expect(partitions).toEqual([]);
  });

  it('loads only app://outbound: no file:// page and no other URL', () => {
    expect(APP_SOURCES.flatMap((file) => callsOf(parse(file), 'loadFile').map(() => file))).toEqual([]);
    const urls = APP_SOURCES.flatMap((file) => callsOf(parse(file), 'loadURL').map((call) => call.arguments[0]?.getText() ?? ''));
    expect(urls.length).toBeGreaterThan(0);
    // The entry page itself, or it with a fixed fragment: nothing computed from data.
    for (const url of urls) expect(url).toMatch(/^(APP_ENTRY_URL|`\$\{APP_ENTRY_URL\}#[\w-]*`)$/);
    const fileUrls = APP_SOURCES.filter(inShell).filter((file) => descendants(parse(file)).some((n) => stringValue(n)?.startsWith('file:')));
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
            (ts.isPropertyAccessExpression(n) &&
              ['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'write', 'writeln'].includes(n.name.text) &&
              (n.name.text.startsWith('write') ? n.expression.getText() === 'document' : true)) ||
            ((ts.isCallExpression(n) || ts.isNewExpression(n)) && ['eval', 'Function'].includes(n.expression.getText())),
        )
        .map((n) => `${file}: ${n.getText().slice(0, 80)}`),
    );
    expect(RENDERER.length).toBeGreaterThan(0);
    expect(offenders).toEqual([]);
  });

  it('runs on an Electron that still gets security fixes: the one pinned, locked and installed', () => {
    const pinned = (JSON.parse(read('package.json')) as { devDependencies: Record<string, string> }).devDependencies.electron ?? '';
    const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { version?: string }> };
    const installed = (JSON.parse(read('node_modules/electron/package.json')) as { version: string }).version;
    // An exact pin: the release the shell is type-checked against (its electron.d.ts) is the one that ships.
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
    expect({ locked: lock.packages['node_modules/electron']?.version, installed }).toEqual({ locked: pinned, installed: pinned });
    expect(ELECTRON_MAJORS_WITH_SECURITY_FIXES).toContain(Number(pinned.split('.')[0]));
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
