/**
 * Who may call the Management API: `Authorization: SSWS <API token>` may call every route;
 * `Authorization: Bearer <access token>` from the org authorization server (`/oauth2/v1/token`)
 * may call a route when its `scp` holds the route's Okta API scope: `okta.<family>.read` or
 * `.manage` for a GET, `okta.<family>.manage` for anything else, the family being the route's
 * resource (authorizationServers, apps, appGrants, users, groups, inlineHooks).
 *
 * A missing or wrong credential, or a Bearer token that is not a valid, unexpired org token of
 * an active app, answers 401 E0000011; a token without the scope answers 403 E0000006 with
 * Okta's `WWW-Authenticate: Bearer … error="insufficient_scope"` header.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createLocalJWKSet, type JWTPayload, jwtVerify } from 'jose';
import type { SandboxContext } from '../context';
import { apiErrors } from '../errors';
import type { Handler } from '../http';

/** Wraps a route's handler with authentication and its scope check. */
export type Guard = (method: string, path: string, handler: Handler) => Handler;

/** The resource families of the Management API routes, each with a `.read` and a `.manage` scope. */
const FAMILIES = ['authorizationServers', 'apps', 'users', 'groups', 'inlineHooks'] as const;

/** The scope a route needs (named in the 403 answer) and every scope that satisfies it. */
export interface ScopeNeed {
  readonly named: string;
  readonly accepted: readonly string[];
}

/** The Okta API scope a route needs, from its method and path pattern (`/api/v1/apps/:appId/grants`). */
function requiredScope(method: string, path: string): ScopeNeed {
  const [, api, version, resource = '', , sub] = path.split('/');
  const family = resource === 'apps' && sub === 'grants' ? 'appGrants' : resource;
  if (api !== 'api' || version !== 'v1' || (family !== 'appGrants' && !(FAMILIES as readonly string[]).includes(family))) {
    throw new TypeError(`no Okta API scope is defined for ${path}`);
  }
  const manage = `okta.${family}.manage`;
  if (method !== 'GET') return { named: manage, accepted: [manage] };
  return { named: `okta.${family}.read`, accepted: [`okta.${family}.read`, manage] };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** The guard of every Management API route: SSWS, or an org access token with the route's scope. */
export function apiGuard(context: SandboxContext): Guard {
  const expected = digest(context.apiToken);
  return (method, path, handler) => {
    const need = requiredScope(method, path);
    return async (request) => {
      const header = request.req.headers.authorization ?? '';
      const ssws = /^SSWS\s+(\S+)\s*$/i.exec(header)?.[1];
      if (ssws !== undefined) {
        if (!timingSafeEqual(digest(ssws), expected)) throw apiErrors.invalidToken();
        return handler(request);
      }
      const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
      if (bearer === undefined) throw apiErrors.invalidToken();
      const scopes = await verifyOrgToken(context, bearer);
      if (!need.accepted.some((scope) => scopes.includes(scope))) {
        throw apiErrors.insufficientScope(context.orgUrl(), need.named, request.url.pathname);
      }
      return handler(request);
    };
  };
}

/**
 * Verifies an org access token: RS256 signed with an org key, `iss` and `aud` the org URL, not
 * expired (by the sandbox's clock), `cid` an active app. Returns its `scp`. Anything else
 * answers 401 E0000011, whatever the reason (the token is never logged or echoed).
 */
async function verifyOrgToken(context: SandboxContext, token: string): Promise<string[]> {
  const orgUrl = context.orgUrl();
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, createLocalJWKSet(context.orgKeys.jwks()), {
      issuer: orgUrl,
      audience: orgUrl,
      algorithms: ['RS256'],
      currentDate: new Date(context.org.now() * 1000),
      requiredClaims: ['exp', 'cid', 'scp'],
    }));
  } catch {
    throw apiErrors.invalidToken();
  }
  const { cid, scp } = payload;
  const app = typeof cid === 'string' ? context.org.appByClientId(cid) : undefined;
  if (app?.status !== 'ACTIVE' || !Array.isArray(scp)) throw apiErrors.invalidToken();
  return scp.filter((scope): scope is string => typeof scope === 'string');
}
