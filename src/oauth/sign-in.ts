/**
 * A person's sign-in, by the standards only: the authorization request (RFC 6749 §4.1.1 with PKCE,
 * RFC 7636), the code's redemption at the token endpoint, the resource owner password grant
 * (RFC 6749 §4.3, for scripts against servers that allow it), and the whole browser round trip
 * through a loopback redirect (RFC 8252). Nothing here knows Okta: any RFC 8414 server will do.
 */
import { randomBytes } from 'node:crypto';
import { decodeJwt, isRecord, type JsonRecord, requireSecureUrl } from '../core';
import { httpRequest, jsonBody, ResponseError } from './http';
import { listenForRedirect, SignInError } from './loopback';
import { createPkce } from './pkce';
import { TokenError, type TokenRefusal } from './token-request';

export interface AuthorizationRequest {
  readonly authorizationEndpoint: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly scopes: readonly string[];
  readonly state: string;
  /** The S256 challenge of the PKCE verifier. */
  readonly codeChallenge: string;
  readonly nonce?: string;
  readonly loginHint?: string;
  /** Further parameters the server understands (the AGBAC sandbox's `agent`, for one); others ignore them. */
  readonly extra?: Readonly<Record<string, string>>;
}

/** The URL a person opens to sign in: `response_type=code`, the scopes, state, nonce and the S256 challenge. */
export function authorizationUrl(request: AuthorizationRequest): string {
  const url = requireSecureUrl(request.authorizationEndpoint, 'the authorization endpoint');
  const parameters: Record<string, string | undefined> = {
    client_id: request.clientId,
    response_type: 'code',
    scope: request.scopes.join(' '),
    redirect_uri: request.redirectUri,
    state: request.state,
    code_challenge: request.codeChallenge,
    code_challenge_method: 'S256',
    nonce: request.nonce,
    login_hint: request.loginHint,
    ...request.extra,
  };
  for (const [name, value] of Object.entries(parameters)) if (value !== undefined) url.searchParams.set(name, value);
  return url.href;
}

/** The tokens of a person's sign-in. */
export interface PersonTokens {
  readonly accessToken: string;
  readonly idToken: string | undefined;
  readonly tokenType: string;
  readonly expiresIn: number | undefined;
  readonly scope: string | undefined;
  /** The whole answer, tokens included: never log it. */
  readonly response: JsonRecord;
}

export interface TokenCallOptions {
  readonly tokenEndpoint: string;
  /** A public client's id, sent in the form. */
  readonly clientId: string;
  readonly ca?: string;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** What to add to a refusal's message (the Okta layer explains Okta's refusals). */
  readonly hint?: (refusal: TokenRefusal) => string | undefined;
}

/** Redeems an authorization code with its PKCE verifier (a public client: `client_id` only). */
export function redeemCode(options: TokenCallOptions & { readonly code: string; readonly redirectUri: string; readonly codeVerifier: string }): Promise<PersonTokens> {
  return postTokenForm(options, [], {
    grant_type: 'authorization_code',
    client_id: options.clientId,
    code: options.code,
    redirect_uri: options.redirectUri,
    code_verifier: options.codeVerifier,
  });
}

/** The resource owner password grant: for scripts and tests, where the server allows it for this app. */
export function passwordGrant(
  options: TokenCallOptions & { readonly username: string; readonly password: string; readonly scopes: readonly string[]; readonly extra?: Readonly<Record<string, string>> },
): Promise<PersonTokens> {
  return postTokenForm(options, options.scopes, {
    grant_type: 'password',
    client_id: options.clientId,
    username: options.username,
    password: options.password,
    scope: options.scopes.join(' '),
    ...options.extra,
  });
}

export interface BrowserSignInOptions extends Omit<TokenCallOptions, 'tokenEndpoint'> {
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  readonly scopes: readonly string[];
  /** A registered loopback redirect URI with its port; default 127.0.0.1 on a free port. */
  readonly redirectUri?: string;
  readonly loginHint?: string;
  readonly extra?: Readonly<Record<string, string>>;
  /** How long the person has; default 5 minutes. */
  readonly waitMs?: number;
  /** Shows the URL to the person (prints it, or opens a browser). */
  readonly open: (url: string) => void | Promise<void>;
}

/**
 * The whole browser sign-in: PKCE, state and nonce, a loopback listener, the URL handed to `open`,
 * the code when the browser comes back, and its redemption. The ID token's `nonce` must be the one
 * sent. Rejects with {@link SignInError}, {@link TokenError}, or a network error.
 */
export async function browserSignIn(options: BrowserSignInOptions): Promise<PersonTokens & { readonly redirectUri: string }> {
  const pkce = createPkce();
  const state = randomBytes(16).toString('base64url');
  const nonce = randomBytes(16).toString('base64url');
  const listener = await listenForRedirect({ state, ...(options.redirectUri ? { redirectUri: options.redirectUri } : {}), ...(options.waitMs ? { timeoutMs: options.waitMs } : {}), ...(options.signal ? { signal: options.signal } : {}) });
  try {
    await options.open(
      authorizationUrl({
        authorizationEndpoint: options.authorizationEndpoint,
        clientId: options.clientId,
        redirectUri: listener.redirectUri,
        scopes: options.scopes,
        state,
        codeChallenge: pkce.challenge,
        nonce,
        ...(options.loginHint ? { loginHint: options.loginHint } : {}),
        ...(options.extra ? { extra: options.extra } : {}),
      }),
    );
    const code = await listener.code;
    const tokens = await redeemCode({ ...options, code, redirectUri: listener.redirectUri, codeVerifier: pkce.verifier });
    if (tokens.idToken !== undefined) {
      const payload = decodeJwt(tokens.idToken).payload;
      if (payload.nonce !== nonce) throw new SignInError('state', 'the ID token does not carry the nonce of this sign-in: it belongs to another one');
    }
    return { ...tokens, redirectUri: listener.redirectUri };
  } finally {
    listener.close();
  }
}

async function postTokenForm(options: TokenCallOptions, scopes: readonly string[], form: Record<string, string>): Promise<PersonTokens> {
  requireSecureUrl(options.tokenEndpoint, 'the token endpoint');
  const response = await httpRequest({
    url: options.tokenEndpoint,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.ca !== undefined ? { ca: options.ca } : {}),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
  });
  const body = jsonBody(response, 'the token endpoint');
  if (!isRecord(body)) throw new ResponseError(`the token endpoint answered HTTP ${response.status} with JSON that is not an object`, response.status);
  if (response.status === 200) {
    if (typeof body.access_token !== 'string' || !body.access_token) throw new ResponseError('the token endpoint answered HTTP 200 without an access_token', 200);
    return {
      accessToken: body.access_token,
      idToken: typeof body.id_token === 'string' ? body.id_token : undefined,
      tokenType: typeof body.token_type === 'string' ? body.token_type : 'Bearer',
      expiresIn: typeof body.expires_in === 'number' ? body.expires_in : undefined,
      scope: typeof body.scope === 'string' ? body.scope : undefined,
      response: body,
    };
  }
  if (typeof body.error !== 'string') throw new ResponseError(`the token endpoint answered HTTP ${response.status} without an OAuth error`, response.status);
  const refusal: TokenRefusal = {
    status: response.status,
    error: body.error,
    errorDescription: typeof body.error_description === 'string' ? body.error_description : undefined,
    tokenEndpoint: options.tokenEndpoint,
    clientId: options.clientId,
    scopes,
    grantType: form.grant_type,
  };
  throw new TokenError(refusal, options.hint?.(refusal));
}
