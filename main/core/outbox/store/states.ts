/**
 * The states a message is in, and the only moves between them. A message is inserted `queued` and
 * leaves the table only when taken back (queued or failed); in between, every UPDATE that changes
 * its state is written by `changeState`, whose guard leaves a row as it was unless its move is in
 * TRANSITIONS. The guard is SQL, so it costs nothing on the hot path (claims and outcomes).
 */
import type { MessageState } from '../../../../preload/common/contract/index.ts';

/** From each state, where a message may go, and by which job. */
export const TRANSITIONS: { readonly [From in MessageState]: readonly MessageState[] } = {
  // claimed for an attempt (claim); due now (retry); cancelled by the user or with its account (cancel, leaveAccount)
  queued: ['sending', 'queued', 'cancelled'],
  // the attempt's outcome, a 4xx backing off to queued (finish); given back unstarted (release); left behind (recoverExpiredLeases)
  sending: ['sent', 'failed', 'uncertain', 'queued'],
  // retry; cancel, leaveAccount
  failed: ['queued', 'cancelled'],
  // resend; markSent; cancel, leaveAccount
  uncertain: ['queued', 'sent', 'cancelled'],
  sent: [],
  cancelled: [],
};

const STATES = Object.keys(TRANSITIONS) as MessageState[];

/**
 * Messages still to be sent or decided on (an account with any cannot simply vanish): the states
 * with a way out. Written as migration 7's partial index `messages_unsent` is, so that SQLite uses it.
 */
export const UNSENT = `state IN ('queued', 'sending', 'failed', 'uncertain')`;

/** SQL that gives a state for each row: a parameter (`@state`), or an expression of the row's columns. */
export interface StateSql {
  sql: string;
}

export interface StateChange {
  /** The new state: the same for every row, or given per row by SQL. */
  to: MessageState | StateSql;
  /** The other columns set, as in SET. */
  set: string;
  /** The rows it is meant for. */
  where: string;
  returning?: string;
}

/**
 * The UPDATE of a change of state. Of the rows `where` selects, it changes only those whose move to
 * `to` TRANSITIONS allows; any other stays as it was and is not returned, which the caller takes,
 * as for a row `where` did not select, for "not changed". The hot path's callers keep the text as
 * a constant.
 */
export function changeState({ to, set, where, returning }: StateChange): string {
  const value = typeof to === 'string' ? `'${to}'` : to.sql;
  return `UPDATE messages SET state = ${value}, ${set} WHERE (${where}) AND ${mayBecome(to)}${returning ? ` RETURNING ${returning}` : ''}`;
}

/** SQL, true of a row whose state may become `to`. */
function mayBecome(to: MessageState | StateSql): string {
  if (typeof to === 'string') return stateIn(sources(to));
  return `CASE (${to.sql}) ${STATES.map((s) => `WHEN '${s}' THEN ${stateIn(sources(s))}`).join(' ')} ELSE 0 END`;
}

/** The states a message may become `to` from. */
const sources = (to: MessageState) => STATES.filter((from) => TRANSITIONS[from].includes(to));

/** SQL, true of a row in one of `states`. */
export const stateIn = (states: readonly MessageState[]) => `state IN (${states.map((s) => `'${s}'`).join(', ')})`;
