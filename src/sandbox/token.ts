/**
 * The token endpoint, `POST /oauth2/{authServerId}/v1/token`: client authentication, the grant
 * type, then the grant's own checks (`client_credentials` here; a person's sign-in in
 * `person-grants.ts`; token exchange in `token-exchange.ts`), the access policy, and an access
 * token shaped like Okta's (RS256, header `{kid, alg}`), passed through the matching rule's token
 * inline hook when it has one (`token-hook.ts`).
 */
import type { IncomingMessage } from 'node:http';
import { customClaims } from './claims';
import { type AuthenticatedClient, authenticateClient } from './client-auth';
import type { SandboxContext } from './context';
import { apiErrors, grantList, invalidRequest, OAuthError, OKTA_TEXT, SANDBOX_TEXT } from './errors';
import { parseForm } from './form';
import { BodyTooLargeError, type Handler, mediaType, readBody, type Reply } from './http';
import { newAccessTokenId } from './ids';
import { type AppRecord, type AuthServerRecord, type InlineHookRecord, KNOWN_GRANT_TYPES, SUPPORTED_GRANT_TYPES, TOKEN_EXCHANGE_GRANT } from './model';
import { authorizationCodeGrant, passwordGrant } from './person-grants';
import { evaluatePolicies, type PolicyMatch } from './policy';
import { runTokenHook } from './token-hook';
import { tokenExchangeGrant } from './token-exchange';
import { isOidcScope } from './user-tokens';
import { issuerOf } from './views';

/** Token requests are small forms; anything larger is refused (413). */
const FORM_LIMIT_BYTES = 64 * 1024;

/** An ACTIVE authorization server, or Okta's 404 E0000007. */
export function activeServer(context: SandboxContext, id: string | undefined): AuthServerRecord {
  const server = id === undefined ? undefined : context.org.authServers.get(id);
  if (!server || server.status !== 'ACTIVE') throw apiErrors.notFound(id ?? '', 'AuthorizationServer');
  return server;
}

/** One token request, once its client is authenticated: what every grant's handler reads. */
export interface GrantRequest {
  readonly context: SandboxContext;
  readonly server: AuthServerRecord;
  readonly issuer: string;
  readonly form: ReadonlyMap<string, string>;
  readonly client: AuthenticatedClient;
  /** Seconds since the epoch. */
  readonly now: number;
  readonly req: IncomingMessage;
}

/** The handler of `POST /oauth2/:authServerId/v1/token`. */
export function tokenEndpoint(context: SandboxContext): Handler {
  return async ({ req, params }) => {
    const server = activeServer(context, params.authServerId);
    const form = await readForm(req);
    const now = context.org.now();
    const issuer = issuerOf(context.orgUrl(), server);
    const client = await authenticateClient(form, req.headers.authorization, {
      org: context.org,
      audiences: [`${issuer}/v1/token`, invokedEndpoint(req), ...(context.acceptIssuerAudience ? [issuer] : [])],
      now,
    });
    checkDpop(client.app, req);
    const grantType = checkGrantType(form.get('grant_type'), client.app, SUPPORTED_GRANT_TYPES);
    const request: GrantRequest = { context, server, issuer, form, client, now, req };
    if (grantType === 'authorization_code') return authorizationCodeGrant(request);
    if (grantType === 'password') return passwordGrant(request);
    if (grantType === TOKEN_EXCHANGE_GRANT) return tokenExchangeGrant(request);
    return clientCredentials(request);
  };
}

/** The agent's own token: `sub` = `cid` = its client id, then the server's custom claims (the guide's `act`). */
async function clientCredentials(request: GrantRequest): Promise<Reply> {
  const { server, client, issuer, now } = request;
  const { app } = client;
  const scopes = requestedScopes(request.form.get('scope'), server);
  const match = evaluatePolicies(server, { clientId: app.clientId, grantType: 'client_credentials', scopes });
  if (!match) throw new OAuthError(400, 'access_denied', OKTA_TEXT.policyFailed);
  const iat = Math.floor(now);
  const lifetime = match.rule.accessTokenLifetimeMinutes * 60;
  const payload = {
    ver: 1,
    jti: newAccessTokenId(),
    iss: issuer,
    aud: audienceOf(server),
    iat,
    exp: iat + lifetime,
    cid: app.clientId,
    scp: scopes,
    sub: app.clientId,
    ...customClaims(server.claims, { app, assertion: client.assertion, scopes }),
  };
  const issued = await issueAccessToken(request, { grantType: 'client_credentials', match, scopes, payload, lifetime });
  return tokenAnswer(issued.accessToken, issued.lifetime, scopes);
}

/** The `aud` of the server's access tokens: its audience, as a string when it has one. */
export function audienceOf(server: AuthServerRecord): string | string[] | undefined {
  return server.audiences.length === 1 ? server.audiences[0] : [...server.audiences];
}

/**
 * Signs an access token, after the matching rule's token inline hook (when it names an ACTIVE
 * one) has had its say: a patch applied whole, an `error` that stops issuance, or anything else
 * that leaves the token as built (hooks fail open).
 */
export async function issueAccessToken(
  request: GrantRequest,
  token: { readonly grantType: string; readonly match: PolicyMatch; readonly scopes: readonly string[]; readonly payload: Record<string, unknown>; readonly lifetime: number },
): Promise<{ accessToken: string; lifetime: number }> {
  const { context, server, issuer, client, now, req } = request;
  let { payload, lifetime } = token;
  const iat = typeof payload.iat === 'number' ? payload.iat : Math.floor(now);
  const hook = activeTokenHook(context, token.match.rule.inlineHookId);
  if (hook) {
    const outcome = await runTokenHook(
      {
        hook,
        issuer,
        requestUrl: requestedUrl(req),
        ipAddress: req.socket.remoteAddress ?? '',
        client: { id: client.app.clientId, name: client.app.label, type: client.method === 'none' ? 'PUBLIC' : 'CONFIDENTIAL' },
        grantType: token.grantType,
        scopes: token.scopes.map((name) => ({ name, id: server.scopes.find((scope) => scope.name === name)?.id ?? '' })),
        policy: { id: token.match.policy.id, ruleId: token.match.rule.id },
        claims: payload,
        lifetime,
        now,
      },
      { timeoutMs: context.hookTimeoutMs, ...(context.hookCa ? { ca: context.hookCa } : {}) },
    ).catch((error: unknown) => {
      if (error instanceof OAuthError) context.log?.(`inline hook ${hook.id}: error, no token issued`);
      throw error;
    });
    if (outcome.kind === 'patched') {
      payload = { ...outcome.claims, iat, exp: iat + outcome.lifetime };
      lifetime = outcome.lifetime;
      context.log?.(`inline hook ${hook.id}: applied`);
    } else {
      context.log?.(`inline hook ${hook.id}: skipped, token issued unmodified: ${outcome.reason}`);
    }
  }
  return { accessToken: await server.keys.sign(payload), lifetime };
}

/** The token endpoint's 200 answer: `{token_type, expires_in, access_token, scope}` and any extra members, not cacheable. */
export function tokenAnswer(accessToken: string, lifetime: number, scopes: readonly string[], extra: Readonly<Record<string, string>> = {}): Reply {
  return {
    status: 200,
    body: { token_type: 'Bearer', expires_in: lifetime, access_token: accessToken, scope: scopes.join(' '), ...extra },
    headers: { 'Cache-Control': 'no-store', Pragma: 'no-cache' },
  };
}

/**
 * An app with `dpop_bound_access_tokens` gets no token (the sandbox does not validate proofs).
 * Other apps may send a `DPoP` header, which is ignored (the Okta SDK always sends one).
 */
export function checkDpop(app: AppRecord, req: IncomingMessage): void {
  if (!app.dpopBound) return;
  throw new OAuthError(400, 'invalid_dpop_proof', req.headers.dpop ? SANDBOX_TEXT.dpopUnsupported : OKTA_TEXT.dpopMissing);
}

/** The token request's form: `application/x-www-form-urlencoded`, at most 64 KiB. */
export async function readForm(req: IncomingMessage): Promise<Map<string, string>> {
  if (mediaType(req) !== 'application/x-www-form-urlencoded') throw invalidRequest(SANDBOX_TEXT.formContentType);
  try {
    return parseForm(await readBody(req, FORM_LIMIT_BYTES));
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw invalidRequest(`The request body is larger than ${error.limit} bytes.`, 413);
    throw error;
  }
}

/** The token inline hook a rule names, when it exists, is ACTIVE and is a token hook; Okta skips any other. */
function activeTokenHook(context: SandboxContext, id: string | undefined): InlineHookRecord | undefined {
  const hook = id === undefined ? undefined : context.org.inlineHooks.get(id);
  return hook?.status === 'ACTIVE' && hook.type === 'com.okta.oauth2.tokens.transform' ? hook : undefined;
}

/** The whole URL of this request, query included, as Okta reports it to a hook. */
function requestedUrl(req: IncomingMessage): string {
  const scheme = 'encrypted' in req.socket && req.socket.encrypted ? 'https' : 'http';
  return `${scheme}://${req.headers.host ?? ''}${req.url ?? ''}`;
}

/** The token endpoint URL as this request reached it (scheme, Host header, path). */
export function invokedEndpoint(req: IncomingMessage): string {
  const scheme = 'encrypted' in req.socket && req.socket.encrypted ? 'https' : 'http';
  const path = (req.url ?? '').split('?')[0] ?? '';
  return `${scheme}://${req.headers.host ?? ''}${path}`;
}

/**
 * The grant type must be given, known, issued by this endpoint (`supported`) and one of the app's;
 * returns it.
 */
export function checkGrantType(grantType: string | undefined, app: AppRecord, supported: readonly string[]): string {
  const configured = grantList(app.grantTypes);
  if (!grantType) throw invalidRequest(`The token request must specify a 'grant_type'. Valid values: ${configured}`);
  if (!(KNOWN_GRANT_TYPES as readonly string[]).includes(grantType) || (app.grantTypes.includes(grantType) && !supported.includes(grantType))) {
    throw new OAuthError(400, 'unsupported_grant_type', `The authorization grant type is not supported by the authorization server. Configured grant types: ${configured}.`);
  }
  if (!app.grantTypes.includes(grantType)) {
    throw new OAuthError(400, 'unauthorized_client', `The client is not authorized to use the provided grant type. Configured grant types: ${configured}.`);
  }
  return grantType;
}

/**
 * The requested scopes (or the server's default scopes); each must exist on the server. With
 * `oidc` (a person's sign-in) the OpenID Connect scopes are known too, as on every Okta server.
 */
export function requestedScopes(scope: string | undefined, server: AuthServerRecord, options: { readonly oidc?: boolean } = {}): string[] {
  const names = [...new Set((scope ?? '').split(' ').filter(Boolean))];
  if (names.length === 0) {
    const defaults = server.scopes.filter((candidate) => candidate.default).map((candidate) => candidate.name);
    if (defaults.length === 0) throw new OAuthError(400, 'invalid_scope', OKTA_TEXT.noDefaultScopes);
    return defaults;
  }
  const known = (name: string) => server.scopes.some((candidate) => candidate.name === name) || (options.oidc === true && isOidcScope(name));
  if (!names.every(known)) throw new OAuthError(400, 'invalid_scope', OKTA_TEXT.scopesNotConfigured);
  return names;
}
