/**
 * The guard of test/helpers/no-host-dns.ts holds on this Node: every way the code under test resolves
 * a name (getaddrinfo through net and fetch, the resolver's functions, a new Resolver as nodemailer makes)
 * stays off the host's resolver, while localhost and IP literals still work.
 */
import dns from 'node:dns';
import { lookup, resolveMx, Resolver } from 'node:dns/promises';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { takeUses } from './no-host-dns.ts';

describe('the host resolver, in tests', () => {
  it('is out of reach: each way to it fails, and is recorded to fail the test', async () => {
    await expect(lookup('example.org')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    const connected = await new Promise<NodeJS.ErrnoException>((resolve) => connect(25, 'gmail.com').on('error', resolve));
    expect(connected.code).toBe('ENOTFOUND');
    await expect(fetch('https://autoconfig.example.org/')).rejects.toMatchObject({ cause: { code: 'ENOTFOUND' } });
    await expect(resolveMx('example.org')).rejects.toMatchObject({ code: 'EREFUSED' });
    await expect(new Resolver({ tries: 1 }).resolveMx('example.net')).rejects.toMatchObject({ code: 'EREFUSED' });
    const callbackStyle = await new Promise<NodeJS.ErrnoException | null>((resolve) => new dns.Resolver({ tries: 1 }).resolve4('example.com', resolve));
    expect(callbackStyle?.code).toBe('EREFUSED');
    expect(takeUses().sort()).toEqual([
      'DNS query A example.com',
      'DNS query MX example.net',
      'DNS query MX example.org',
      'getaddrinfo autoconfig.example.org',
      'getaddrinfo example.org',
      'getaddrinfo gmail.com',
    ]);
  });

  it('lets localhost and IP literals through, unrecorded', async () => {
    expect((await lookup('localhost')).address).toMatch(/^(127\.0\.0\.1|::1)$/);
    expect(await lookup('192.0.2.1')).toEqual({ address: '192.0.2.1', family: 4 });
    await expect(new Resolver({ tries: 1 }).resolve4('localhost')).rejects.toMatchObject({ code: 'EREFUSED' });
    expect(takeUses()).toEqual([]);
  });

  it('leaves alone a resolver the test points at its own server', () => {
    const resolver = new Resolver();
    resolver.setServers(['127.0.0.1:5353']);
    expect(resolver.getServers()).toEqual(['127.0.0.1:5353']);
  });
});
