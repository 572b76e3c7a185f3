/**
 * Requesting a dual-subject access token: client_credentials (or RFC 8693 token exchange of a
 * person's token) with a freshly signed client assertion for every attempt (so a retry never
 * replays a jti), bounded retries on 429 and 5xx, DPoP when the app demands it, and every refusal
 * explained.
 */
import {
  ACCESS_TOKEN_TYPE,
  AgbacError,
  type AudienceStyle,
  buildAssertion,
  type Delegation,
  type Human,
  isRecord,
  type JsonRecord,
  requireSecureUrl,
  signAssertion,
  type SigningCredential,
  TOKEN_EXCHANGE_GRANT_TYPE,
} from '../core';
import { DpopProver } from './dpop';
import { httpRequest, type HttpResponse, jsonBody, NetworkError, ResponseError } from './http';

export { ACCESS_TOKEN_TYPE, TOKEN_EXCHANGE_GRANT_TYPE };

const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface TokenRequestOptions {
  readonly tokenEndpoint: string;
  readonly clientId: string;
  readonly credential: SigningCredential;
  readonly scopes: readonly string[];
  /** The human the agent acts for; without one the assertion has no `act` (and the token will not either). */
  readonly human?: Human;
  readonly delegation?: Delegation;
  readonly audienceStyle?: AudienceStyle;
  /** Needed for the `issuer` audience style. */
  readonly issuer?: string;
  readonly lifetimeSeconds?: number;
  /** Signing algorithm; default HS256 for a secret, by key type for a private key. */
  readonly alg?: string;
  /** Per attempt; default 10 s. */
  readonly timeoutMs?: number;
  /** Retries after 429 or 5xx; default 2. */
  readonly maxRetries?: number;
  /** Longest wait between attempts that is accepted; a longer Retry-After fails at once. Default 30 s. */
  readonly maxDelayMs?: number;
  /** `auto` (default): add a DPoP proof when the server asks for one; `off`: report it instead. */
  readonly dpop?: 'auto' | 'off';
  readonly ca?: string;
  /** The clock in seconds; default the system clock. */
  readonly clock?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** 0..1 for retry jitter; default Math.random. */
  readonly random?: () => number;
  /** New `jti` values; default a random UUID. */
  readonly newId?: () => string;
  /** Stops the request (and any retry) when aborted: it rejects with a NetworkError `aborted`. */
  readonly signal?: AbortSignal;
  /**
   * Extra query parameters of the token URL, made anew for each attempt so that a one-time value
   * (an act assertion for a token inline hook) is fresh on a retry. The client assertion's `aud`
   * and the DPoP proof's `htu` stay the token endpoint itself, without the query.
   */
  readonly urlParameters?: () => Readonly<Record<string, string>> | Promise<Readonly<Record<string, string>>>;
  /**
   * RFC 8693 token exchange instead of client_credentials: the person's own access token is the
   * subject, the client (authenticated by its assertion, which then carries no `act`) the party that
   * will act for them. `audience` asks for a token for that resource.
   */
  readonly exchange?: { readonly subjectToken: string; readonly subjectTokenType?: string; readonly audience?: string };
  /**
   * What to tell the user about a refusal, appended to the error's message. The Okta layer's
   * `tokenErrorHint` says what the refusal means for an Okta setup.
   */
  readonly hint?: (refusal: TokenRefusal) => string | undefined;
  /** Told before each wait for a retry, so a caller can show that something is happening. */
  readonly onRetry?: (retry: { readonly attempt: number; readonly reason: string; readonly delayMs: number }) => void;
}

/** An OAuth refusal from the token endpoint, with what the request was. */
export interface TokenRefusal {
  readonly status: number;
  readonly error: string;
  readonly errorDescription: string | undefined;
  readonly tokenEndpoint: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  /** The grant type of the refused request (`client_credentials` when absent). */
  readonly grantType?: string;
}

export interface TokenResult {
  readonly accessToken: string;
  readonly tokenType: string;
  readonly expiresIn: number | undefined;
  readonly scope: string | undefined;
  /** The whole answer, access token included: never log it. */
  readonly response: JsonRecord;
  /** The assertion payload that was accepted (for the act round trip). */
  readonly assertion: JsonRecord;
  readonly attempts: number;
  readonly dpop: boolean;
}

/** The authorization server answered with an OAuth error. The message ends with the hint, when one was given. */
export class TokenError extends AgbacError {
  static override readonly code = 'ERR_TOKEN';
  override readonly code = 'ERR_TOKEN';
  readonly status: number;
  readonly error: string;
  readonly errorDescription: string | undefined;

  constructor(refusal: TokenRefusal, hint: string | undefined) {
    const { status, error, errorDescription } = refusal;
    super(`${error}${errorDescription ? `: ${errorDescription}` : ''} (HTTP ${status}).${hint ? ` ${hint}` : ''}`);
    this.status = status;
    this.error = error;
    this.errorDescription = errorDescription;
  }
}

const systemClock = () => Math.floor(Date.now() / 1000);
const realSleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/**
 * Requests an access token with client_credentials and a client assertion carrying the human.
 * Throws {@link TokenError} (an OAuth refusal, with advice), {@link NetworkError} or
 * {@link ResponseError} (an answer that is not what OAuth promises).
 */
export async function requestToken(options: TokenRequestOptions): Promise<TokenResult> {
  requireSecureUrl(options.tokenEndpoint, 'the token endpoint');
  const clock = options.clock ?? systemClock;
  const sleep = options.sleep ?? realSleep;
  const maxRetries = options.maxRetries ?? 2;
  const newId = options.newId ?? (() => crypto.randomUUID());
  let dpop: DpopProver | undefined;
  let attempt = 0;
  let retries = 0;
  for (;;) {
    if (options.signal?.aborted) throw new NetworkError('aborted', 'the token request was cancelled');
    attempt++;
    const assertion = buildAssertion({
      clientId: options.clientId,
      tokenEndpoint: options.tokenEndpoint,
      issuer: options.issuer,
      // In an exchange the person is the subject token's; the agent's assertion names no one.
      human: options.exchange ? undefined : options.human,
      now: clock(),
      audienceStyle: options.audienceStyle,
      lifetimeSeconds: options.lifetimeSeconds,
      delegation: options.delegation,
      jti: newId(),
    });
    const signed = await signAssertion(assertion, options.credential, options.alg ? { alg: options.alg } : {});
    const exchange = options.exchange;
    const form = new URLSearchParams({
      grant_type: exchange ? TOKEN_EXCHANGE_GRANT_TYPE : 'client_credentials',
      ...(exchange
        ? { subject_token: exchange.subjectToken, subject_token_type: exchange.subjectTokenType ?? ACCESS_TOKEN_TYPE, ...(exchange.audience ? { audience: exchange.audience } : {}) }
        : {}),
      scope: options.scopes.join(' '),
      client_assertion_type: CLIENT_ASSERTION_TYPE,
      client_assertion: signed,
    });
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (dpop) headers.dpop = await dpop.proof('POST', options.tokenEndpoint, clock(), newId());

    const url = options.urlParameters ? withQuery(options.tokenEndpoint, await options.urlParameters()) : options.tokenEndpoint;
    let response: HttpResponse;
    try {
      response = await httpRequest({ url, method: 'POST', headers, body: form.toString(), timeoutMs: options.timeoutMs, ca: options.ca, signal: options.signal });
    } catch (error) {
      if (error instanceof NetworkError && error.failure === 'reset' && retries < maxRetries) {
        retries++;
        const delay = backoff(retries, options);
        options.onRetry?.({ attempt: attempt + 1, reason: 'the connection was reset', delayMs: delay });
        await sleep(delay);
        continue;
      }
      throw error;
    }

    if (response.status === 429 || response.status >= 500) {
      const delay = response.status === 429 ? rateLimitDelay(response, clock()) ?? backoff(retries + 1, options) : backoff(retries + 1, options);
      if (retries >= maxRetries) throw new ResponseError(`the token endpoint answered HTTP ${response.status} ${retries + 1} times; giving up`, response.status);
      if (delay > (options.maxDelayMs ?? 30_000)) {
        throw new ResponseError(`the token endpoint is rate limiting (HTTP 429); it asks to wait ${Math.ceil(delay / 1000)} s`, 429);
      }
      retries++;
      options.onRetry?.({ attempt: attempt + 1, reason: `the token endpoint answered HTTP ${response.status}`, delayMs: delay });
      await sleep(delay);
      continue;
    }

    const body = jsonBody(response, 'the token endpoint');
    if (!isRecord(body)) throw new ResponseError(`the token endpoint answered HTTP ${response.status} with JSON that is not an object`, response.status);
    if (response.status === 200) return success(body, assertion, attempt, dpop !== undefined);

    const error = typeof body.error === 'string' ? body.error : undefined;
    const description = typeof body.error_description === 'string' ? body.error_description : undefined;
    if (!error) throw new ResponseError(`the token endpoint answered HTTP ${response.status} without an OAuth error`, response.status);
    if (error === 'use_dpop_nonce' && dpop && !dpop.nonce && response.headers['dpop-nonce']) {
      dpop.nonce = response.headers['dpop-nonce'];
      continue;
    }
    if (error === 'invalid_dpop_proof' && !dpop && options.dpop !== 'off') {
      dpop = await DpopProver.create();
      continue;
    }
    const refusal: TokenRefusal = {
      status: response.status,
      error,
      errorDescription: description,
      tokenEndpoint: options.tokenEndpoint,
      clientId: options.clientId,
      scopes: options.scopes,
      grantType: options.exchange ? TOKEN_EXCHANGE_GRANT_TYPE : 'client_credentials',
    };
    throw new TokenError(refusal, options.hint?.(refusal));
  }
}

/** The URL with the parameters added to its query (existing ones kept). */
function withQuery(endpoint: string, parameters: Readonly<Record<string, string>>): string {
  const url = new URL(endpoint);
  for (const [name, value] of Object.entries(parameters)) url.searchParams.append(name, value);
  return url.href;
}

function success(body: JsonRecord, assertion: JsonRecord, attempts: number, dpop: boolean): TokenResult {
  if (typeof body.access_token !== 'string' || !body.access_token) {
    throw new ResponseError('the token endpoint answered HTTP 200 without an access_token', 200);
  }
  return {
    accessToken: body.access_token,
    tokenType: typeof body.token_type === 'string' ? body.token_type : 'Bearer',
    expiresIn: typeof body.expires_in === 'number' ? body.expires_in : undefined,
    scope: typeof body.scope === 'string' ? body.scope : undefined,
    response: body,
    assertion,
    attempts,
    dpop,
  };
}

/** Exponential backoff with full jitter: up to 0.5 s, 1 s, 2 s… capped at 8 s. */
function backoff(retry: number, options: TokenRequestOptions): number {
  const ceiling = Math.min(8000, 500 * 2 ** (retry - 1));
  return Math.round(ceiling * (0.5 + 0.5 * (options.random ?? Math.random)()));
}

/** How long a 429 asks to wait: `Retry-After` (seconds or a date), or Okta's `X-Rate-Limit-Reset` against `Date`. */
export function rateLimitDelay(response: HttpResponse, nowSeconds: number): number | undefined {
  const retryAfter = response.headers['retry-after'];
  if (retryAfter) {
    if (/^\d+$/.test(retryAfter.trim())) return Number(retryAfter) * 1000;
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(0, at - nowSeconds * 1000);
  }
  const reset = Number(response.headers['x-rate-limit-reset']);
  if (Number.isFinite(reset) && reset > 0) {
    const serverNow = Date.parse(response.headers.date ?? '');
    const base = Number.isNaN(serverNow) ? nowSeconds * 1000 : serverNow;
    return Math.max(0, reset * 1000 - base) + 1000;
  }
  return undefined;
}
