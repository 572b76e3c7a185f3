/**
 * The org authorization server, Okta's "OAuth for Okta": `POST {orgUrl}/oauth2/v1/token` issues
 * access tokens for the Management API to service apps. client_credentials only, client
 * authentication by `private_key_jwt` only (the same checks as the custom servers, with the org
 * token endpoint as the assertion's audience), and every requested scope must be an Okta API
 * scope granted to the app. The token is an RS256 JWT signed with the org's own key, `iss` and
 * `aud` the org URL; the Management API accepts it as `Authorization: Bearer`.
 */
import type { IncomingMessage } from 'node:http';
import { ASSERTION_ALGORITHMS } from '../core';
import { authenticateClient } from './client-auth';
import type { SandboxContext } from './context';
import { invalidClient, OAuthError, OKTA_TEXT } from './errors';
import type { Handler, Router } from './http';
import { newAccessTokenId } from './ids';
import { type AppRecord, OKTA_API_SCOPES, type OktaApiScope } from './model';
import { checkDpop, checkGrantType, invokedEndpoint, readForm, tokenAnswer } from './token';

/** Org access tokens live one hour, as Okta's do. */
const ORG_TOKEN_LIFETIME_SECONDS = 3600;

/** The org authorization server's token endpoint, `{orgUrl}/oauth2/v1/token`. */
export function orgTokenEndpointOf(orgUrl: string): string {
  return `${orgUrl}/oauth2/v1/token`;
}

function isOktaApiScope(name: string): name is OktaApiScope {
  return (OKTA_API_SCOPES as readonly string[]).includes(name);
}

/**
 * The requested scopes: at least one, each an Okta API scope the sandbox knows and each granted
 * to the app. A scope that exists but is not granted gets the same answer as an unknown one
 * (the sandbox's guess at Okta's text for that case).
 */
function grantedScopes(scope: string | undefined, app: AppRecord): OktaApiScope[] {
  const names = [...new Set((scope ?? '').split(' ').filter(Boolean))];
  if (names.length === 0) throw new OAuthError(400, 'invalid_scope', OKTA_TEXT.noDefaultScopes);
  const known = names.filter(isOktaApiScope);
  if (known.length !== names.length) throw new OAuthError(400, 'invalid_scope', OKTA_TEXT.scopesNotConfigured);
  if (!known.every((name) => app.grants.some((grant) => grant.scopeId === name))) {
    throw new OAuthError(400, 'invalid_scope', OKTA_TEXT.scopesNotConfigured);
  }
  return known;
}

async function authenticate(context: SandboxContext, req: IncomingMessage, form: ReadonlyMap<string, string>, now: number): Promise<AppRecord> {
  const orgUrl = context.orgUrl();
  const client = await authenticateClient(form, req.headers.authorization, {
    org: context.org,
    audiences: [orgTokenEndpointOf(orgUrl), invokedEndpoint(req), ...(context.acceptIssuerAudience ? [orgUrl] : [])],
    now,
  });
  if (client.method !== 'private_key_jwt') throw invalidClient(OKTA_TEXT.orgPrivateKeyJwt);
  return client.app;
}

/** The handler of `POST /oauth2/v1/token`. */
function orgTokenEndpoint(context: SandboxContext): Handler {
  return async ({ req }) => {
    const form = await readForm(req);
    const now = context.org.now();
    const app = await authenticate(context, req, form, now);
    checkDpop(app, req);
    checkGrantType(form.get('grant_type'), app, ['client_credentials']);
    const scopes = grantedScopes(form.get('scope'), app);
    const orgUrl = context.orgUrl();
    const iat = Math.floor(now);
    const payload = {
      ver: 1,
      jti: newAccessTokenId(),
      iss: orgUrl,
      aud: orgUrl,
      iat,
      exp: iat + ORG_TOKEN_LIFETIME_SECONDS,
      cid: app.clientId,
      scp: scopes,
      sub: app.clientId,
    };
    return tokenAnswer(await context.orgKeys.sign(payload), ORG_TOKEN_LIFETIME_SECONDS, scopes);
  };
}

/** The org authorization server's discovery document (RFC 8414; OpenID adds a few members). */
function orgMetadata(context: SandboxContext, openid: boolean): Record<string, unknown> {
  const orgUrl = context.orgUrl();
  return {
    issuer: orgUrl,
    token_endpoint: orgTokenEndpointOf(orgUrl),
    jwks_uri: `${orgUrl}/oauth2/v1/keys`,
    response_types_supported: ['token'],
    grant_types_supported: ['client_credentials'],
    scopes_supported: [...OKTA_API_SCOPES],
    token_endpoint_auth_methods_supported: ['private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: [...ASSERTION_ALGORITHMS.private_key_jwt],
    claims_supported: ['ver', 'jti', 'iss', 'aud', 'iat', 'exp', 'cid', 'scp', 'sub'],
    ...(openid ? { subject_types_supported: ['public'], id_token_signing_alg_values_supported: ['RS256'] } : {}),
  };
}

/** Adds the org authorization server's routes: token, keys and discovery at the org root. */
export function addOrgAuthorizationServerRoutes(router: Router, context: SandboxContext): void {
  router.add('POST', '/oauth2/v1/token', orgTokenEndpoint(context));
  router.add('GET', '/oauth2/v1/keys', () => ({ status: 200, body: context.orgKeys.jwks(), headers: { 'Cache-Control': 'no-cache' } }));
  router.add('GET', '/.well-known/oauth-authorization-server', () => ({ status: 200, body: orgMetadata(context, false) }));
  router.add('GET', '/.well-known/openid-configuration', () => ({ status: 200, body: orgMetadata(context, true) }));
}
