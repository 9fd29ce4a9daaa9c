/**
 * The contract's closed lists of choices, without zod: the CLI checks a flag against them (and prints
 * them in its usage) before it loads the contract.
 */
export const SECURITY_MODES = ['tls', 'starttls', 'none'] as const;

/** The providers Outbound signs in to with OAuth2 (XOAUTH2) instead of a password. */
export const OAUTH_PROVIDERS = ['google', 'microsoft'] as const;

/** When a delivery status notification (RFC 3461) is asked for: sendmail's -N words. */
export const DSN_NOTIFY = ['success', 'failure', 'delay'] as const;
