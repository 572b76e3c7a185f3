/**
 * Remote key sets: jose's `createRemoteJWKSet` (cache, cooldown, refetch on an unknown kid), with
 * https required except on loopback.
 */
import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import { isLoopbackHost, parseUrl } from '../core';

export interface RemoteKeySetOptions {
  /** Per-fetch timeout; default 10 s. */
  readonly timeoutMs?: number;
  /** Minimum time between two fetches (a refetch on an unknown kid waits this long); default 30 s. */
  readonly cooldownMs?: number;
  /** How long fetched keys are trusted without refetching; default 10 min. */
  readonly cacheMaxAgeMs?: number;
}

/** Checks that a URL may carry keys or tokens: absolute, https, or http on a loopback host. */
export function requireSecureUrl(value: string, what: string): URL {
  const url = parseUrl(value);
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) throw new TypeError(`${what} must be an http(s) URL, got "${value}"`);
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new TypeError(`${what} must use https (http is allowed only for loopback hosts): ${value}`);
  }
  return url;
}

/** A key resolver that fetches the JWKS at `url`, caches it and refetches on an unknown kid. */
export function remoteKeySet(url: string, options: RemoteKeySetOptions = {}): JWTVerifyGetKey {
  return createRemoteJWKSet(requireSecureUrl(url, 'the JWKS URL'), {
    timeoutDuration: options.timeoutMs ?? 10_000,
    cooldownDuration: options.cooldownMs ?? 30_000,
    cacheMaxAge: options.cacheMaxAgeMs ?? 600_000,
  });
}
