// The `outbound` command: the entry of the bundle that bin/outbound runs on the project's Node 24
// (vite.cli.config.ts builds it into dist/cli/outbound.js).
import { enableCompileCache } from 'node:module';

// Node keeps V8's compiled code of the bundle's files in its cache (NODE_COMPILE_CACHE, else the OS
// temp folder), so a start after the first compiles little. Turned on before the CLI itself is loaded.
enableCompileCache();
const [{ runCli }, { processIo }] = await Promise.all([import('./main.ts'), import('./process-io.ts')]);

process.exitCode = await runCli(process.argv.slice(2), processIo);
