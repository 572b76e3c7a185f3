/**
 * Verification keys prepared once per key set, as jose's remote key set does for fetched keys: a
 * JWKS, a JWK or a PEM with the same content as one seen before reuses its resolver and the keys
 * imported for it, instead of importing them for every token. Keyed by content (the JSON text, so
 * a copy with its members in another order is prepared once more). The same object given again is
 * recognised without reading its text, as long as its key list holds the same key objects (a key
 * added, removed or replaced makes it new) and a JWK keeps its key members. Bounded: the least
 * recently used go first.
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
  const algs = algorithmsText(algorithms);
  if (typeof keys === 'string') {
    // The same text as last time (a PEM read once and passed for every token): its hash is kept
    // by the string itself, so this costs no pass over it.
    const last = lastText;
    if (last && last.text === keys && last.algs === algs) return last.resolver;
  } else {
    const seen = byObject.get(keys);
    if (seen && seen.algs === algs && unchanged(seen.parts, keys)) return seen.resolver;
  }
  const content = `${algs}\n${typeof keys === 'string' ? keys.trim() : JSON.stringify(keys)}`;
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
  const made = resolver;
  if (typeof keys === 'string') {
    const entry = { text: keys, algs, resolver: made };
    lastText = entry;
    made.catch(() => {
      if (lastText === entry) lastText = undefined;
    });
  } else {
    byObject.set(keys, { algs, parts: partsOf(keys), resolver: made });
    made.catch(() => byObject.delete(keys));
  }
  return made;
}

/** The last key text seen and its resolver. */
let lastText: { readonly text: string; readonly algs: string; readonly resolver: Promise<JWTVerifyGetKey> } | undefined;

/** The last resolver made for a key-set object, and what it was made from. */
const byObject = new WeakMap<object, { readonly algs: string; readonly parts: readonly unknown[]; readonly resolver: Promise<JWTVerifyGetKey> }>();

/** A JWK's members that say which key it is. */
const KEY_MEMBERS = ['kty', 'kid', 'alg', 'use', 'n', 'e', 'crv', 'x', 'y', 'd', 'k'] as const;

/** What must stay the same for an object to be the key set it was: its key objects, or a JWK's key members. */
function partsOf(keys: object): unknown[] {
  const record = keys as Record<string, unknown>;
  if (Array.isArray(record.keys)) return [record.keys, record.keys.length, ...(record.keys as unknown[])];
  return KEY_MEMBERS.map((member) => record[member]);
}

/** True when `keys` still has the parts recorded by {@link partsOf}, compared without building them again. */
function unchanged(parts: readonly unknown[], keys: object): boolean {
  const record = keys as Record<string, unknown>;
  if (Array.isArray(record.keys)) {
    const list = record.keys as unknown[];
    if (parts[0] !== list || parts[1] !== list.length || parts.length !== list.length + 2) return false;
    for (let index = 0; index < list.length; index++) if (parts[index + 2] !== list[index]) return false;
    return true;
  }
  if (parts.length !== KEY_MEMBERS.length) return false;
  for (let index = 0; index < KEY_MEMBERS.length; index++) if (parts[index] !== record[KEY_MEMBERS[index] as string]) return false;
  return true;
}

/** The algorithm list as one string, made once per list object (callers pass the same list each time). */
const algorithmTexts = new WeakMap<readonly string[], string>();

function algorithmsText(algorithms: readonly string[]): string {
  let text = algorithmTexts.get(algorithms);
  if (text === undefined) {
    text = algorithms.join(',');
    // A list changed in place would keep a stale text: only frozen lists are remembered.
    if (Object.isFrozen(algorithms)) algorithmTexts.set(algorithms, text);
  }
  return text;
}
