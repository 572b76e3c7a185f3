/**
 * A person's own sign-in at the token endpoint: the authorization code grant with PKCE (the code
 * the sign-in page sent back, `sign-in.ts`), and the resource owner password grant Okta offers to
 * trusted native apps. Both end the same way: the access policy for this person, then an access
 * token in Okta's shape (`uid`, `sub` = login, `cid` = the app), `may_act` naming the agent when
 * the app asked for one, and an ID token when `openid` was asked for.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { customClaims } from './claims';
import type { SandboxContext } from './context';
import { invalidRequest, OAuthError, OKTA_TEXT, SANDBOX_TEXT } from './errors';
import type { Reply } from './http';
import type { AppRecord, UserRecord } from './model';
import { evaluatePolicies } from './policy';
import { audienceOf, type GrantRequest, issueAccessToken, requestedScopes, tokenAnswer } from './token';
import { idTokenClaims, userAccessClaims } from './user-tokens';

/** RFC 7636 §4.1: 43 to 128 unreserved characters. */
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

/** `grant_type=authorization_code`: the code, once; the same redirect URI; the PKCE verifier. */
export async function authorizationCodeGrant(request: GrantRequest): Promise<Reply> {
  const { form, context, server, client, now } = request;
  const code = form.get('code');
  if (!code) throw invalidRequest(SANDBOX_TEXT.codeMissing);
  // Taken before any other check: a code is used once, whatever the outcome (RFC 6749 §4.1.2).
  const issued = context.signIns.codes.take(code, now);
  if (!issued || issued.serverId !== server.id || issued.clientId !== client.app.clientId) {
    throw new OAuthError(400, 'invalid_grant', OKTA_TEXT.authCodeInvalid);
  }
  if (form.get('redirect_uri') !== issued.redirectUri) throw new OAuthError(400, 'invalid_grant', SANDBOX_TEXT.redirectUriMismatch);
  const verifier = form.get('code_verifier');
  if (verifier === undefined) throw invalidRequest(SANDBOX_TEXT.codeVerifierMissing);
  if (!VERIFIER.test(verifier)) throw invalidRequest(SANDBOX_TEXT.codeVerifierInvalid);
  if (!sameText(s256(verifier), issued.codeChallenge)) throw new OAuthError(400, 'invalid_grant', SANDBOX_TEXT.pkceFailed);
  const user = context.org.users.get(issued.userId);
  if (user?.status !== 'ACTIVE') throw new OAuthError(400, 'invalid_grant', OKTA_TEXT.authCodeInvalid);
  return issuePersonTokens(request, { grantType: 'authorization_code', user, scopes: issued.scopes, authTime: issued.authTime, nonce: issued.nonce, agent: issued.agent });
}

/** `grant_type=password`: the person's login and password, straight to the token endpoint. */
export async function passwordGrant(request: GrantRequest): Promise<Reply> {
  const { form, context, server, now } = request;
  const username = form.get('username');
  const password = form.get('password');
  if (!username || !password) throw invalidRequest(SANDBOX_TEXT.credentialsMissing);
  const scopes = requestedScopes(form.get('scope'), server, { oidc: true });
  const user = context.org.userByIdOrLogin(username);
  // One answer for an unknown login, a wrong password and an inactive person: nothing to probe.
  const passwordOk = user ? context.org.passwordMatches(user, password) : false;
  if (!user || !passwordOk || user.status !== 'ACTIVE') throw new OAuthError(400, 'invalid_grant', SANDBOX_TEXT.credentialsInvalid);
  const agent = agentParameter(context, form.get('agent'));
  return issuePersonTokens(request, { grantType: 'password', user, scopes, authTime: Math.floor(now), nonce: undefined, agent: agent?.clientId });
}

/**
 * The `agent` parameter (the sandbox's own, for the authorization request and the password grant):
 * the app that will act for the person. It becomes the access token's `may_act`, so that only that
 * app can exchange it.
 */
export function agentParameter(context: SandboxContext, clientId: string | undefined): AppRecord | undefined {
  if (clientId === undefined || clientId === '') return undefined;
  const app = context.org.appByClientId(clientId);
  if (app?.status !== 'ACTIVE') throw invalidRequest(SANDBOX_TEXT.agentUnknown);
  return app;
}

interface PersonGrant {
  readonly grantType: 'authorization_code' | 'password';
  readonly user: UserRecord;
  readonly scopes: readonly string[];
  readonly authTime: number;
  readonly nonce: string | undefined;
  readonly agent: string | undefined;
}

async function issuePersonTokens(request: GrantRequest, grant: PersonGrant): Promise<Reply> {
  const { context, server, issuer, client, now } = request;
  const { app } = client;
  const match = evaluatePolicies(server, { clientId: app.clientId, grantType: grant.grantType, scopes: grant.scopes, person: { user: grant.user, org: context.org } });
  if (!match) throw new OAuthError(400, 'access_denied', OKTA_TEXT.policyFailed);
  const iat = Math.floor(now);
  const lifetime = match.rule.accessTokenLifetimeMinutes * 60;
  const payload = {
    ...userAccessClaims({ issuer, audience: audienceOf(server), clientId: app.clientId, user: grant.user, scopes: grant.scopes, iat, lifetime, authTime: grant.authTime }),
    ...(grant.agent !== undefined ? { may_act: { sub: grant.agent } } : {}),
    ...customClaims(server.claims, { app, assertion: client.assertion, scopes: grant.scopes }),
  };
  const issued = await issueAccessToken(request, { grantType: grant.grantType, match, scopes: grant.scopes, payload, lifetime });
  const idToken = grant.scopes.includes('openid')
    ? await server.keys.sign(idTokenClaims({ issuer, app, user: grant.user, scopes: grant.scopes, iat, authTime: grant.authTime, nonce: grant.nonce, orgId: context.org.orgId, accessToken: issued.accessToken }))
    : undefined;
  return tokenAnswer(issued.accessToken, issued.lifetime, grant.scopes, idToken ? { id_token: idToken } : {});
}

/** The S256 code challenge of a verifier (RFC 7636 §4.2). */
export function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
