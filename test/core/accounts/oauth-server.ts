/**
 * A local OAuth2 authorization server for the tests (RFC 6749 code grant with PKCE, RFC 7636): its
 * authorize endpoint redirects at once with a code bound to the S256 challenge (the consent a person
 * would give, or `access_denied`); its token endpoint checks the client, the redirect URI and the code
 * verifier, and hands out tokens — each registered with the secrets scan — for codes and refresh tokens.
 * `follow` plays the system browser: it opens the authorization URL and follows the redirect.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OAuthEndpoints } from '../../../main/core/accounts/oauth.ts';
import type { SecretStore } from '../../../main/core/accounts/secrets.ts';
import { registerTestSecret } from '../../helpers/secrets.ts';

export interface OAuthServerOptions {
  clientId: string;
  /** When set, the token endpoint demands it. */
  clientSecret?: string;
  /** Seconds an access token lives. */
  expiresIn?: number;
  /** Hand out a new refresh token with every refresh, as Microsoft does. */
  rotate?: boolean;
}

export interface TestOAuthServer {
  endpoints: OAuthEndpoints;
  /** What the person answers in the browser: consent (default) or a refusal. */
  consent: 'allow' | 'deny';
  /** Every access token handed out, in order; the last is the current one. */
  accessTokens: string[];
  refreshTokens: string[];
  /** The query of each authorization request, and each token request's grant type. */
  authorizations: URLSearchParams[];
  grants: string[];
  /** The person signed Outbound out at the provider: every refresh token stops working. */
  revoke(): void;
  close(): Promise<void>;
}

const token = (prefix: string): string => registerTestSecret(`${prefix}${randomBytes(24).toString('base64url')}`);

async function form(request: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export async function startOAuthServer(options: OAuthServerOptions): Promise<TestOAuthServer> {
  const codes = new Map<string, { challenge: string; redirectUri: string }>();
  const live = new Set<string>();
  const state: Omit<TestOAuthServer, 'endpoints' | 'revoke' | 'close'> = {
    consent: 'allow',
    accessTokens: [],
    refreshTokens: [],
    authorizations: [],
    grants: [],
  };
  const issue = (refreshToken: string) => {
    const accessToken = token('ya29.');
    state.accessTokens.push(accessToken);
    return { access_token: accessToken, refresh_token: refreshToken, expires_in: options.expiresIn ?? 3600, token_type: 'Bearer' };
  };
  const newRefreshToken = () => {
    const refreshToken = token('1//refresh-');
    state.refreshTokens.push(refreshToken);
    live.add(refreshToken);
    return refreshToken;
  };

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const json = (status: number, body: object) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (request.method === 'GET' && url.pathname === '/authorize') {
      const q = url.searchParams;
      state.authorizations.push(q);
      const redirect = new URL(q.get('redirect_uri') ?? '');
      if (q.get('client_id') !== options.clientId || q.get('response_type') !== 'code' || q.get('code_challenge_method') !== 'S256') {
        return json(400, { error: 'invalid_request' });
      }
      redirect.searchParams.set('state', q.get('state') ?? '');
      if (state.consent === 'deny') {
        redirect.searchParams.set('error', 'access_denied');
        redirect.searchParams.set('error_description', 'The user declined.');
      } else {
        const code = randomBytes(16).toString('base64url');
        codes.set(code, { challenge: q.get('code_challenge') ?? '', redirectUri: redirect.origin + redirect.pathname });
        redirect.searchParams.set('code', code);
      }
      return response.writeHead(302, { location: redirect.href }).end();
    }
    if (request.method === 'POST' && url.pathname === '/token') {
      void form(request).then((body) => {
        state.grants.push(body.get('grant_type') ?? '');
        if (body.get('client_id') !== options.clientId || (options.clientSecret !== undefined && body.get('client_secret') !== options.clientSecret)) {
          return json(401, { error: 'invalid_client' });
        }
        if (body.get('grant_type') === 'authorization_code') {
          const code = codes.get(body.get('code') ?? '');
          codes.delete(body.get('code') ?? '');
          const challenge = createHash('sha256')
            .update(body.get('code_verifier') ?? '')
            .digest('base64url');
          if (!code || code.redirectUri !== body.get('redirect_uri') || code.challenge !== challenge) {
            return json(400, { error: 'invalid_grant', error_description: 'The code, its redirect URI or the PKCE verifier does not match.' });
          }
          return json(200, issue(newRefreshToken()));
        }
        if (body.get('grant_type') === 'refresh_token') {
          const presented = body.get('refresh_token') ?? '';
          if (!live.has(presented)) return json(400, { error: 'invalid_grant', error_description: 'The refresh token was revoked.' });
          if (!options.rotate) return json(200, issue(presented));
          live.delete(presented);
          return json(200, issue(newRefreshToken()));
        }
        return json(400, { error: 'unsupported_grant_type' });
      });
      return undefined;
    }
    return response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(state, {
    endpoints: { authorizationUrl: `${base}/authorize`, tokenUrl: `${base}/token` },
    revoke: () => live.clear(),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

/** The system browser, as far as sign-in needs one: open the authorization URL, follow its redirect to the loopback server. */
export async function follow(url: string): Promise<void> {
  const authorize = await fetch(url, { redirect: 'manual' });
  const location = authorize.headers.get('location');
  if (!location) throw new Error(`the authorization endpoint answered ${authorize.status} without a redirect`);
  await (await fetch(location)).text();
}

/** A keychain in memory: the tests that do not need gnome-keyring. */
export function memoryKeychain(): SecretStore & { entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return {
    entries,
    get: async (ref) => entries.get(ref) ?? null,
    set: async (ref, secret) => void entries.set(ref, secret),
    delete: async (ref) => void entries.delete(ref),
  };
}
