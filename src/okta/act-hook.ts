/**
 * Getting `act` into a real Okta org's tokens with a token inline hook: what the agent sends (an
 * act assertion as a query parameter of the token URL) and what the org needs (a registered,
 * ACTIVE hook attached to the rule that serves the agent). The hook service itself is `src/hook`.
 */
import {
  ACT_ASSERTION_PARAMETER,
  buildActAssertion,
  type Delegation,
  type Human,
  signAssertion,
  type SigningCredential,
} from '../core';
import type { InlineHook } from './org';

/** How the human reaches the token: the guide's claim expression, or a token inline hook. */
export const ACT_DELIVERIES = ['assertion', 'hook'] as const;
export type ActDelivery = (typeof ACT_DELIVERIES)[number];

/** The event type of token inline hooks. */
export const TOKEN_HOOK_TYPE = 'com.okta.oauth2.tokens.transform';

export interface ActAssertionOptions {
  readonly clientId: string;
  /** The hook's URL (its registered `channel.config.uri`): the act assertion's audience. */
  readonly hookUrl: string;
  readonly human: Human;
  readonly credential: SigningCredential;
  readonly alg?: string;
  readonly delegation?: Delegation;
  /** Seconds; default 120, at most 300. */
  readonly lifetimeSeconds?: number;
  /** The clock in seconds. */
  readonly clock: () => number;
  readonly newId: () => string;
}

/**
 * The token URL's extra query parameters for the OAuth client's `urlParameters`: a freshly signed
 * act assertion for each attempt (the hook accepts each one once).
 */
export function actAssertionParameters(options: ActAssertionOptions): () => Promise<Record<string, string>> {
  return async () => {
    const payload = buildActAssertion({
      clientId: options.clientId,
      hookUrl: options.hookUrl,
      human: { id: options.human.id },
      now: options.clock(),
      jti: options.newId(),
      ...(options.lifetimeSeconds !== undefined ? { lifetimeSeconds: options.lifetimeSeconds } : {}),
      ...(options.delegation ? { delegation: options.delegation } : {}),
    });
    return { [ACT_ASSERTION_PARAMETER]: await signAssertion(payload, options.credential, options.alg ? { alg: options.alg } : {}) };
  };
}

/** A token inline hook as provisioning registers it: Okta sends `secret` in the Authorization header. */
export function actHook(uri: string, secret: string, name = 'AGBAC act hook'): InlineHook {
  return {
    name,
    type: TOKEN_HOOK_TYPE,
    version: '1.0.0',
    channel: { type: 'HTTP', version: '1.0.0', config: { uri, method: 'POST', headers: [], authScheme: { type: 'HEADER', key: 'Authorization', value: secret } } },
  };
}

/** URLs compared as URLs (`https://h.example` and `https://h.example/` are one). */
export function sameUrl(a: string, b: string): boolean {
  try {
    return new URL(a).href === new URL(b).href;
  } catch {
    return a === b;
  }
}
