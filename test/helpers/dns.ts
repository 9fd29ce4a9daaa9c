/**
 * DNS servers on loopback UDP ports, started by the tests that use them (dns-packet).
 *
 * `startDnsServer` answers from a table of records: a name with records of another type answers
 * NOERROR with no data, an unknown name NXDOMAIN, and names listed in `silent` get no answer at all
 * (a timeout). `startBrokenDnsServer` is a resolver broken in one of the ways met on real machines
 * (issue 10): NXDOMAIN for every name, no answer at all, or REFUSED for everything.
 */
import { createSocket } from 'node:dgram';
import { decode, encode, type Answer, type Packet } from 'dns-packet';

export interface TestDnsServer {
  /** For Resolver.setServers: `127.0.0.1:PORT`. */
  server: string;
  /** Every question asked, as `TYPE name`. */
  questions: string[];
  close(): Promise<void>;
}

export const BROKEN_RESOLVERS = ['nxdomain', 'silent', 'refused'] as const;
export type BrokenResolver = (typeof BROKEN_RESOLVERS)[number];

/** Response flags: QR, RD and RA set, with the rcode in the low bits. */
const RCODE = { noerror: 0x8180, nxdomain: 0x8183, refused: 0x8185 } as const;

type Reply = { rcode: keyof typeof RCODE; answers?: Answer[] } | 'silent';

/** A server that answers each query as `reply` says. */
async function serve(reply: (questions: NonNullable<Packet['questions']>) => Reply): Promise<TestDnsServer> {
  const socket = createSocket('udp4');
  const questions: string[] = [];
  socket.on('message', (message, peer) => {
    const query = decode(message);
    const asked = query.questions ?? [];
    for (const q of asked) questions.push(`${q.type} ${q.name}`);
    const answer = reply(asked);
    if (answer === 'silent') return;
    socket.send(
      encode({ type: 'response', id: query.id, flags: RCODE[answer.rcode], questions: asked, answers: answer.answers ?? [] }),
      peer.port,
      peer.address,
    );
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    server: `127.0.0.1:${socket.address().port}`,
    questions,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

export function startDnsServer(records: Answer[], { silent = [] }: { silent?: string[] } = {}): Promise<TestDnsServer> {
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  return serve((asked) => {
    if (asked.some((q) => silent.some((name) => same(name, q.name)))) return 'silent';
    const answers = records.filter((r) => asked.some((q) => q.type === r.type && same(q.name, r.name)));
    const exists = records.some((r) => asked.some((q) => same(q.name, r.name)));
    return { rcode: exists ? 'noerror' : 'nxdomain', answers };
  });
}

export function startBrokenDnsServer(mode: BrokenResolver): Promise<TestDnsServer> {
  return serve(() => (mode === 'silent' ? 'silent' : { rcode: mode }));
}

let fallback: TestDnsServer | undefined;

/**
 * The DNS server of a test that did not start one (testCore, startE2eApp): it knows no names, so
 * every lookup answers NXDOMAIN at once. Started for each test file by test/helpers/no-host-dns.ts.
 */
export function defaultTestDns(): TestDnsServer {
  if (!fallback) throw new Error('No default test DNS server: test/helpers/no-host-dns.ts must be a setup file (vitest.config.ts).');
  return fallback;
}

export async function startDefaultTestDns(): Promise<TestDnsServer> {
  fallback = await startDnsServer([]);
  return fallback;
}
