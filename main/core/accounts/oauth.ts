/**
 * OAuth2 sign-in for Gmail and Microsoft 365, whose SMTP servers want XOAUTH2 rather than a password:
 * the authorization code grant (RFC 6749) with PKCE (RFC 7636, S256) in the system browser, redirected
 * to a one-shot HTTP server on 127.0.0.1 (RFC 8252 §7.3). Refresh tokens live in the keychain under the
 * account's secret_ref; access tokens only in this process's memory, refreshed shortly before they
 * expire. No token is ever logged, put in an error message or handed to the renderer.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OAuthProvider, OAuthProviderView, Security } from '../../../preload/common/contract/index.ts';
import { AppError, invalid } from '../app-error.ts';
import type { SecretStore } from './secrets.ts';

export interface OAuthEndpoints {
  authorizationUrl: string;
  tokenUrl: string;
}

interface ProviderPreset extends OAuthEndpoints {
  name: string;
  /** Where its mail goes out. */
  server: { host: string; port: number; security: Security };
  scope: string;
  /** Parameters the provider needs to hand out a refresh token. */
  extraParams: Record<string, string>;
}

export const OAUTH_PRESETS: Readonly<Record<OAuthProvider, ProviderPreset>> = {
  google: {
    name: 'Google',
    server: { host: 'smtp.gmail.com', port: 465, security: 'tls' },
    authorizationUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
    tokenUrl: 'https://oauth2.googleapis.com/token',
    scope: 'https://mail.google.com/',
    // Google gives a refresh token only for offline access, and again only when consent is asked anew.
    extraParams: { access_type: 'offline', prompt: 'consent' },
  },
  microsoft: {
    name: 'Microsoft 365',
    server: { host: 'smtp.office365.com', port: 587, security: 'starttls' },
    authorizationUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
    tokenUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
    // IMAP too, for the copy in Sent.
    scope: 'https://outlook.office.com/SMTP.Send https://outlook.office.com/IMAP.AccessAsUser.All offline_access',
    extraParams: { prompt: 'select_account' },
  },
};

export const oauthProviders = (): OAuthProviderView[] =>
  Object.entries(OAUTH_PRESETS).map(([provider, preset]) => ({ provider: provider as OAuthProvider, name: preset.name, ...preset.server }));

export interface OAuthOptions {
  /** Opens the authorization URL in the system browser; without it, sign-in is unavailable. */
  openExternal?: (url: string) => Promise<void> | void;
  /** For the token endpoint. */
  fetch?: typeof globalThis.fetch;
  /** Other endpoints than the providers' (the tests' local OAuth2 server). */
  endpoints?: Partial<Record<OAuthProvider, OAuthEndpoints>>;
  /** The client IDs this build was registered with, used when the person gives none. */
  clientIds?: Partial<Record<OAuthProvider, string>>;
  /** How long the person has to finish in the browser; default 5 minutes. */
  timeoutMs?: number;
  now?: () => number;
}

/** An app registration at the provider. */
export interface OAuthClient {
  provider: OAuthProvider;
  clientId: string;
  clientSecret: string | null;
}

export interface Grant {
  accessToken: string;
  refreshToken: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

/** What the token cache needs to know of an account. */
export interface OAuthAccount {
  name: string;
  secretRef: string;
  oauth: { provider: OAuthProvider; clientId: string } | null;
}

/** Refresh this long before the provider's expiry, so a token never lapses in the middle of a session. */
const REFRESH_MARGIN_MS = 2 * 60_000;
const DEFAULT_TIMEOUT_MS = 5 * 60_000;
const TOKEN_REQUEST_TIMEOUT_MS = 30_000;

const base64url = (bytes: Buffer): string => bytes.toString('base64url');
const failed = (message: string, cause?: unknown): AppError => new AppError('sign_in_failed', message, { cause });
/** The client secret sits beside the refresh token in the keychain. */
const clientSecretRef = (secretRef: string): string => `${secretRef}:client-secret`;

export class OAuth {
  private readonly secrets: SecretStore;
  private readonly options: OAuthOptions;
  /** By secret_ref (stable for an account's lifetime, never reused): the access token and its expiry. */
  private readonly cache = new Map<string, { clientId: string; accessToken: string; expiresAt: number }>();
  /** One refresh at a time per account, however many workers ask. */
  private readonly refreshing = new Map<string, Promise<string>>();

  constructor(secrets: SecretStore, options: OAuthOptions = {}) {
    this.secrets = secrets;
    this.options = options;
  }

  /** The client to sign in with: the one given, else the account's, else this build's. */
  client(provider: OAuthProvider, given: { clientId?: string | undefined; clientSecret?: string | undefined }, current?: string): OAuthClient {
    const clientId = given.clientId?.trim() || current || this.options.clientIds?.[provider];
    if (!clientId) {
      throw invalid(
        'clientId',
        `Enter the client ID of an OAuth app registered with ${OAUTH_PRESETS[provider].name} for Outbound; this build has none of its own.`,
      );
    }
    return { provider, clientId, clientSecret: given.clientSecret?.trim() || null };
  }

  /**
   * The whole browser sign-in: a one-shot loopback server, the authorization URL (PKCE S256, a random
   * state) opened in the browser, then the code exchanged for tokens. `loginHint` preselects the address.
   */
  async authorize(client: OAuthClient, loginHint: string): Promise<Grant> {
    const open = this.options.openExternal;
    if (!open) throw failed('Signing in with a browser is not available here.');
    const preset = OAUTH_PRESETS[client.provider];
    const endpoints = this.endpoints(client.provider);
    const verifier = base64url(randomBytes(32));
    const state = base64url(randomBytes(16));
    const callback = await awaitCallback(state, this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS, preset.name);
    try {
      const url = new URL(endpoints.authorizationUrl);
      const params = {
        response_type: 'code',
        client_id: client.clientId,
        redirect_uri: callback.redirectUri,
        scope: preset.scope,
        state,
        code_challenge: base64url(createHash('sha256').update(verifier).digest()),
        code_challenge_method: 'S256',
        login_hint: loginHint,
        ...preset.extraParams,
      };
      for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
      await open(url.href);
      const code = await callback.code;
      const tokens = await this.tokenRequest(client, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: callback.redirectUri,
        code_verifier: verifier,
      });
      if (!tokens.refreshToken) throw failed(`${preset.name} signed you in but gave Outbound no refresh token, so it could not stay signed in. Sign in again.`);
      return { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt: tokens.expiresAt };
    } finally {
      callback.close();
    }
  }

  /** Keep a fresh grant: the refresh token (and client secret) in the keychain, the access token in memory. */
  async keep(secretRef: string, client: OAuthClient, grant: Grant): Promise<void> {
    await this.secrets.set(secretRef, grant.refreshToken);
    if (client.clientSecret) await this.secrets.set(clientSecretRef(secretRef), client.clientSecret);
    else await this.secrets.delete(clientSecretRef(secretRef));
    this.cache.set(secretRef, { clientId: client.clientId, accessToken: grant.accessToken, expiresAt: grant.expiresAt });
  }

  /** The stored client secret of an account's OAuth app, if it has one. */
  clientSecret(secretRef: string): Promise<string | null> {
    return this.secrets.get(clientSecretRef(secretRef));
  }

  /** Drop everything of an account's sign-in: its tokens and client secret. */
  async forget(secretRef: string): Promise<void> {
    this.cache.delete(secretRef);
    await this.secrets.delete(clientSecretRef(secretRef));
  }

  /** A valid access token for the account: the cached one, or a new one from its refresh token. */
  async accessToken(account: OAuthAccount): Promise<string> {
    const oauth = account.oauth;
    if (!oauth) throw new Error(`accessToken: account "${account.name}" does not sign in with OAuth2`);
    const cached = this.cache.get(account.secretRef);
    if (cached && cached.clientId === oauth.clientId && cached.expiresAt - REFRESH_MARGIN_MS > this.now()) return cached.accessToken;
    let pending = this.refreshing.get(account.secretRef);
    if (!pending) {
      pending = this.refresh(account, oauth).finally(() => this.refreshing.delete(account.secretRef));
      this.refreshing.set(account.secretRef, pending);
    }
    return pending;
  }

  private async refresh(account: OAuthAccount, oauth: { provider: OAuthProvider; clientId: string }): Promise<string> {
    const name = OAUTH_PRESETS[oauth.provider].name;
    // Read anew each time: another Outbound process (the CLI) may have stored a rotated refresh token.
    const refreshToken = await this.secrets.get(account.secretRef);
    if (!refreshToken)
      throw new AppError(
        'smtp_auth',
        `Account "${account.name}" is not signed in to ${name} (no refresh token in the keychain): sign in again in its settings.`,
      );
    const client = { ...oauth, clientSecret: await this.clientSecret(account.secretRef) };
    let tokens;
    try {
      tokens = await this.tokenRequest(client, { grant_type: 'refresh_token', refresh_token: refreshToken });
    } catch (error) {
      // invalid_grant: revoked, expired, or the password changed — only a new sign-in helps; it pauses the account.
      if (error instanceof AppError && /invalid_grant/.test(error.message)) {
        throw new AppError('smtp_auth', `${name} no longer accepts the sign-in of account "${account.name}": sign in again in its settings.`, { cause: error });
      }
      throw error;
    }
    // Providers that rotate refresh tokens (Microsoft) send a new one with every refresh.
    if (tokens.refreshToken && tokens.refreshToken !== refreshToken) await this.secrets.set(account.secretRef, tokens.refreshToken);
    this.cache.set(account.secretRef, { clientId: oauth.clientId, accessToken: tokens.accessToken, expiresAt: tokens.expiresAt });
    return tokens.accessToken;
  }

  private async tokenRequest(
    client: OAuthClient,
    grant: Record<string, string>,
  ): Promise<{ accessToken: string; refreshToken: string | null; expiresAt: number }> {
    const name = OAUTH_PRESETS[client.provider].name;
    const body = new URLSearchParams({ ...grant, client_id: client.clientId, ...(client.clientSecret ? { client_secret: client.clientSecret } : {}) });
    let response: Response;
    try {
      response = await (this.options.fetch ?? globalThis.fetch)(this.endpoints(client.provider).tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body,
        redirect: 'error',
        signal: AbortSignal.timeout(TOKEN_REQUEST_TIMEOUT_MS),
      });
    } catch (cause) {
      const why = (cause as Error).name === 'TimeoutError' ? 'did not answer in time' : 'could not be reached';
      throw new AppError('smtp_unreachable', `${name}'s sign-in service ${why}; check the network and try again.`, { cause });
    }
    const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    const text = (key: string): string | null => (typeof answer[key] === 'string' && answer[key] !== '' ? answer[key] : null);
    const accessToken = text('access_token');
    if (!response.ok || !accessToken) {
      // The error code and description are the provider's words about the request, never a token.
      const error = text('error') ?? `HTTP ${response.status}`;
      const description = text('error_description')?.split('\n')[0]?.slice(0, 300);
      throw failed(`${name} refused to hand out a token (${error}${description ? `: ${description}` : ''}).`);
    }
    const expiresIn = Number(answer.expires_in);
    return {
      accessToken,
      refreshToken: text('refresh_token'),
      // Without an expiry, assume the usual hour.
      expiresAt: this.now() + (Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 3600) * 1000,
    };
  }

  private endpoints(provider: OAuthProvider): OAuthEndpoints {
    return this.options.endpoints?.[provider] ?? OAUTH_PRESETS[provider];
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}

const duration = (ms: number): string => (ms >= 60_000 ? `${Math.round(ms / 60_000)} minutes` : `${Math.round(ms / 1000)} seconds`);

const PAGE = (title: string, text: string): string =>
  `<!doctype html><meta charset="utf-8"><title>${title}</title><body style="font:16px system-ui;margin:3rem"><h1>${title}</h1><p>${text}</p>`;

/**
 * The loopback redirect's one-shot server on 127.0.0.1 and an ephemeral port: resolves `code` with the
 * authorization code of the first callback carrying our state; anything else at /callback (an error,
 * another state) ends the sign-in with a clear reason.
 */
async function awaitCallback(
  state: string,
  timeoutMs: number,
  providerName: string,
): Promise<{ redirectUri: string; code: Promise<string>; close: () => void }> {
  let settle!: { resolve: (code: string) => void; reject: (error: AppError) => void };
  const code = new Promise<string>((resolve, reject) => (settle = { resolve, reject }));
  // Reported through `code` once the caller awaits it; until then a rejection must not count as unhandled.
  code.catch(() => undefined);
  const answer = (response: ServerResponse, status: number, title: string, text: string) =>
    response
      .writeHead(status, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
      })
      .end(PAGE(title, text));
  // Loaded here: importing node:http as a module loads Node's fetch (undici), about 40 ms of every start.
  const { createServer } = await import('node:http');
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/callback') return void response.writeHead(404).end();
    const params = url.searchParams;
    if (params.get('state') !== state) {
      answer(response, 400, 'Sign-in refused', 'This answer does not belong to the sign-in Outbound started. Start again from Outbound.');
      return settle.reject(failed(`The answer from ${providerName} did not carry the state Outbound sent (state mismatch), so it was refused. Sign in again.`));
    }
    const error = params.get('error');
    const authorizationCode = params.get('code');
    if (error || !authorizationCode) {
      answer(response, 400, 'Not signed in', 'Outbound was not given access. You can close this tab.');
      const denied = error === 'access_denied' ? 'Access was denied in the browser' : `${providerName} answered ${error ?? 'without a code'}`;
      const description = params.get('error_description')?.split('\n')[0]?.slice(0, 300);
      return settle.reject(failed(`${denied}${description ? ` (${description})` : ''}; Outbound is not signed in.`));
    }
    answer(response, 200, 'Signed in', 'Outbound is signed in. You can close this tab and go back to Outbound.');
    return settle.resolve(authorizationCode);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const timer = setTimeout(
    () => settle.reject(failed(`Sign-in with ${providerName} timed out: the browser did not come back within ${duration(timeoutMs)}. Try again.`)),
    timeoutMs,
  );
  return {
    redirectUri: `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`,
    code,
    close: () => {
      clearTimeout(timer);
      server.closeAllConnections();
      server.close();
    },
  };
}
