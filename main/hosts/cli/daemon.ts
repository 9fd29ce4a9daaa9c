/**
 * `outbound daemon`: the app's sender with no window, for a server or a desktop without the app
 * open: due messages, backoff, the network probe, and leases shared with the app and other CLIs,
 * until SIGTERM or SIGINT. Then the message in flight is finished (runCli closes the core), so
 * nothing is left `sending`.
 */
import { EXIT, report, type Command, type Context } from './common.ts';

/** Mail another program queued (sendmail, cron) is seen this soon; a server that was away, probed as often. */
const LOOK_EVERY_MS = 5_000;

async function daemon({ io, api }: Context): Promise<number> {
  const accounts = await api.accounts.list();
  if (!accounts.ok) return report(io, accounts.error);
  io.stdout(
    `outbound daemon: sending what waits in the outbox (${accounts.value.length} account${accounts.value.length === 1 ? '' : 's'}) until stopped with SIGTERM or Ctrl-C; mail other programs queue is seen within ${LOOK_EVERY_MS / 1000} s.`,
  );
  // The sender's timers do not keep a process alive (a CLI command must not hang on them), nor do signal handlers: this does.
  const alive = setInterval(() => undefined, 2 ** 30);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    for (const name of ['SIGTERM', 'SIGINT'] as const) process.once(name, () => resolve(name));
  });
  clearInterval(alive);
  io.stdout(`outbound daemon: ${signal}: finishing the message being sent, then stopping.`);
  return EXIT.ok;
}

export const daemonCommands: Record<string, Command> = {
  daemon: {
    usage: `   Send in the background with no window, as the app does, until SIGTERM or Ctrl-C (a systemd
              user unit: see the README).`,
    options: {},
    core: () => ({ autoSend: true, checkDatabase: true, sender: { maxSleepMs: LOOK_EVERY_MS, probeEveryMs: LOOK_EVERY_MS } }),
    run: daemon,
  },
};
