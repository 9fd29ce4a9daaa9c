/**
 * The contract's closed lists of choices, without zod: the CLI checks a flag against them (and prints
 * them in its usage) before it loads the contract.
 */
export const SECURITY_MODES = ['tls', 'starttls', 'none'] as const;

/** The providers Outbound signs in to with OAuth2 (XOAUTH2) instead of a password. */
export const OAUTH_PROVIDERS = ['google', 'microsoft'] as const;

/** When a delivery status notification (RFC 3461) is asked for: sendmail's -N words. */
export const DSN_NOTIFY = ['success', 'failure', 'delay'] as const;

/** IMAP is never plain text: the copy in Sent logs in with the account's password. */
export const IMAP_SECURITY_MODES = ['tls', 'starttls'] as const;

/** Whether a sent message is copied to the IMAP Sent folder: `auto` unless the server files it itself. */
export const SENT_COPY_MODES = ['auto', 'always', 'never'] as const;

/** What the test inbox plays, to try the outbox on: refuse every recipient but the first (550), defer all (451), or not be there. */
export const TEST_INBOX_FAULTS = ['none', 'reject', 'defer', 'away'] as const;
