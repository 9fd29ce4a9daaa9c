/**
 * `npm run package:smoke`: build, package for Linux (dir target) with a stand-in Electron, and check
 * what ends up inside. Electron cannot be downloaded here, so the stand-in is a shell script that
 * carries Electron's fuse wire: electron-builder flips the fuses on it as on the real binary, and
 * this script reads them back.
 */
import { extractFile, listPackage } from '@electron/asar';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { builtinModules } from 'node:module';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');
const work = mkdtempSync(path.join(tmpdir(), 'outbound-package-'));

/** Electron's fuse sentinel, wire version 1, 8 fuses in the states a stock Electron ships with. */
const STOCK_FUSE_WIRE = Buffer.concat([Buffer.from('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'), Buffer.from([1, 8]), Buffer.from('10110001')]);
/** A fuse's byte in the wire: ASCII '1' or '0' (@electron/fuses does not export its FuseState). */
const fuseByte = (enabled: boolean): number => (enabled ? '1' : '0').charCodeAt(0);

/** What electron-builder.yml's electronFuses must leave in the binary. */
const EXPECTED_FUSES: ReadonlyArray<[FuseV1Options, boolean]> = [
  [FuseV1Options.RunAsNode, false],
  [FuseV1Options.EnableCookieEncryption, true],
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable, false],
  [FuseV1Options.EnableNodeCliInspectArguments, false],
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation, true],
  [FuseV1Options.OnlyLoadAppFromAsar, true],
  [FuseV1Options.GrantFileProtocolExtraPrivileges, false],
];

/** Inside app.asar, as listed by @electron/asar. */
const REQUIRED_IN_ASAR = ['/package.json', '/dist/main/electron/index.js', '/dist/preload/index.cjs', '/dist/renderer/index.html', '/dist/renderer/tray.png'];
/** Sources, tests, source maps and the development-only browser host stay out of the package. */
const FORBIDDEN_IN_ASAR = [/^\/(main|preload|renderer|test|bench|build|\.ci)\//, /^\/dist\/browser\//, /\.map$/, /^\/tsconfig/];
/** Native modules, which Electron can only load from outside the archive: this target's binaries, no others. */
const NATIVE_BINARIES = [`node_modules/better-sqlite3/prebuilds/${process.platform}-${process.arch}.node`, 'node_modules/keytar/build/Release/keytar.node'];

/** Every import of the built main process must resolve inside app.asar: files and packages alike. */
function unresolvedImports(archive: string, entries: readonly string[]): string[] {
  const present = new Set(entries);
  const unresolved: string[] = [];
  for (const file of entries.filter((entry) => entry.startsWith('/dist/main/') && entry.endsWith('.js'))) {
    const source = extractFile(archive, file.slice(1)).toString('utf8');
    for (const [, specifier = ''] of source.matchAll(/^\s*(?:import|export)\b[^'"]*?\bfrom\s*["']([^"']+)["']/gm)) {
      const target = specifier.startsWith('.')
        ? path.posix.join(path.posix.dirname(file), specifier)
        : `/node_modules/${specifier
            .split('/')
            .slice(0, specifier.startsWith('@') ? 2 : 1)
            .join('/')}`;
      const builtin = specifier === 'electron' || specifier.startsWith('node:') || builtinModules.includes(specifier);
      if (!builtin && !present.has(target)) unresolved.push(`${file} imports ${specifier}`);
    }
  }
  return unresolved;
}

function run(command: string, args: string[]): void {
  console.log(`\n$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  assert.equal(result.status, 0, `${command} ${args[0] ?? ''} exited with ${result.status ?? result.signal}`);
}

function makeStandInElectron(): string {
  const dist = path.join(work, 'electron-dist');
  mkdirSync(dist);
  const executable = path.join(dist, 'electron');
  const script = '#!/bin/sh\necho "stand-in Electron from the packaging smoke test; it does not run apps" >&2\nexit 1\n# ';
  writeFileSync(executable, Buffer.concat([Buffer.from(script), STOCK_FUSE_WIRE, Buffer.from('\n')]));
  chmodSync(executable, 0o755);
  return dist;
}

/** Every file below `dir`, relative to it, with forward slashes. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'));
}

async function main(): Promise<void> {
  run('npm', ['run', 'build']);
  const output = path.join(work, 'release');
  run(process.execPath, [
    path.join(root, 'node_modules', 'electron-builder', 'cli.js'),
    '--linux',
    'dir',
    `-c.electronDist=${makeStandInElectron()}`,
    `-c.directories.output=${output}`,
  ]);

  const unpacked = path.join(output, 'linux-unpacked');
  const resources = path.join(unpacked, 'resources');
  const archive = path.join(resources, 'app.asar');
  const entries = listPackage(archive, { isPack: false });
  for (const required of REQUIRED_IN_ASAR) assert.ok(entries.includes(required), `app.asar lacks ${required}`);
  assert.deepEqual(unresolvedImports(archive, entries), [], 'imports of dist/main that do not resolve in app.asar');
  const leaked = entries.filter((entry) => FORBIDDEN_IN_ASAR.some((pattern) => pattern.test(entry)));
  assert.deepEqual(leaked, [], 'app.asar holds files that must not ship');

  const outside = filesUnder(path.join(resources, 'app.asar.unpacked'));
  const binaries = outside.filter((file) => file.endsWith('.node')).sort();
  assert.deepEqual(binaries, [...NATIVE_BINARIES].sort(), 'native binaries in app.asar.unpacked');

  const executable = path.join(unpacked, 'outbound');
  assert.ok(existsSync(executable), `no executable at ${executable}`);
  // The deb's after-install script (electron-builder's template; the deb itself needs fpm from GitHub) links
  // /usr/bin/<executable>: the installed app is the `outbound` command on PATH.
  const afterInstall = readFileSync(path.join(root, 'node_modules', 'app-builder-lib', 'templates', 'linux', 'after-install.tpl'), 'utf8');
  assert.match(afterInstall, /ln -sf '\/opt\/\$\{sanitizedProductName\}\/\$\{executable\}' '\/usr\/bin\/\$\{executable\}'/, 'the deb links /usr/bin/outbound');
  assert.ok(entries.includes('/dist/main/hosts/cli/main.js'), 'app.asar lacks the CLI the app runs as `outbound`');
  const wire = await getCurrentFuseWire(executable);
  for (const [fuse, enabled] of EXPECTED_FUSES) {
    assert.equal(wire[fuse], fuseByte(enabled), `fuse ${FuseV1Options[fuse]} should be ${enabled ? 'on' : 'off'}`);
  }

  console.log(`\npackage smoke: ok (${entries.length} entries in app.asar; unpacked ${binaries.join(', ')}; ${EXPECTED_FUSES.length} fuses checked)`);
}

try {
  await main();
  rmSync(work, { recursive: true, force: true });
} catch (error) {
  console.error(`\npackage smoke: FAILED (work files kept in ${work})`);
  throw error;
}
