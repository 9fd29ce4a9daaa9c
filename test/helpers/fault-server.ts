/**
 * A scriptable SMTP server for fault injection: real SMTP over TCP with STARTTLS (test certificate)
 * and AUTH PLAIN, that can drop the connection, answer 4xx or 5xx, or go silent at any stage —
 * including mid-body and after the final dot, which smtp-server cannot be made to do. No PIPELINING,
 * so every stage is its own round trip. Records each message it accepted (or may have delivered).
 */
import { createServer, type Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { testCertificates } from './tls.ts';

/** The stages of a submission, then NOOP and RSET, which only the connection test says. */
export const FAULT_STAGES = ['greeting', 'ehlo', 'starttls', 'auth', 'mail', 'rcpt', 'data', 'body', 'final', 'noop', 'rset'] as const;
export type FaultStage = (typeof FAULT_STAGES)[number];
export type FaultKind = 'drop' | '4xx' | '5xx' | 'timeout';

export interface Fault {
  stage: FaultStage;
  kind: FaultKind;
  /** How many connections suffer it (then the server behaves); default 1. */
  times?: number;
}

export interface FaultServer {
  port: number;
  ca: string;
  /** Messages the server has: accepted with 250, or fully received before it dropped or went silent. */
  received: { messageId: string; raw: Buffer }[];
  connections: number;
  setFault(fault: Fault | undefined): void;
  close(): Promise<void>;
}

const STAGE_OF_VERB: Record<string, FaultStage> = {
  EHLO: 'ehlo',
  HELO: 'ehlo',
  STARTTLS: 'starttls',
  AUTH: 'auth',
  MAIL: 'mail',
  RCPT: 'rcpt',
  DATA: 'data',
  NOOP: 'noop',
  RSET: 'rset',
};
const REPLIES: Record<FaultStage, { '4xx': string; '5xx': string }> = {
  greeting: { '4xx': '421 4.3.2 Service not available, try later', '5xx': '554 5.3.2 No SMTP service here' },
  ehlo: { '4xx': '421 4.3.2 Too busy, try later', '5xx': '550 5.7.1 You are not welcome' },
  starttls: { '4xx': '454 4.7.0 TLS not available now', '5xx': '554 5.7.3 TLS refused' },
  auth: { '4xx': '454 4.7.0 Temporary authentication failure', '5xx': '535 5.7.8 Authentication credentials invalid' },
  mail: { '4xx': '451 4.3.0 Sender check failed, try later', '5xx': '553 5.7.1 Sender not allowed' },
  rcpt: { '4xx': '450 4.2.1 Mailbox busy', '5xx': '550 5.1.1 No such user' },
  data: { '4xx': '451 4.3.0 Not now', '5xx': '554 5.5.0 No valid recipients' },
  body: { '4xx': '', '5xx': '' }, // a server cannot answer in the middle of the body
  final: { '4xx': '452 4.3.1 Queue full, try later', '5xx': '554 5.6.0 Message rejected as spam' },
  noop: { '4xx': '421 4.3.2 Shutting down', '5xx': '502 5.5.2 NOOP not implemented' },
  rset: { '4xx': '451 4.3.0 Not now', '5xx': '554 5.5.1 RSET refused' },
};

export async function startFaultServer(auth = { user: 'me', pass: 's3cret pass' }): Promise<FaultServer> {
  const { ca, key, cert } = await testCertificates();
  let fault: Fault | undefined;
  let faultsLeft = 0;
  const received: FaultServer['received'] = [];
  const sockets = new Set<Socket>();

  const server = createServer((raw) => {
    state.connections += 1;
    sockets.add(raw);
    raw.on('close', () => sockets.delete(raw));
    raw.on('error', () => undefined);
    const faulty = fault && faultsLeft > 0 ? fault : undefined;
    if (faulty) faultsLeft -= 1;
    session(raw, faulty);
  });

  function session(raw: Socket, faulty: Fault | undefined): void {
    let stream: Socket = raw;
    let secure = false;
    let pending: Buffer = Buffer.alloc(0);
    let inData = false;
    let body: Buffer[] = [];

    const write = (line: string) => stream.writable && stream.write(`${line}\r\n`);
    /** Apply the fault if it is for this stage; true when the normal answer must not be given. */
    const inject = (stage: FaultStage): boolean => {
      if (faulty?.stage !== stage) return false;
      switch (faulty.kind) {
        case 'drop':
          raw.destroy();
          return true;
        case 'timeout':
          stream.pause(); // read nothing more, answer nothing
          return true;
        default:
          write(REPLIES[stage][faulty.kind]);
          if (stage === 'greeting' || (faulty.kind === '4xx' && stage === 'ehlo')) stream.end();
          return true;
      }
    };

    const onData = (chunk: Buffer) => {
      if (inData) return readBody(chunk);
      pending = Buffer.concat([pending, chunk]);
      let end: number;
      while (!inData && (end = pending.indexOf('\r\n')) !== -1) {
        const line = pending.subarray(0, end).toString('latin1');
        pending = pending.subarray(end + 2);
        if (command(line) === 'upgraded') return;
      }
      if (inData && pending.length > 0) {
        const rest = pending;
        pending = Buffer.alloc(0);
        readBody(rest);
      }
    };

    /** Body chunks are kept as they come (no re-copying); only the seam is searched for the final dot. */
    const readBody = (chunk: Buffer) => {
      if (inject('body')) return;
      const previous = body.at(-1)?.subarray(-4) ?? Buffer.from('\r\n');
      const seam = Buffer.concat([previous, chunk]);
      const at = seam.indexOf('\r\n.\r\n');
      if (at === -1) return void body.push(chunk);
      const endInChunk = at - previous.length + 2; // keep the CRLF that ends the last line
      const whole = Buffer.concat([...body, chunk.subarray(0, Math.max(endInChunk, 0))]);
      const data = endInChunk < 0 ? whole.subarray(0, whole.length + endInChunk) : whole;
      pending = chunk.subarray(at - previous.length + 5);
      body = [];
      inData = false;
      finishMessage(data);
    };

    const finishMessage = (data: Buffer) => {
      const message = Buffer.from(data.toString('latin1').replace(/^\.\./gm, '.'), 'latin1');
      const messageId = /^Message-ID: *(<[^>]+>)/im.exec(message.toString('latin1'))?.[1] ?? '';
      const mayDeliver = faulty?.stage === 'final' && (faulty.kind === 'drop' || faulty.kind === 'timeout');
      if (mayDeliver || faulty?.stage !== 'final') received.push({ messageId, raw: message });
      if (inject('final')) return;
      write('250 2.0.0 Ok: queued as F' + received.length);
    };

    const command = (line: string): 'upgraded' | undefined => {
      const verb = line.split(' ', 1)[0]!.toUpperCase();
      const stage = STAGE_OF_VERB[verb];
      if (stage && inject(stage)) return undefined;
      switch (verb) {
        case 'EHLO':
          write('250-fault.test');
          write('250-8BITMIME');
          if (!secure) write('250-STARTTLS');
          else write('250-AUTH PLAIN');
          write('250 SIZE 100000000');
          return undefined;
        case 'HELO':
          write('250 fault.test');
          return undefined;
        case 'STARTTLS': {
          write('220 2.0.0 Ready to start TLS');
          raw.removeListener('data', onData);
          const upgraded = new TLSSocket(raw, { isServer: true, key, cert });
          upgraded.on('error', () => undefined);
          upgraded.on('data', onData);
          stream = upgraded;
          secure = true;
          pending = Buffer.alloc(0);
          return 'upgraded';
        }
        case 'AUTH': {
          const [, mechanism, initial] = line.split(' ');
          const [, user, pass] = Buffer.from(initial ?? '', 'base64')
            .toString('utf8')
            .split('\0');
          write(mechanism?.toUpperCase() === 'PLAIN' && user === auth.user && pass === auth.pass ? '235 2.7.0 Authentication successful' : REPLIES.auth['5xx']);
          return undefined;
        }
        case 'MAIL':
        case 'RCPT':
        case 'RSET':
        case 'NOOP':
          write('250 2.1.0 Ok');
          return undefined;
        case 'DATA':
          write('354 End data with <CR><LF>.<CR><LF>');
          inData = true;
          return undefined;
        case 'QUIT':
          write('221 2.0.0 Bye');
          stream.end();
          return undefined;
        default:
          write('502 5.5.2 Command not recognized');
          return undefined;
      }
    };

    raw.on('data', onData);
    if (!inject('greeting')) write('220 fault.test ESMTP');
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const state: FaultServer = {
    port: (server.address() as { port: number }).port,
    ca,
    received,
    connections: 0,
    setFault(next) {
      fault = next;
      faultsLeft = next ? (next.times ?? 1) : 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  return state;
}
