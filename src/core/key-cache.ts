/**
 * Verification keys prepared once per key set, as jose's remote key set does for fetched keys: a
 * JWKS, a JWK or a PEM with the same content as one seen before reuses its resolver and the keys
 * imported for it, instead of importing them for every token. Keyed by content (the JSON text, so
 * a copy with its members in another order is prepared once more), not by object, so a key set
 * changed in place is never served stale. Bounded: the least recently used go first.
 */
import type { JWTVerifyGetKey } from 'jose';
import type { VerificationKeys } from './verify';

const MAX_KEY_SETS = 64;

/** Resolvers by `algorithms` + the key set's text, least recently used first. */
const resolvers = new Map<string, Promise<JWTVerifyGetKey>>();

/**
 * The resolver for `keys` under `algorithms`, made by `make` the first time this content is seen.
 * A resolver function given as `keys` is the caller's own and is used as it is.
 */
export function cachedResolver(
  keys: VerificationKeys,
  algorithms: readonly string[],
  make: (keys: VerificationKeys, algorithms: readonly string[]) => Promise<JWTVerifyGetKey>,
): Promise<JWTVerifyGetKey> {
  if (typeof keys === 'function') return Promise.resolve(keys);
  const content = `${algorithms.join(',')}\n${typeof keys === 'string' ? keys.trim() : JSON.stringify(keys)}`;
  let resolver = resolvers.get(content);
  if (resolver) {
    resolvers.delete(content);
  } else {
    resolver = make(keys, algorithms);
    // Keys that cannot be used are not remembered: the next call reports them again.
    resolver.catch(() => resolvers.delete(content));
  }
  resolvers.set(content, resolver);
  if (resolvers.size > MAX_KEY_SETS) resolvers.delete(resolvers.keys().next().value as string);
  return resolver;
}
