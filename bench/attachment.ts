/**
 * `node bench/attachment.ts`: peak memory of sending a 25 MB attachment through the real core — the
 * contract's outbox.send (freezing streams the file into the message) and one SMTP attempt (the
 * frozen file streams to the server). The sending runs in a child process so the number is its own:
 * the growth of its peak RSS (process.resourceUsage().maxRSS) across the send, as a ratio to the
 * attachment's size. Goal: at most 1.5.
 *
 *   node bench/attachment.ts [--mb 25]
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { SMTPServer } from 'smtp-server';
import { openCore } from '../main/core/index.ts';
import { inProcessApi } from '../main/hosts/in-process.ts';

const { values } = parseArgs({ options: { mb: { type: 'string', default: '25' }, child: { type: 'string' }, port: { type: 'string' } } });
const GOAL = 1.5;

/** The sending side: what is measured. Prints its result as one JSON line. */
async function child(file: string, port: number): Promise<void> {
  const core = openCore({ home: mkdtempSync(join(tmpdir(), 'outbound-bench-')), autoSend: false });
  const api = inProcessApi(core);
  try {
    const account = await api.accounts.save({ name: 'bench', email: 'bench@outbound.test', host: '127.0.0.1', port, security: 'none' });
    if (!account.ok) throw new Error(account.error.message);
    const send = async (attachments: { path: string }[]) => {
      const queued = await api.outbox.send({
        accountId: account.value.id,
        to: ['sink@example.org'],
        subject: 'bench',
        text: 'see attached',
        attachments,
        delaySeconds: 0,
      });
      if (!queued.ok) throw new Error(queued.error.message);
      const sent = await core.sender.sendNow(queued.value.id);
      if (sent.state !== 'sent') throw new Error(`not sent: ${sent.lastError}`);
      return sent.size;
    };
    await send([]); // warm up: every module loaded and every code path taken once
    const before = process.resourceUsage().maxRSS;
    const [picked] = await core.compose.gate.approve([file]);
    const messageBytes = await send([{ path: picked!.path }]);
    const after = process.resourceUsage().maxRSS;
    console.log(JSON.stringify({ attachmentBytes: picked!.size, messageBytes, peakGrowthBytes: (after - before) * 1024 }));
  } finally {
    await core.close();
    rmSync(core.home, { recursive: true, force: true });
  }
}

async function parent(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'outbound-bench-file-'));
  const file = join(dir, 'attachment.bin');
  const bytes = Number(values.mb) * 1024 * 1024;
  // Random bytes, written in pieces: incompressible, and the parent never holds the whole file either.
  await new Promise<void>((resolve, reject) => {
    const out = createWriteStream(file).on('finish', resolve).on('error', reject);
    for (let left = bytes; left > 0; left -= 1 << 20) out.write(randomBytes(Math.min(left, 1 << 20)));
    out.end();
  });
  // The sink: accepts and discards (the sender's memory is measured, not the server's).
  const sink = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 0,
    onData(stream, _session, callback) {
      stream.on('end', () => callback()).resume();
    },
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const { port } = sink.server.address() as { port: number };
  try {
    // Asynchronously: the sink runs on this process's event loop.
    const { stdout: output } = await promisify(execFile)(process.execPath, [import.meta.filename, '--child', file, '--port', String(port)], {
      encoding: 'utf8',
    });
    const result = JSON.parse(output.trim().split('\n').at(-1)!) as { attachmentBytes: number; messageBytes: number; peakGrowthBytes: number };
    const ratio = result.peakGrowthBytes / result.attachmentBytes;
    const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
    console.log(`attachment ${mb(result.attachmentBytes)}, frozen message ${mb(result.messageBytes)}`);
    console.log(`peak RSS growth of the sending process: ${mb(result.peakGrowthBytes)} = ${ratio.toFixed(2)} × the attachment (goal ≤ ${GOAL})`);
    process.exitCode = ratio <= GOAL ? 0 : 1;
  } finally {
    await new Promise<void>((resolve) => sink.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  }
}

if (values.child) await child(values.child, Number(values.port));
else await parent();
