/** What the browser host (main/hosts/browser/server.ts) and its bridge (preload/browser/bridge.ts) agree on besides the contract. */

/** The request header that carries the per-run token, on every API call and the event stream. */
export const TOKEN_HEADER = 'x-outbound-token';
