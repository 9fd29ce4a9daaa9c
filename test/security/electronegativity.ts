/**
 * `node test/security/electronegativity.ts` (CI, after `npm run build`): Doyensec's Electronegativity
 * over the app's sources and over the built app, offline. Exits 1 on any finding of any level; a
 * reviewed finding is suppressed where it is, with `eng-disable CHECK_ID <reason>` on its line
 * (SECURITY.md lists them).
 *
 * What is scanned is what goes into the package: main/ without the CLI, the browser host and the
 * `npm start` launcher (tsconfig.build.json leaves them out; none runs in Electron), preload/ and
 * renderer/; then dist/{main,preload,renderer}, as electron-builder.yml packs them. package.json and
 * its lock go along so the checks know the Electron version.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');
const CLI = path.join(root, 'node_modules', '@doyensec', 'electronegativity', 'dist', 'index.js');
const NOT_IN_THE_APP = ['cli', 'browser', path.join('desktop', 'launch.ts')].map((part) => path.join(root, 'main', 'hosts', part));
/**
 * Checks not run. AvailableSecurityFixesGlobalCheck fetches Electron's release list (we are offline).
 * ElectronVersionJSONCheck only reports package.json's Electron version for a person to judge, and
 * a JSON file has no line for an `eng-disable` comment: test/static/shell-security.test.ts judges the
 * version instead (the pinned, locked and installed release, among those that still get security fixes).
 */
const EXCLUDED_CHECKS = ['AvailableSecurityFixesGlobalCheck', 'ElectronVersionJSONCheck'];

/**
 * Electronegativity always tries to fetch translations first; offline, its HTTP client (got 11)
 * crashes on Node 24 when it retries. On the system's Node (Debian's 20) the failure is a warning.
 * So prefer a `node` on PATH other than the project's own node_modules/.bin one.
 */
function systemNode(): string {
  const candidates = (process.env.PATH ?? '').split(path.delimiter).filter((dir) => dir !== '' && !dir.includes('node_modules'));
  return candidates.map((dir) => path.join(dir, 'node')).find((file) => existsSync(file)) ?? process.execPath;
}

const TARGETS: Record<string, string[]> = {
  sources: ['main', 'preload', 'renderer'],
  'built app': ['dist/main', 'dist/preload', 'dist/renderer'],
};

/** A copy of `dirs` (and the package files) in a scratch directory: Electronegativity scans whole trees. */
function stage(dirs: string[]): string {
  const scratch = mkdtempSync(path.join(tmpdir(), 'outbound-electronegativity-'));
  for (const dir of [...dirs, 'package.json', 'package-lock.json']) {
    cpSync(path.join(root, dir), path.join(scratch, dir), { recursive: true, filter: (source) => !NOT_IN_THE_APP.includes(source) });
  }
  return scratch;
}

interface Sarif {
  runs: {
    results: {
      ruleId: string;
      level: string;
      message: { text: string };
      locations?: { physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } } }[];
    }[];
  }[];
}

/**
 * Every finding from the SARIF report (its CSV report does not escape code samples), of any level:
 * a `note` is a check that asks for a manual review, which is done once and recorded by its
 * `eng-disable` comment, not skipped on every run. Suppressed findings are not in the report.
 */
function scan(name: string, dirs: string[]): string[] {
  const scratch = stage(dirs);
  try {
    const report = path.join(scratch, 'findings.sarif');
    const run = spawnSync(systemNode(), [CLI, '-i', scratch, '-x', EXCLUDED_CHECKS.join(','), '-r', '-v', 'false', '-o', report], {
      encoding: 'utf8',
    });
    if (run.status !== 0) throw new Error(`electronegativity failed on the ${name} (exit ${run.status}): ${run.stderr}`);
    const sarif = JSON.parse(readFileSync(report, 'utf8')) as Sarif;
    return sarif.runs
      .flatMap((r) => r.results)
      .map((result) => {
        const where = result.locations?.[0]?.physicalLocation;
        return `${name}: ${result.ruleId} (${result.level}) at ${where?.artifactLocation.uri ?? '?'}:${where?.region?.startLine ?? '?'}: ${result.message.text}`;
      });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const findings = Object.entries(TARGETS).flatMap(([name, dirs]) => scan(name, dirs));
if (findings.length > 0) {
  console.error(
    `Electronegativity: ${findings.length} finding(s). Fix each, or suppress it on its line with \`eng-disable CHECK_ID <reason>\` and list it in SECURITY.md:`,
  );
  for (const finding of findings) console.error(`  ${finding}`);
  process.exit(1);
}
console.log(`Electronegativity: no findings in ${Object.keys(TARGETS).join(' or the ')}.`);
