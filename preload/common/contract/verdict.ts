/** What a connection test comes to, without zod: the CLI says it before it loads the contract. */
import type { ConnectionTestView } from './accounts.ts';

/** Passed as a whole: sending works, and so does the copy in Sent where there is one. */
export const testPassed = (test: ConnectionTestView): boolean => test.ok && test.imap?.ok !== false;
