/**
 * Client authentication at the token endpoint, as Okta does it: exactly one credential
 * (Authorization header, post body, or client assertion; a public client sends its `client_id`
 * alone), the method the app is configured for, and for assertions every check with Okta's error text: the assertion type, the signature
 * (HMAC with the client secret, or RSA/ECDSA with the app's registered JWKS and a matching
 * `kid`), `iss` = `sub` = client id, audience = the token endpoint, `exp` present, not past and
 * at most one hour ahead, `iat` not in the future, `jti` single use.
 */
import { createHash, createSecretKey, type KeyObject, timingSafeEqual } from 'node:crypto';
import { compactVerify, type CryptoKey, importJWK, type JWK } from 'jose';
import { ASSERTION_ALGORITHMS, authMethodForAlgorithm, type JsonObject, parseJwt } from '../core';
import { invalidClient, OAuthError, OKTA_TEXT, SANDBOX_TEXT } from './errors';
import type { AppRecord, ClientAuthMethod } from './model';
import type { Org } from './org';

export const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Okta refuses an assertion `exp` further ahead than this. */
const MAX_ASSERTION_LIFETIME_SECONDS = 3600;
/** Tolerated difference between the client's clock and the sandbox's for `iat`. */
const IAT_SKEW_SECONDS = 60;

export interface AuthenticatedClient {
  readonly app: AppRecord;
  readonly method: ClientAuthMethod;
  /** The verified assertion's payload (client_secret_jwt and private_key_jwt). */
  readonly assertion: JsonObject | undefined;
}

export interface ClientAuthContext {
  readonly org: Org;
  /** Audiences an assertion may carry: the token endpoint as invoked (and the issuer, when allowed). */
  readonly audiences: readonly string[];
  /** Seconds since the epoch. */
  readonly now: number;
}

const failed = () => invalidClient(OKTA_TEXT.clientAuthFailed);

/** Authenticates the client of a token request, or throws the OAuth error Okta would answer. */
export async function authenticateClient(
  form: ReadonlyMap<string, string>,
  authorization: string | undefined,
  context: ClientAuthContext,
): Promise<AuthenticatedClient> {
  const basic = authorization !== undefined && /^basic(\s|$)/i.test(authorization.trim());
  const inBody = form.has('client_id') || form.has('client_secret');
  const assertion = form.has('client_assertion') || form.has('client_assertion_type');
  const count = Number(basic) + Number(inBody) + Number(assertion);
  if (count > 1) throw new OAuthError(401, 'invalid_request', OKTA_TEXT.multipleCredentials);
  if (count === 0) throw invalidClient(OKTA_TEXT.noCredentials);

  if (assertion) return authenticateAssertion(form, context);
  const credentials = basic ? basicCredentials(authorization ?? '') : { id: form.get('client_id') ?? '', secret: form.get('client_secret') };
  const publicClient = !basic && credentials.secret === undefined ? activeApp(context.org, credentials.id) : undefined;
  // A public client (a native app signing people in) proves nothing but its id; PKCE binds its codes.
  if (publicClient?.authMethod === 'none') return { app: publicClient, method: 'none', assertion: undefined };
  const method: ClientAuthMethod = basic ? 'client_secret_basic' : 'client_secret_post';
  const app = activeApp(context.org, credentials.id);
  if (!app || app.authMethod !== method || credentials.secret === undefined) throw failed();
  if (!sameSecret(credentials.secret, app.clientSecret)) throw invalidClient(OKTA_TEXT.clientSecret);
  return { app, method, assertion: undefined };
}

function activeApp(org: Org, clientId: string): AppRecord | undefined {
  const app = clientId ? org.appByClientId(clientId) : undefined;
  return app?.status === 'ACTIVE' ? app : undefined;
}

/** `Basic base64(urlencode(id):urlencode(secret))` (RFC 6749 §2.3.1). */
function basicCredentials(header: string): { id: string; secret: string } {
  const encoded = header.trim().slice('basic'.length).trim();
  const text = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (!encoded || colon < 0) throw failed();
  return { id: formDecode(text.slice(0, colon)), secret: formDecode(text.slice(colon + 1)) };
}

function formDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** Constant-time comparison of two secrets of any length. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected)) && given === expected;
}

async function authenticateAssertion(form: ReadonlyMap<string, string>, context: ClientAuthContext): Promise<AuthenticatedClient> {
  if (form.get('client_assertion_type') !== ASSERTION_TYPE) throw invalidClient(OKTA_TEXT.assertionType);
  const token = form.get('client_assertion');
  if (!token) throw invalidClient(OKTA_TEXT.noCredentials);
  const parsed = parseJwt(token);
  if (!parsed.ok) throw invalidClient(SANDBOX_TEXT.assertionMalformed);
  const { header, payload } = parsed.jwt;
  // The sandbox implements no JWS extension: an assertion that asks for one (b64 among them) is
  // not one it can read the way its signer meant.
  if (header.crit !== undefined) throw invalidClient(SANDBOX_TEXT.assertionMalformed);

  const alg = typeof header.alg === 'string' ? header.alg : '';
  const method = authMethodForAlgorithm(alg);
  if (!method) throw invalidClient(OKTA_TEXT.assertionSignature);
  const { iss, sub } = payload;
  if (typeof iss !== 'string' || iss !== sub) throw failed();
  const app = activeApp(context.org, iss);
  if (!app || app.authMethod !== method) throw failed();

  await verifySignature(token, alg, header.kid, app);
  checkAudience(payload.aud, context.audiences);
  const exp = checkTimes(payload, context.now);
  if (payload.jti !== undefined) {
    if (typeof payload.jti !== 'string' || !payload.jti) throw invalidClient(SANDBOX_TEXT.assertionMalformed);
    if (!context.org.useJti(app.clientId, payload.jti, exp)) throw invalidClient(OKTA_TEXT.assertionReplay);
  }
  return { app, method, assertion: payload };
}

/**
 * Keys as jose prepares them once: a secret as a KeyObject (jose keeps the CryptoKey it derives
 * from one, where it would import a byte array anew for every request), a registered JWK by its
 * content. Few entries: one per app secret and per registered key, refreshed when they change.
 */
const secretKeys = new Map<string, KeyObject>();
const publicKeys = new Map<string, Promise<CryptoKey | Uint8Array>>();

function secretKey(secret: string): KeyObject {
  let key = secretKeys.get(secret);
  if (!key) {
    if (secretKeys.size > 256) secretKeys.clear();
    secretKeys.set(secret, (key = createSecretKey(Buffer.from(secret, 'utf8'))));
  }
  return key;
}

function publicKey(jwk: JWK, alg: string): Promise<CryptoKey | Uint8Array> {
  const id = `${alg} ${JSON.stringify(jwk)}`;
  let key = publicKeys.get(id);
  if (!key) {
    if (publicKeys.size > 256) publicKeys.clear();
    publicKeys.set(id, (key = importJWK({ ...jwk, alg }, alg)));
    key.catch(() => publicKeys.delete(id));
  }
  return key;
}

async function verifySignature(token: string, alg: string, kid: unknown, app: AppRecord): Promise<void> {
  let key: KeyObject | CryptoKey;
  if (ASSERTION_ALGORITHMS.client_secret_jwt.includes(alg)) {
    key = secretKey(app.clientSecret);
  } else {
    const jwk = typeof kid === 'string' ? app.jwks?.find((candidate) => candidate.kid === kid && isUsable(candidate)) : undefined;
    if (!jwk) throw invalidClient(OKTA_TEXT.assertionKid);
    try {
      const imported = await publicKey(jwk, alg);
      if (imported instanceof Uint8Array) throw new TypeError('not a public key');
      key = imported;
    } catch {
      throw invalidClient(OKTA_TEXT.assertionSignature);
    }
  }
  try {
    await compactVerify(token, key, { algorithms: [alg] });
  } catch {
    throw invalidClient(OKTA_TEXT.assertionSignature);
  }
}

/** A registered key is usable unless marked otherwise (`status` other than ACTIVE). */
function isUsable(jwk: JWK): boolean {
  const status = (jwk as { status?: unknown }).status;
  return status === undefined || status === 'ACTIVE';
}

function checkAudience(aud: unknown, accepted: readonly string[]): void {
  const given = Array.isArray(aud) ? aud : [aud];
  if (!given.some((value) => typeof value === 'string' && accepted.includes(value))) {
    throw invalidClient(OKTA_TEXT.assertionAudience);
  }
}

/** Checks `exp` and `iat`; returns `exp`. */
function checkTimes(payload: JsonObject, now: number): number {
  const { exp, iat } = payload;
  if (exp === undefined) throw invalidClient(SANDBOX_TEXT.assertionNoExpiry);
  if (typeof exp !== 'number' || !Number.isFinite(exp)) throw invalidClient(SANDBOX_TEXT.assertionMalformed);
  if (exp <= now) throw invalidClient(OKTA_TEXT.assertionExpired);
  if (exp - now > MAX_ASSERTION_LIFETIME_SECONDS) throw invalidClient(OKTA_TEXT.assertionTooFar);
  if (iat !== undefined) {
    if (typeof iat !== 'number' || !Number.isFinite(iat)) throw invalidClient(SANDBOX_TEXT.assertionMalformed);
    if (iat > now + IAT_SKEW_SECONDS) throw invalidClient(SANDBOX_TEXT.assertionIssuedInFuture);
  }
  return exp;
}

