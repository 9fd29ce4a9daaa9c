/** A DNS server on a loopback UDP port that answers SRV questions from a table (dns-packet). */
import { createSocket } from 'node:dgram';
import { decode, encode, type Answer } from 'dns-packet';

export interface SrvRecord {
  name: string;
  priority: number;
  weight: number;
  port: number;
  target: string;
}

export interface TestDnsServer {
  /** For Resolver.setServers: `127.0.0.1:PORT`. */
  server: string;
  questions: string[];
  close(): Promise<void>;
}

export async function startDnsServer(records: SrvRecord[]): Promise<TestDnsServer> {
  const socket = createSocket('udp4');
  const questions: string[] = [];
  socket.on('message', (message, peer) => {
    const query = decode(message);
    const answers: Answer[] = [];
    for (const q of query.questions ?? []) {
      questions.push(`${q.type} ${q.name}`);
      for (const r of records) {
        if (q.type === 'SRV' && r.name.toLowerCase() === q.name.toLowerCase()) {
          answers.push({ type: 'SRV', name: r.name, ttl: 60, data: { priority: r.priority, weight: r.weight, port: r.port, target: r.target } });
        }
      }
    }
    const reply = encode({
      type: 'response', id: query.id, flags: answers.length ? 0x8180 : 0x8183, // NOERROR or NXDOMAIN, recursion available
      questions: query.questions ?? [], answers,
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
