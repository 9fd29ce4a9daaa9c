#!/usr/bin/env node
// The `outbound` command. Runs on Node 24 (the project's node@24), which executes TypeScript directly.
import { text } from 'node:stream/consumers';
import { runCli } from './main.ts';

const exitCode = await runCli(process.argv.slice(2), {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
  readStdin: () => text(process.stdin),
});
process.exitCode = exitCode;
