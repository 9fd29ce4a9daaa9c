/**
 * `npm run bench:cli` (builds the CLI's bundle first): how fast `outbound` starts, against native
 * tools measured in the same run, in rounds that run every command once (the machine's load moves
 * them alike). Each command runs as scripts run it: bin/outbound by its path, a child process on its
 * own data directory; wall time is the median of the runs, peak RSS the largest (GNU time's %M).
 * Goals: `--help` and `account list` at most 3× `node -e 0`; `send` and `sendmail` of a small message
 * to a local sink at most msmtp's time + 150 ms and 60 MiB. The sink (smtp-server) holds its greeting
 * 100 ms to catch early talkers: all senders' times include it. Beside msmtp, the floor of Outbound's
 * stack (floor-sender.js: SQLite and nodemailer on the same Node, nothing of ours): what `send` costs
 * above it is what our code costs. Then the app's own start, with the
 * main process's share (app-start.ts). Needs msmtp and /usr/bin/time (`apt-get install msmtp time`),
 * and for the app `npm run build` and /usr/bin/chromium.
 *
 *   node bench/cli.ts [--runs 15] [--app-runs 5]
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { SMTPServer } from 'smtp-server';
import { openCore } from '../main/core/index.ts';
import { inProcessApi } from '../main/hosts/in-process.ts';
import { measureAppStart } from './app-start.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' }, 'app-runs': { type: 'string', default: '5' } } });
const RUNS = Number(values.runs);
/** What `outbound` runs: the package's bin, by its path (as npx, git and PHP run it). */
const BIN = join(import.meta.dirname, '..', 'bin', 'outbound');
const run = promisify(execFile);
const home = mkdtempSync(join(tmpdir(), 'outbound-bench-cli-'));
const env = { ...process.env, OUTBOUND_HOME: home };

interface Figure {
  ms: number;
  mib: number;
}

interface Command {
  command: string;
  args: string[];
  stdin?: string;
}

/** One run of `command`: its wall time, and its peak RSS in KiB. */
async function once({ command, args, stdin }: Command): Promise<{ ms: number; kb: number }> {
  const rssFile = join(home, 'rss');
  const started = performance.now();
  const child = run('/usr/bin/time', ['-f', '%M', '-o', rssFile, command, ...args], { env });
  if (stdin !== undefined) child.child.stdin!.end(stdin);
  await child;
  const ms = performance.now() - started;
  return { ms, kb: Number(readFileSync(rssFile, 'utf8').trim().split('\n').at(-1)) };
}

/**
 * Each command RUNS times (after one untimed run that fills Node's compile cache), in rounds that run
 * every command once, so that the machine's load moves all of them alike: median wall, peak RSS.
 */
async function measure<Name extends string>(commands: Record<Name, Command>): Promise<Record<Name, Figure>> {
  const names = Object.keys(commands) as Name[];
  const runs = new Map(names.map((name) => [name, [] as Array<{ ms: number; kb: number }>]));
  for (const name of names) await once(commands[name]);
  for (let round = 0; round < RUNS; round++) for (const name of names) runs.get(name)!.push(await once(commands[name]));
  const figure = (name: Name): Figure => {
    const times = runs
      .get(name)!
      .map(({ ms }) => ms)
      .sort((a, b) => a - b);
    return { ms: times[Math.floor(times.length / 2)]!, mib: Math.max(...runs.get(name)!.map(({ kb }) => kb)) / 1024 };
  };
  return Object.fromEntries(names.map((name) => [name, figure(name)])) as Record<Name, Figure>;
}

let received = 0;
const sink = new SMTPServer({
  authOptional: true,
  disableReverseLookup: true,
  disabledCommands: ['STARTTLS'],
  onData(stream, _session, callback) {
    stream.resume();
    stream.on('end', () => {
      received++;
      callback();
    });
  },
});
await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
const port = (sink.server.address() as { port: number }).port;
const node = process.execPath;

try {
  // Saved through the contract, not `account add`: every run sends, so no rate limit may hold one back.
  const core = openCore({ home, autoSend: false });
  const saved = await inProcessApi(core).accounts.save({
    name: 'bench',
    email: 'bench@outbound.test',
    host: '127.0.0.1',
    port,
    security: 'none',
    maxPerMinute: 100_000,
  });
  await core.close();
  if (!saved.ok) throw new Error(saved.error.message);
  const message = 'From: bench@outbound.test\r\nTo: sink@outbound.test\r\nSubject: bench\r\n\r\nA small message.\r\n';
  const figures = await measure({
    node: { command: node, args: ['-e', '0'] },
    help: { command: BIN, args: ['--help'] },
    list: { command: BIN, args: ['account', 'list'] },
    msmtp: {
      command: 'msmtp',
      args: ['--host=127.0.0.1', `--port=${port}`, '--auth=off', '--tls=off', '--from=bench@outbound.test', 'sink@outbound.test'],
      stdin: message,
    },
    floor: { command: node, args: [join(import.meta.dirname, 'floor-sender.js'), join(home, 'floor.sqlite'), String(port)] },
    send: { command: BIN, args: ['send', '--account', 'bench', '--to', 'sink@outbound.test', '--subject', 'bench', '--text', 'A small message.'] },
    sendmail: { command: BIN, args: ['sendmail', '-i', 'sink@outbound.test'], stdin: message },
  });
  const row = (name: string, { ms, mib }: Figure, verdict = '') =>
    console.log(`${name.padEnd(27)} ${ms.toFixed(0).padStart(6)} ms ${mib.toFixed(0).padStart(5)} MiB  ${verdict}`);
  const ratio = (figure: Figure) => {
    const times = figure.ms / figures.node.ms;
    return `${times.toFixed(1)}× node -e 0 (goal ≤ 3×: ${times <= 3 ? 'met' : 'NOT met'})`;
  };
  const beside = (figure: Figure) => {
    const over = figure.ms - figures.msmtp.ms;
    const overFloor = figure.mib - figures.floor.mib;
    return (
      `msmtp + ${over.toFixed(0)} ms (goal ≤ 150: ${over <= 150 ? 'met' : 'NOT met'}), ${figure.mib <= 60 ? 'within' : 'OVER'} 60 MiB` +
      ` (floor + ${overFloor.toFixed(1)} MiB)`
    );
  };
  // msmtp, the floor, send and sendmail, each RUNS times after one untimed run: a sender that only queued would look fast.
  console.log(`median of ${RUNS} runs; ${received} of ${4 * (RUNS + 1)} messages reached the sink`);
  row('node -e 0', figures.node);
  row('outbound --help', figures.help, ratio(figures.help));
  row('outbound account list', figures.list, ratio(figures.list));
  row('msmtp', figures.msmtp);
  row('floor (SQLite+nodemailer)', figures.floor, `msmtp + ${(figures.floor.ms - figures.msmtp.ms).toFixed(0)} ms`);
  row('outbound send', figures.send, beside(figures.send));
  row('outbound sendmail', figures.sendmail, beside(figures.sendmail));
  const app = await measureAppStart(home, Number(values['app-runs']));
  console.log(
    `app start (browser host until Compose takes typing; median of ${values['app-runs']}): ${app.totalMs.toFixed(0)} ms, of which the main process ${app.mainMs.toFixed(0)} ms`,
  );
} finally {
  sink.close();
  rmSync(home, { recursive: true, force: true });
}
