/**
 * `npm run bench`: how fast the outbox empties, as a ratio to raw pooled nodemailer sending the same
 * 10 KB messages to the same sink in the same run — with every Outbound state change durable (WAL,
 * synchronous=FULL). Also enqueue latency (p50/p99) and 1k vs 10k messages to show the cost grows
 * linearly. The sink is Postfix's smtp-sink (Debian's postfix package); smtp-source gives the
 * sink's own ceiling. Ratios, not timings, are what to compare across machines.
 *
 * The build machines share their disks and CPUs with others, so figures drift over seconds: each
 * Outbound run is bracketed by two reference runs and compared with their mean, and each size is
 * measured in several rounds (the median ratio is the figure).
 *
 * With --sent-copy the account has an IMAP server: each message's copy job is made in the transaction
 * that records it sent, and the flush ends with every copy still pending (no APPEND started).
 *
 *   npm run bench [-- --messages 1000 --large 10000 --connections 2 --rounds 3 --sent-copy]
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import nodemailer from 'nodemailer';
import { openCore } from '../main/core/index.ts';
import { inProcessApi } from '../main/hosts/in-process.ts';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '1000' },
    large: { type: 'string', default: '10000' },
    connections: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '3' },
    // Give the account an IMAP server (nothing listens there): each sent message gets its copy job, which the flush does not wait for.
    'sent-copy': { type: 'boolean', default: false },
  },
});
const ROUNDS = Number(values.rounds);
const MESSAGES = Number(values.messages);
const LARGE = Number(values.large);
const CONNECTIONS = Number(values.connections);
const SINK = ['/usr/sbin/smtp-sink', '/usr/lib/postfix/sbin/smtp-sink'].find((p) => spawnSync('test', ['-x', p]).status === 0);
const SOURCE = ['/usr/sbin/smtp-source', '/usr/lib/postfix/sbin/smtp-source'].find((p) => spawnSync('test', ['-x', p]).status === 0);
if (!SINK) {
  console.error('bench: smtp-sink not found: install Postfix (Debian: apt-get install postfix).');
  process.exit(2);
}

/** ~10 KB of text: 130 lines of 76 characters. */
const BODY = Array.from({ length: 130 }, (_, i) => `${String(i).padStart(3, '0')} ${'lorem ipsum dolor sit amet '.repeat(3).slice(0, 71)}`).join('\n');

async function withSink<T>(run: (port: number) => Promise<T>): Promise<T> {
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const sink: ChildProcess = spawn(SINK!, ['-u', 'nobody', `127.0.0.1:${port}`, '1000'], { stdio: 'ignore' });
  try {
    await waitForPort(port);
    return await run(port);
  } finally {
    sink.kill();
  }
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i += 1) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => resolve(true));
      socket.on('error', () => resolve(false));
      socket.setTimeout(200, () => resolve(false));
      socket.on('connect', () => socket.destroy());
    });
    if (up) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`smtp-sink did not listen on ${port}`);
}

/** The reference: nodemailer's own pooled transport, the same message bytes, the same sink. */
async function rawNodemailer(port: number, count: number): Promise<number> {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    ignoreTLS: true,
    pool: true,
    maxConnections: CONNECTIONS,
    maxMessages: Infinity,
  });
  const raw = `From: bench@outbound.test\r\nTo: sink@example.org\r\nSubject: bench\r\nMessage-ID: <bench@outbound.test>\r\n\r\n${BODY.replace(/\n/g, '\r\n')}\r\n`;
  const started = performance.now();
  await Promise.all(Array.from({ length: count }, () => transport.sendMail({ envelope: { from: 'bench@outbound.test', to: ['sink@example.org'] }, raw })));
  const seconds = (performance.now() - started) / 1000;
  transport.close();
  return count / seconds;
}

interface OutboundRun {
  perSecond: number;
  enqueueP50: number;
  enqueueP99: number;
  flushSeconds: number;
}

/** Data directories are removed once every figure is taken: deleting thousands of files can keep the disk busy (discard) for a while. */
const homes: string[] = [];

async function outbound(port: number, count: number): Promise<OutboundRun> {
  const home = mkdtempSync(join(tmpdir(), 'outbound-bench-'));
  homes.push(home);
  const core = openCore({ home, autoSend: false, sender: { workers: CONNECTIONS } });
  try {
    const api = inProcessApi(core);
    const account = await api.accounts.save({
      name: 'bench',
      email: 'bench@outbound.test',
      host: '127.0.0.1',
      port,
      security: 'none',
      maxPerMinute: 100_000,
      maxConnections: CONNECTIONS,
    });
    if (!account.ok) throw new Error(account.error.message);
    // Straight into the row: the sink speaks no TLS, and an account that signs in nowhere cannot have IMAP.
    if (values['sent-copy']) core.db.prepare(`UPDATE accounts SET imap_host = '127.0.0.1', imap_port = 9, imap_security = 'tls'`).run();
    const latencies: number[] = [];
    for (let i = 0; i < count; i += 1) {
      const started = performance.now();
      const queued = await api.outbox.send({ accountId: account.value.id, to: ['sink@example.org'], subject: `bench ${i}`, text: BODY, delaySeconds: 0 });
      latencies.push(performance.now() - started);
      if (!queued.ok) throw new Error(queued.error.message);
    }
    const started = performance.now();
    await core.sender.flush();
    const flushSeconds = (performance.now() - started) / 1000;
    const sent = core.db.prepare(`SELECT count(*) AS n FROM messages WHERE state = 'sent'`).get() as { n: number };
    if (sent.n !== count) throw new Error(`only ${sent.n} of ${count} messages were sent`);
    const copies = core.db.prepare(`SELECT count(*) AS n FROM sent_copies WHERE state = 'pending' AND attempts = 0`).get() as { n: number };
    if (values['sent-copy'] && copies.n !== count) throw new Error(`${copies.n} of ${count} sent messages have an untried copy job`);
    latencies.sort((a, b) => a - b);
    const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
    return { perSecond: count / flushSeconds, enqueueP50: at(0.5), enqueueP99: at(0.99), flushSeconds };
  } finally {
    await core.close();
  }
}

function smtpSource(port: number, count: number): number | undefined {
  if (!SOURCE) return undefined;
  const started = performance.now();
  const run = spawnSync(SOURCE, ['-s', String(CONNECTIONS), '-m', String(count), '-l', '10240', `127.0.0.1:${port}`]);
  return run.status === 0 ? count / ((performance.now() - started) / 1000) : undefined;
}

interface Compared extends OutboundRun {
  raw: number;
  ratio: number;
}

/** One Outbound run between two reference runs of the same size. */
async function compare(port: number, count: number): Promise<Compared> {
  const before = await rawNodemailer(port, count);
  const run = await outbound(port, count);
  const after = await rawNodemailer(port, count);
  const raw = (before + after) / 2;
  return { ...run, raw, ratio: run.perSecond / raw };
}

const f = (n: number, digits = 0) => n.toFixed(digits);

/** Rounds of one size: the round with the median ratio, and each figure's range over the rounds. */
async function measure(port: number, count: number) {
  const rounds: Compared[] = [];
  for (let i = 0; i < ROUNDS; i += 1) rounds.push(await compare(port, count));
  const ratios = rounds.map((r) => r.ratio).sort((a, b) => a - b);
  const median = rounds.find((r) => r.ratio === ratios[Math.floor(ratios.length / 2)])!;
  const range = (pick: (r: Compared) => number, digits = 0) => {
    const xs = rounds.map(pick);
    return ROUNDS === 1 ? f(xs[0]!, digits) : `${f(Math.min(...xs), digits)}–${f(Math.max(...xs), digits)}`;
  };
  return { count, median, range };
}

console.log(
  `Outbound flush benchmark: ${MESSAGES} and ${LARGE} messages of ~10 KB, ${ROUNDS} round(s) each, ${CONNECTIONS} connection(s), smtp-sink on loopback` +
    (values['sent-copy'] ? ', each with its copy in Sent pending' : ''),
);
process.on('exit', () => homes.forEach((home) => rmSync(home, { recursive: true, force: true })));
await withSink(async (port) => {
  await rawNodemailer(port, 200); // warm up the sink and the JIT
  const ceiling = smtpSource(port, MESSAGES);
  const sizes = [await measure(port, MESSAGES), await measure(port, LARGE)];
  console.log('');
  if (ceiling) console.log(`  smtp-source (the sink's ceiling): ${f(ceiling)} msg/s`);
  for (const { count, median, range } of sizes) {
    console.log(`  ${count} messages:`);
    console.log(`    raw nodemailer, pooled (reference)    ${range((r) => r.raw)} msg/s`);
    console.log(`    Outbound flush, every state durable   ${range((r) => r.perSecond)} msg/s`);
    console.log(`    ratio Outbound / raw nodemailer       median ${f(median.ratio, 2)} (${range((r) => r.ratio, 2)})   goal >= 0.5`);
    console.log(
      `    enqueue latency                       p50 ${range((r) => r.enqueueP50, 2)} ms, p99 ${range((r) => r.enqueueP99, 2)} ms   goal p99 <= 10 ms`,
    );
  }
  const perMessage = ({ count, median }: (typeof sizes)[number]) => (median.flushSeconds / count) * 1000;
  const [small, large] = sizes as [(typeof sizes)[number], (typeof sizes)[number]];
  console.log(
    `  flush cost per message: ${f(perMessage(small), 3)} ms (${MESSAGES}) vs ${f(perMessage(large), 3)} ms (${LARGE}): ` +
      `x${f(perMessage(large) / perMessage(small), 2)} per message for ${LARGE / MESSAGES}x the queue (1.00 = linear)`,
  );
});
