/** A core on a fresh temporary data directory, trusting the test CA, closed and removed after the test. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import type { AccountInput, OutboundApi } from '../../preload/common/contract/index.ts';
import { openCore, type Core, type CoreOptions } from '../../main/core/index.ts';
import { inProcessApi } from '../../main/hosts/in-process.ts';
import { defaultTestDns } from './dns.ts';
import type { TestSmtpServer } from './smtp.ts';

export function tempHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'outbound-test-'));
  onTestFinished(() => rmSync(home, { recursive: true, force: true }));
  return home;
}

export interface TestCore {
  core: Core;
  /** The contract, in-process, through the same dispatch (validation and all) as the app. */
  api: OutboundApi;
}

export function testCore(server: Pick<TestSmtpServer, 'ca'> | undefined, options: CoreOptions = {}): TestCore {
  const core = openCore({ home: tempHome(), autoSend: false, ...(server ? { extraCaCertificates: [server.ca] } : {}), ...withTestDns(options) });
  onTestFinished(() => core.close());
  return { core, api: inProcessApi(core) };
}

/** The core's DNS, unless the test gives its own: the test's default DNS server, which knows no names (never the host's resolver). */
export function withTestDns(options: CoreOptions): CoreOptions {
  const { server } = defaultTestDns();
  return { ...options, domainCheck: { servers: [server], ...options.domainCheck }, discovery: { dnsServers: [server], ...options.discovery } };
}

/** An account for `server`, its password given by a password command (no keychain needed). */
export function accountFor(server: { host: string; port: number }, extra: Partial<AccountInput> = {}): AccountInput {
  return {
    name: 'Work',
    email: 'me@outbound.test',
    displayName: 'Me Myself',
    host: server.host,
    port: server.port,
    security: 'starttls',
    username: 'me',
    passwordCommand: "printf '%s' 's3cret pass'",
    ...extra,
  };
}

/** An account for a server that asks for no login: plain SMTP, no username, no password. */
export const plainAccountFor = (server: { host: string; port: number }, extra: Partial<AccountInput> = {}): AccountInput =>
  accountFor(server, { security: 'none', username: '', passwordCommand: '', ...extra });

export async function value<T>(result: Promise<{ ok: true; value: T } | { ok: false; error: { message: string } }>): Promise<T> {
  const r = await result;
  if (!r.ok) throw new Error(`expected ok, got: ${r.error.message}`);
  return r.value;
}
