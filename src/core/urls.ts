/**
 * URLs of an Okta org and its custom authorization servers, and how to recognise them.
 * Pure string work over WHATWG URL.
 */
import { UrlError } from './errors';

export interface OktaServer {
  /** `https://dev-123456.okta.com`, or the sandbox's `http://127.0.0.1:PORT`. */
  readonly orgUrl: string;
  /** The authorization server id (`aus…`, or `default`). */
  readonly authServerId: string;
}

export interface ServerUrls {
  readonly issuer: string;
  readonly tokenEndpoint: string;
  readonly jwksUri: string;
  readonly metadataUrl: string;
}

/**
 * Normalises an Okta org URL: adds `https://` when no scheme is given, drops a trailing slash,
 * path, query and fragment (the SDK builds `//api` from a trailing slash). Throws a {@link UrlError}
 * naming the problem for text that is not a usable URL.
 */
export function normalizeOrgUrl(input: string): string {
  const trimmed = input.trim();
  if (!trimmed) throw new UrlError('the Okta org URL is empty');
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new UrlError(`"${input}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UrlError(`"${input}" must be an http(s) URL`);
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new UrlError(`"${input}" uses http; Okta orgs are https (http is allowed for loopback only)`);
  }
  return url.origin;
}

/** The issuer, token endpoint, JWKS and metadata URLs of an Okta custom authorization server. */
export function oktaServerUrls(server: OktaServer): ServerUrls {
  const issuer = `${normalizeOrgUrl(server.orgUrl)}/oauth2/${encodeURIComponent(server.authServerId)}`;
  return urlsFromIssuer(issuer);
}

/** The Okta-style URLs under an issuer: `{issuer}/v1/token`, `{issuer}/v1/keys`, metadata. */
export function urlsFromIssuer(issuer: string): ServerUrls {
  const base = issuer.replace(/\/+$/, '');
  return {
    issuer: base,
    tokenEndpoint: `${base}/v1/token`,
    jwksUri: `${base}/v1/keys`,
    metadataUrl: `${base}/.well-known/oauth-authorization-server`,
  };
}

/** The issuer an Okta-style token endpoint belongs to (`…/oauth2/aus…/v1/token` → `…/oauth2/aus…`). */
export function issuerFromTokenEndpoint(tokenEndpoint: string): string | undefined {
  const match = /^(.*\/oauth2(?:\/[^/]+)?)\/v1\/token\/?$/.exec(tokenEndpoint.trim());
  return match?.[1];
}

/** What an URL looks like to Okta: an authorization server's issuer, its token endpoint, or neither. */
export type OktaUrlShape = 'issuer' | 'token-endpoint' | 'other';

export function oktaUrlShape(value: string | URL): OktaUrlShape {
  const url = typeof value === 'string' ? parseUrl(value) : value;
  if (!url) return 'other';
  const path = url.pathname.replace(/\/+$/, '');
  if (/^\/oauth2\/[^/]+\/v1\/token$/.test(path) || path === '/oauth2/v1/token') return 'token-endpoint';
  if (/^\/oauth2\/[^/]+$/.test(path) && !url.search) return 'issuer';
  return 'other';
}

/** Parses an absolute URL; undefined for anything else. */
export function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/**
 * Checks that a URL may carry credentials, keys or tokens: absolute, https, or http on a loopback
 * host. Throws a {@link UrlError} that names `what` and the problem.
 */
export function requireSecureUrl(value: string, what: string): URL {
  const url = parseUrl(value);
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) throw new UrlError(`${what} must be an http(s) URL, got "${value}"`);
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new UrlError(`${what} must use https (http is allowed only for loopback hosts): ${value}`);
  }
  return url;
}

/** Loopback hosts, where http is acceptable (the sandbox, tests, local proxies). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** A URL in the form used to compare: no trailing slash, lower-case scheme and host; the text itself when it is no URL. */
export function urlKey(value: string | URL): string {
  const url = typeof value === 'string' ? parseUrl(value) : value;
  if (!url) return String(value);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}${url.search}`;
}

/** Compares two URLs ignoring a trailing slash and the case of scheme and host. */
export function sameUrl(a: string, b: string): boolean {
  return urlKey(a) === urlKey(b);
}
