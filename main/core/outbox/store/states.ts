/** The states a message is in. */

/**
 * Messages still to be sent or decided on (an account with any cannot simply vanish). Written as
 * migration 7's partial index `messages_unsent` is, so that SQLite uses it.
 */
export const UNSENT = `state IN ('queued', 'sending', 'failed', 'uncertain')`;
