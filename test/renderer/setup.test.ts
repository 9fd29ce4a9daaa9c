/** The one-step setup on its own: the name it gives an account, the full form it prefills, and what it advises after a failed test. */
import { describe, expect, it } from 'vitest';
import type { ConnectionTestView, DiscoveryView } from '../../preload/common/contract/index.ts';
import { accountNameFor, formFrom, providerForm, whatToDo } from '../../renderer/src/accounts/setup.ts';

const FOUND: DiscoveryView = {
  source: 'autoconfig',
  from: 'https://autoconfig.example.org/mail/config-v1.1.xml',
  host: 'smtp.example.org',
  port: 587,
  security: 'starttls',
  username: 'ann',
  oauth2: null,
  tried: [],
  imap: { host: 'imap.example.org', port: 993, security: 'tls', from: 'https://autoconfig.example.org/mail/config-v1.1.xml' },
};
const QUICK = { displayName: ' Ann ', email: ' ann@example.org ', password: 'pw' };
const TEST: ConnectionTestView = {
  ok: false,
  verdict: 'Password rejected: 535 5.7.8 no',
  code: 535,
  reply: '535 5.7.8 no',
  stage: 'auth',
  capabilities: null,
  certificate: null,
  certificateTrusted: true,
  transcript: '',
  imap: null,
};

describe('setting up an account in one step', () => {
  it('names the account after the domain, else the address, else numbered; none without an address', () => {
    expect(accountNameFor('ann@example.org', [])).toBe('example.org');
    expect(accountNameFor('ann@example.org', ['Example.org'])).toBe('ann@example.org');
    expect(accountNameFor('ann@example.org', ['example.org', 'ann@example.org', 'ann@example.org 2'])).toBe('ann@example.org 3');
    expect(accountNameFor('  ', [])).toBe('');
  });

  it('prefills the full form with what was typed and found; with nothing found, the address as the login', () => {
    expect(formFrom(QUICK, FOUND, [])).toMatchObject({
      name: 'example.org',
      email: 'ann@example.org',
      displayName: 'Ann',
      password: 'pw',
      username: 'ann',
      host: 'smtp.example.org',
      port: '587',
      security: 'starttls',
      imapHost: 'imap.example.org',
      imapPort: '993',
      signInWith: 'password',
    });
    expect(formFrom(QUICK, null, [])).toMatchObject({ username: 'ann@example.org', host: '', imapHost: '' });
    expect(formFrom(QUICK, { ...FOUND, username: null }, []).username).toBe('ann@example.org');
    expect(formFrom({ ...QUICK, password: '' }, { ...FOUND, username: null }, []).username).toBe('');
  });

  it("a provider's sign-in takes its server (or the one found there) and no password", () => {
    const google = { provider: 'google', name: 'Google', host: 'smtp.gmail.com', port: 465, security: 'tls' } as const;
    const form = formFrom(QUICK, null, []);
    expect(providerForm(form, google, null)).toMatchObject({ signInWith: 'google', password: '', host: 'smtp.gmail.com', port: '465', security: 'tls' });
    const found = { ...FOUND, host: 'smtp-relay.gmail.com', oauth2: 'google' } as const;
    expect(providerForm(form, google, found)).toMatchObject({ host: 'smtp-relay.gmail.com', port: '587', security: 'starttls' });
  });

  it('advises by what failed: the password, an untrusted certificate, no answer, IMAP alone', () => {
    expect(whatToDo(TEST)).toMatch(/^Check the password/);
    const certificate = { fingerprint: 'AA', subject: 's', issuer: 'i', names: [], validFrom: '', validTo: '', selfSigned: true };
    expect(whatToDo({ ...TEST, stage: 'starttls', code: null, certificate, certificateTrusted: false })).toMatch(/trust its certificate/);
    expect(whatToDo({ ...TEST, stage: 'connect', code: null })).toMatch(/^The server did not answer/);
    const imap = { ok: false, verdict: 'no', sentFolder: null, capabilities: [], certificate: null, certificateTrusted: true, transcript: '' };
    expect(whatToDo({ ...TEST, ok: true, imap })).toMatch(/^Sending works, but the copy in Sent does not/);
  });
});
