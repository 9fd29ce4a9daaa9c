/**
 * A DNS server on a loopback UDP port that answers from a table of records (dns-packet): a name with
 * records of another type answers NOERROR with no data, an unknown name NXDOMAIN, and names listed in
 * `silent` get no answer at all (a timeout).
 */
import { createSocket } from 'node:dgram';
import { decode, encode, type Answer } from 'dns-packet';

export interface TestDnsServer {
  /** For Resolver.setServers: `127.0.0.1:PORT`. */
  server: string;
  questions: string[];
  close(): Promise<void>;
}

export async function startDnsServer(records: Answer[], { silent = [] }: { silent?: string[] } = {}): Promise<TestDnsServer> {
  const socket = createSocket('udp4');
  const questions: string[] = [];
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  socket.on('message', (message, peer) => {
    const query = decode(message);
    const asked = query.questions ?? [];
    for (const q of asked) questions.push(`${q.type} ${q.name}`);
    if (asked.some((q) => silent.some((name) => same(name, q.name)))) return;
    const answers = records.filter((r) => asked.some((q) => q.type === r.type && same(q.name, r.name)));
    const exists = records.some((r) => asked.some((q) => same(q.name, r.name)));
    const reply = encode({
      type: 'response', id: query.id, flags: exists ? 0x8180 : 0x8183, // NOERROR or NXDOMAIN, recursion available
      questions: asked, answers,
    });
    socket.send(reply, peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    server: `127.0.0.1:${socket.address().port}`,
    questions,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
