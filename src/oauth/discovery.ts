/** Authorization server metadata (RFC 8414, or OpenID discovery), as Okta publishes it under the issuer. */
import { AgbacError, isRecord, requireSecureUrl, sameUrl } from '../core';
import { httpRequest, jsonBody, ResponseError } from './http';

export interface ServerMetadata {
  readonly issuer: string;
  readonly tokenEndpoint: string;
  /** Where people sign in (RFC 6749 §3.1), when the server has such an endpoint. */
  readonly authorizationEndpoint: string | undefined;
  /** PKCE methods the server announces (RFC 8414 `code_challenge_methods_supported`). */
  readonly codeChallengeMethods: readonly string[];
  readonly jwksUri: string;
  readonly tokenEndpointAuthMethods: readonly string[];
  readonly grantTypes: readonly string[];
  /** The whole document. */
  readonly raw: Record<string, unknown>;
}

/** The issuer publishes no usable metadata (missing, for another issuer, or without its endpoints). */
export class DiscoveryError extends AgbacError {
  static override readonly code = 'ERR_DISCOVERY';
  override readonly code = 'ERR_DISCOVERY';
}

/**
 * Reads `{issuer}/.well-known/oauth-authorization-server` (then `openid-configuration`), and
 * checks that it describes this issuer with usable endpoints.
 */
export async function discover(issuer: string, options: { timeoutMs?: number; ca?: string } = {}): Promise<ServerMetadata> {
  const base = requireSecureUrl(issuer, 'the issuer').href.replace(/\/+$/, '');
  let lastProblem = '';
  for (const document of ['oauth-authorization-server', 'openid-configuration']) {
    const url = `${base}/.well-known/${document}`;
    const response = await httpRequest({ url, timeoutMs: options.timeoutMs, ca: options.ca, maxBytes: 256 * 1024 });
    if (response.status === 404) {
      lastProblem = `${url} answered 404`;
      continue;
    }
    if (response.status !== 200) throw new ResponseError(`${url} answered HTTP ${response.status}`, response.status);
    return readMetadata(jsonBody(response, url), issuer, url);
  }
  throw new DiscoveryError(`no authorization server metadata under ${base} (${lastProblem}): check the org URL and the authorization server id`);
}

function readMetadata(body: unknown, issuer: string, url: string): ServerMetadata {
  if (!isRecord(body)) throw new DiscoveryError(`${url} is not a JSON object`);
  const text = (name: string): string => {
    const value = body[name];
    if (typeof value !== 'string' || !value) throw new DiscoveryError(`${url} has no ${name}`);
    return value;
  };
  const list = (name: string): string[] => (Array.isArray(body[name]) ? (body[name] as unknown[]).filter((item): item is string => typeof item === 'string') : []);
  const announced = text('issuer');
  if (!sameUrl(announced, issuer)) {
    throw new DiscoveryError(`${url} describes the issuer ${announced}, not ${issuer}: tokens from it would fail the issuer check`);
  }
  const tokenEndpoint = text('token_endpoint');
  const jwksUri = text('jwks_uri');
  requireSecureUrl(tokenEndpoint, 'the token_endpoint');
  requireSecureUrl(jwksUri, 'the jwks_uri');
  const authorizationEndpoint = typeof body.authorization_endpoint === 'string' && body.authorization_endpoint ? body.authorization_endpoint : undefined;
  if (authorizationEndpoint) requireSecureUrl(authorizationEndpoint, 'the authorization_endpoint');
  return {
    issuer: announced,
    tokenEndpoint,
    authorizationEndpoint,
    codeChallengeMethods: list('code_challenge_methods_supported'),
    jwksUri,
    tokenEndpointAuthMethods: list('token_endpoint_auth_methods_supported'),
    grantTypes: list('grant_types_supported'),
    raw: body,
  };
}
