/** The CLI's input and output as a process has them: what bin.ts (Node) and the installed app's main process (Electron) give runCli. */
import { buffer, text } from 'node:stream/consumers';
import type { CliIo } from './common.ts';

export const processIo: CliIo = {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
  readStdin: () => text(process.stdin),
  readStdinBytes: () => buffer(process.stdin),
};
