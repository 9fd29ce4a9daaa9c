/** The account editor's form on its own: an account into the fields as typed, and the fields back into what the core saves. */
import { describe, expect, it } from 'vitest';
import type { AccountView } from '../../preload/common/contract/index.ts';
import { emptyForm, formFieldOf, formOf, identityError, inputOf } from '../../renderer/src/accounts/account-form.ts';

const ACCOUNT: AccountView = {
  id: 5,
  name: 'Work',
  email: 'ann@example.org',
  displayName: 'Ann',
  host: 'smtp.example.org',
  port: 465,
  security: 'tls',
  username: 'ann',
  secretSource: 'keychain',
  passwordCommand: null,
  oauth: null,
  pausedReason: null,
  deliveryReport: null,
  maxPerMinute: 30,
  maxConnections: 2,
  retryDays: 5,
  tlsFingerprint: null,
  isDefault: true,
  replyTo: null,
  signature: 'Ann\nWork',
  identities: [{ id: 9, email: 'sales@example.org', displayName: 'Sales', replyTo: null, signature: '' }],
  imap: null,
  sentCopy: 'auto',
  waiting: 0,
  createdAt: '2026-01-02T03:04:05.000Z',
};

describe('the account form', () => {
  it('starts a new account on STARTTLS at its usual port, signing in with a password', () => {
    expect(emptyForm()).toMatchObject({ security: 'starttls', port: '587', signInWith: 'password', identities: [] });
  });

  it('shows an account as text fields, never with its password, each identity on a row of its own', () => {
    const form = formOf(ACCOUNT);
    expect(form).toMatchObject({ port: '465', username: 'ann', password: '', passwordCommand: '', replyTo: '', tlsFingerprint: '' });
    expect(form.identities).toEqual([
      { key: expect.stringMatching(/^identity-/), id: 9, email: 'sales@example.org', displayName: 'Sales', replyTo: '', signature: '' },
    ]);
    expect(formOf({ ...ACCOUNT, oauth: { provider: 'google', clientId: 'c.apps' } })).toMatchObject({
      signInWith: 'google',
      clientId: 'c.apps',
      clientSecret: '',
    });
  });

  it('saves what was typed, trimmed where spaces cannot matter; an empty password keeps the stored one; never the limits', () => {
    const form = { ...formOf(ACCOUNT), displayName: ' Ann ', username: ' ann ', passwordCommand: ' pass show mail ', replyTo: ' r@example.org ' };
    form.identities = form.identities.map((i) => ({ ...i, displayName: ' Sales ', replyTo: ' t@example.org ' }));
    const input = inputOf(form, ACCOUNT.id);
    expect(input).toEqual({
      id: 5,
      name: 'Work',
      email: 'ann@example.org',
      displayName: 'Ann',
      host: 'smtp.example.org',
      port: 465,
      security: 'tls',
      username: 'ann',
      password: undefined,
      passwordCommand: 'pass show mail',
      tlsFingerprint: '',
      replyTo: 'r@example.org',
      signature: 'Ann\nWork',
      deliveryReport: null,
      isDefault: true,
      identities: [{ id: 9, email: 'sales@example.org', displayName: 'Sales', replyTo: 't@example.org', signature: '' }],
      imap: null,
      sentCopy: 'auto',
    });
    expect(inputOf({ ...form, password: ' secret ' }, 5).password).toBe(' secret ');
  });

  it('an IMAP server goes back as the contract has it (empty host: none); its error fields find the form’s', () => {
    const imap = {
      host: 'imap.example.org',
      port: 993,
      security: 'tls',
      username: null,
      tlsFingerprint: null,
      sentFolder: 'Sent Items',
      filesSentItself: null,
    } as const;
    const form = formOf({ ...ACCOUNT, imap, sentCopy: 'always' });
    expect(form).toMatchObject({
      imapHost: 'imap.example.org',
      imapPort: '993',
      imapSecurity: 'tls',
      imapUsername: '',
      imapSentFolder: 'Sent Items',
      sentCopy: 'always',
    });
    expect(inputOf({ ...form, imapUsername: ' ann.imap ' }, 5)).toMatchObject({
      imap: { host: 'imap.example.org', port: 993, security: 'tls', username: 'ann.imap', tlsFingerprint: '', sentFolder: 'Sent Items' },
      sentCopy: 'always',
    });
    expect(inputOf({ ...form, imapHost: ' ' }, 5).imap).toBeNull();
    expect(formFieldOf('imap.tlsFingerprint')).toBe('imapTlsFingerprint');
    expect(formFieldOf('host')).toBe('host');
  });

  it('finds the identity row and field an error is about, and nothing for the account’s own fields', () => {
    expect(identityError({ code: 'invalid_input', message: 'x', field: 'identities.2.replyTo' })).toEqual({ index: 2, field: 'replyTo' });
    expect(identityError({ code: 'invalid_input', message: 'x', field: 'identities.0' })).toEqual({ index: 0, field: 'email' });
    expect(identityError({ code: 'invalid_input', message: 'x', field: 'email' })).toBeUndefined();
    expect(identityError({ code: 'invalid_input', message: 'x' })).toBeUndefined();
  });
});
