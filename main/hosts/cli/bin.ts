// The `outbound` command: the entry of the bundle that bin/outbound runs on the project's Node 24
// (vite.cli.config.ts builds it into dist/cli/outbound.js).
import { enableCompileCache } from 'node:module';
import { buffer, text } from 'node:stream/consumers';

// Node keeps V8's compiled code of the bundle's files in its cache (NODE_COMPILE_CACHE, else the OS
// temp folder), so a start after the first compiles little. Turned on before the CLI itself is loaded.
enableCompileCache();
const { runCli } = await import('./main.ts');

const exitCode = await runCli(process.argv.slice(2), {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
  readStdin: () => text(process.stdin),
  readStdinBytes: () => buffer(process.stdin),
});
process.exitCode = exitCode;
