#!/usr/bin/env node
// The `outbound` command. Runs on Node 24 (the project's node@24), which executes TypeScript directly.
import { enableCompileCache } from 'node:module';
import { buffer, text } from 'node:stream/consumers';

// Node keeps the stripped TypeScript and V8's compiled code in its cache (NODE_COMPILE_CACHE, else the
// OS temp folder): a command starts in half the time after the first. Before the CLI itself is loaded.
enableCompileCache();
const { runCli } = await import('./main.ts');

const exitCode = await runCli(process.argv.slice(2), {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
  readStdin: () => text(process.stdin),
  readStdinBytes: () => buffer(process.stdin),
});
process.exitCode = exitCode;
