/**
 * Remote key sets: jose's `createRemoteJWKSet` (cache, cooldown, refetch on an unknown kid) over
 * this project's HTTP client, so the fetch has a deadline, a size cap, an optional extra CA, and
 * https is required except on loopback.
 */
import { createRemoteJWKSet, customFetch, type FetchImplementation, type JWTVerifyGetKey } from 'jose';
import { requireSecureUrl } from '../core';
import { httpRequest, NetworkError, ResponseError } from './http';

export interface RemoteKeySetOptions {
  /** Per-fetch deadline; default 10 s. */
  readonly timeoutMs?: number;
  /** Minimum time between two fetches (a refetch on an unknown kid waits this long); default 30 s. */
  readonly cooldownMs?: number;
  /** How long fetched keys are trusted without refetching; default 10 min. */
  readonly cacheMaxAgeMs?: number;
  /** Largest key set accepted; default 256 KiB. */
  readonly maxBytes?: number;
  readonly ca?: string;
}

/** A key resolver that fetches the JWKS at `url`, caches it and refetches on an unknown kid. */
export function remoteKeySet(url: string, options: RemoteKeySetOptions = {}): JWTVerifyGetKey {
  const fetchKeys: FetchImplementation = async (target, init) => {
    try {
      const response = await httpRequest({
        url: target,
        headers: Object.fromEntries(init.headers.entries()),
        timeoutMs: options.timeoutMs ?? 10_000,
        maxBytes: options.maxBytes ?? 256 * 1024,
        ca: options.ca,
        signal: init.signal,
      });
      if (response.status !== 200) throw new ResponseError(`the key set at ${target} answered HTTP ${response.status}`, response.status);
      return new Response(response.body, { status: response.status, headers: { 'content-type': response.headers['content-type'] ?? '' } });
    } catch (error) {
      throw error instanceof NetworkError ? new NetworkError(error.failure, `cannot fetch the key set: ${error.message}`, { cause: error }) : error;
    }
  };
  return createRemoteJWKSet(requireSecureUrl(url, 'the JWKS URL'), {
    // jose's own abort is a backstop: the fetch's deadline fires first and says "within N s".
    timeoutDuration: (options.timeoutMs ?? 10_000) + 1_000,
    cooldownDuration: options.cooldownMs ?? 30_000,
    cacheMaxAge: options.cacheMaxAgeMs ?? 600_000,
    [customFetch]: fetchKeys,
  });
}
