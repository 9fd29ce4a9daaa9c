/**
 * `node test/security/audit.ts` (CI): `npm audit --omit=dev` over what ships. Every advisory is
 * printed; a high or critical one fails the build unless SECURITY.md names its GHSA id with the
 * reason it does not apply.
 *
 * Where the registry's advisory endpoint cannot be reached (our build machines' proxy answers its
 * POST with 405), the check cannot say anything: it says so loudly and passes, unless
 * OUTBOUND_AUDIT_REQUIRED=1 (set it on CI machines that reach registry.npmjs.org directly).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');
const BLOCKING = ['high', 'critical'];

/** The parts of `npm audit --json` (npm 7+) read here. */
interface AuditReport {
  error?: { summary?: string };
  message?: string;
  vulnerabilities?: Record<string, { severity: string; via: Array<string | { title: string; url: string; severity: string }> }>;
}

const run = spawnSync('npm', ['audit', '--omit=dev', '--json'], { cwd: root, encoding: 'utf8' });
let report: AuditReport;
try {
  report = JSON.parse(run.stdout) as AuditReport;
} catch {
  report = { message: run.stderr || run.stdout };
}

if (report.vulnerabilities === undefined) {
  const reason = report.error?.summary || report.message || 'no report';
  console.error(`npm audit: the advisory database could not be reached (${reason.split('\n')[0]}): production dependencies NOT checked.`);
  process.exit(process.env.OUTBOUND_AUDIT_REQUIRED === '1' ? 1 : 0);
}

const explained = readFileSync(path.join(root, 'SECURITY.md'), 'utf8');
const advisories = Object.entries(report.vulnerabilities).flatMap(([name, entry]) =>
  entry.via.filter((via) => typeof via !== 'string').map((via) => ({ name, ...via, id: /GHSA-[\w-]+/.exec(via.url)?.[0] ?? via.url })),
);
const unexplained = advisories.filter((a) => BLOCKING.includes(a.severity) && !explained.includes(a.id));
for (const a of advisories) {
  console.log(`${a.severity.padEnd(8)} ${a.name}: ${a.title} (${a.id})${explained.includes(a.id) ? ' — explained in SECURITY.md' : ''}`);
}
if (unexplained.length > 0) {
  console.error(
    `npm audit: ${unexplained.length} high or critical advisory(ies) in production dependencies not explained in SECURITY.md: ${unexplained.map((a) => a.id).join(', ')}`,
  );
  process.exit(1);
}
console.log(`npm audit: ${advisories.length} advisory(ies) in production dependencies, none high or critical unexplained.`);
