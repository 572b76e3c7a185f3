/**
 * The authorization server's public routes, at Okta's paths: the token endpoint, the keys, and
 * both discovery documents. An unknown or inactive server answers 404 E0000007.
 */
import { ASSERTION_ALGORITHMS } from '../core';
import type { SandboxContext } from './context';
import type { Router } from './http';
import { CLIENT_AUTH_METHODS, SUPPORTED_GRANT_TYPES } from './model';
import { activeServer, tokenEndpoint } from './token';
import { OIDC_SCOPES } from './user-tokens';
import { issuerOf } from './views';

const OKTA_CLAIMS = ['ver', 'jti', 'iss', 'aud', 'iat', 'exp', 'cid', 'uid', 'scp', 'auth_time', 'sub'];
/** What ID tokens carry, for OpenID discovery. */
const ID_TOKEN_CLAIMS = ['name', 'email', 'preferred_username', 'amr', 'idp', 'nonce', 'at_hash'];

/** The discovery document (RFC 8414; OpenID Connect Discovery adds a few members). */
function metadata(context: SandboxContext, id: string | undefined, openid: boolean): Record<string, unknown> {
  const server = activeServer(context, id);
  const issuer = issuerOf(context.orgUrl(), server);
  const customClaims = server.claims.filter((claim) => claim.status === 'ACTIVE').map((claim) => claim.name);
  return {
    issuer,
    authorization_endpoint: `${issuer}/v1/authorize`,
    token_endpoint: `${issuer}/v1/token`,
    jwks_uri: `${issuer}/v1/keys`,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: [...SUPPORTED_GRANT_TYPES],
    code_challenge_methods_supported: ['S256'],
    scopes_supported: [...OIDC_SCOPES, ...server.scopes.filter((scope) => scope.metadataPublish === 'ALL_CLIENTS').map((scope) => scope.name)],
    token_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS],
    token_endpoint_auth_signing_alg_values_supported: [...ASSERTION_ALGORITHMS.client_secret_jwt, ...ASSERTION_ALGORITHMS.private_key_jwt],
    claims_supported: [...OKTA_CLAIMS, ...(openid ? ID_TOKEN_CLAIMS : []), ...customClaims],
    ...(openid ? { subject_types_supported: ['public'], id_token_signing_alg_values_supported: ['RS256'] } : {}),
  };
}

/** Adds the authorization server routes to a router. */
export function addAuthorizationServerRoutes(router: Router, context: SandboxContext): void {
  const base = '/oauth2/:authServerId';
  router.add('POST', `${base}/v1/token`, tokenEndpoint(context));
  router.add('GET', `${base}/v1/keys`, ({ params }) => ({
    status: 200,
    body: activeServer(context, params.authServerId).keys.jwks(),
    headers: { 'Cache-Control': 'no-cache' },
  }));
  router.add('GET', `${base}/.well-known/oauth-authorization-server`, ({ params }) => ({
    status: 200,
    body: metadata(context, params.authServerId, false),
  }));
  router.add('GET', `${base}/.well-known/openid-configuration`, ({ params }) => ({
    status: 200,
    body: metadata(context, params.authServerId, true),
  }));
}
