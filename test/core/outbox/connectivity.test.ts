/**
 * The network flag on its own, against real loopback ports: set down by a failure, said once per
 * change, probed only while down, up again as soon as one target answers — by itself on its timer.
 */
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Connectivity, type ConnectivityOptions, type ProbeTarget } from '../../../main/core/outbox/connectivity.ts';
import { closedPort } from '../../helpers/net.ts';

const servers: Server[] = [];
const flags: Connectivity[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const flag of flags.splice(0)) flag.stop();
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A port that accepts connections, counting them. */
async function listening(): Promise<{ target: ProbeTarget; connections: () => number }> {
  let connections = 0;
  const server = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { target: { host: '127.0.0.1', port: (server.address() as { port: number }).port }, connections: () => connections };
}

/** A flag over `targets` (changeable), recording what it said, that never probes by itself unless told how often. */
function flag(targets: ProbeTarget[], options: Partial<ConnectivityOptions> = {}) {
  const said: boolean[] = [];
  let asked = 0;
  const connectivity = new Connectivity({
    targets: () => {
      asked++;
      return targets;
    },
    onChange: (online) => said.push(online),
    probeEveryMs: 3_600_000,
    ...options,
  });
  flags.push(connectivity);
  return { connectivity, said, asked: () => asked };
}

describe('the network flag', () => {
  it('starts up, goes down on a failure and up when an attempt gets through, saying each change once', () => {
    const { connectivity, said } = flag([]);
    expect(connectivity.online).toBe(true);
    connectivity.reached();
    expect(said).toEqual([]);
    connectivity.failed();
    connectivity.failed();
    expect(connectivity.online).toBe(false);
    connectivity.reached();
    connectivity.reached();
    expect(connectivity.online).toBe(true);
    expect(said).toEqual([false, true]);
  });

  it('does not probe while up, nor once stopped', async () => {
    const { connectivity, asked } = flag([]);
    await connectivity.probeNow();
    expect(asked()).toBe(0);
    connectivity.failed();
    connectivity.stop();
    await connectivity.probeNow();
    expect(asked()).toBe(0);
    expect(connectivity.online).toBe(false);
  });

  it('counts the network as up when nothing waits for it (no targets)', async () => {
    const { connectivity, said } = flag([]);
    connectivity.failed();
    await connectivity.probeNow();
    expect(connectivity.online).toBe(true);
    expect(said).toEqual([false, true]);
  });

  it('stays down while no target answers, and comes up when any one does; probes at once are one probe', async () => {
    const targets = [{ host: '127.0.0.1', port: await closedPort() }];
    const { connectivity, said, asked } = flag(targets);
    connectivity.failed();
    await connectivity.probeNow();
    expect(connectivity.online).toBe(false);

    const up = await listening();
    targets.push(up.target);
    const first = connectivity.probeNow();
    expect(connectivity.probeNow()).toBe(first);
    await first;
    expect(asked()).toBe(2);
    expect(up.connections()).toBe(1);
    expect(connectivity.online).toBe(true);
    expect(said).toEqual([false, true]);
    // Done probing, the next look is a probe of its own.
    connectivity.failed();
    await connectivity.probeNow();
    expect(asked()).toBe(3);
  });

  it('looks again by itself every probeEveryMs while down, and stops looking once up', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const targets = [{ host: '127.0.0.1', port: await closedPort() }];
    const { connectivity, asked } = flag(targets, { probeEveryMs: 20 });
    connectivity.failed();
    vi.advanceTimersByTime(19);
    expect(asked()).toBe(0);
    vi.advanceTimersByTime(1);
    expect(asked()).toBe(1);
    await connectivity.probeNow(); // the look under way
    expect(connectivity.online).toBe(false);
    expect(vi.getTimerCount()).toBe(1);

    const up = await listening();
    targets.splice(0, 1, up.target);
    vi.advanceTimersByTime(20);
    expect(asked()).toBe(2);
    await connectivity.probeNow();
    expect(connectivity.online).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('looks every 15 s unless told; stop() cancels the next look', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { connectivity, asked } = flag([{ host: '127.0.0.1', port: await closedPort() }], { probeEveryMs: undefined });
    connectivity.failed();
    vi.advanceTimersByTime(14_999);
    expect(asked()).toBe(0);
    vi.advanceTimersByTime(1);
    expect(asked()).toBe(1);
    await connectivity.probeNow();
    expect(vi.getTimerCount()).toBe(1);
    connectivity.stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps one look pending at a time, drops it when an attempt gets through, and sets none after a probe that ends once stopped', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { connectivity } = flag([{ host: '127.0.0.1', port: await closedPort() }]);
    connectivity.failed();
    connectivity.failed();
    expect(vi.getTimerCount()).toBe(1);
    connectivity.reached();
    expect(vi.getTimerCount()).toBe(0);

    connectivity.failed();
    const probing = connectivity.probeNow();
    connectivity.stop();
    await probing;
    expect(connectivity.online).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });
});
