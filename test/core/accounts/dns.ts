/** SRV records for the discovery tests, served by the shared loopback DNS server (test/helpers/dns.ts). */
import { startDnsServer as startServer, type TestDnsServer } from '../../helpers/dns.ts';

export type { TestDnsServer };

export interface SrvRecord {
  name: string;
  priority: number;
  weight: number;
  port: number;
  target: string;
}

export function startDnsServer(records: SrvRecord[]): Promise<TestDnsServer> {
  return startServer(records.map(({ name, ...data }) => ({ type: 'SRV', name, ttl: 60, data })));
}
