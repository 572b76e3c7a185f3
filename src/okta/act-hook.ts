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

/**
 * A request in the shape Okta sends a token hook for a client_credentials request, for
 * `POST /api/v1/inlineHooks/{id}/execute`: the doctor sends it through Okta and checks the answer.
 */
export function tokenHookSample(input: {
  readonly tokenUrl: string;
  readonly issuer: string;
  readonly audience: string | undefined;
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly policyId: string | undefined;
  readonly ruleId: string | undefined;
  readonly now: number;
  readonly eventId: string;
}): Record<string, unknown> {
  return {
    source: input.tokenUrl.split('?')[0],
    eventId: input.eventId,
    eventTime: new Date(input.now * 1000).toISOString(),
    eventTypeVersion: '1.0',
    cloudEventVersion: '0.1',
    contentType: 'application/json',
    eventType: TOKEN_HOOK_TYPE,
    data: {
      context: {
        request: { id: input.eventId, method: 'POST', url: { value: input.tokenUrl }, ipAddress: '127.0.0.1' },
        protocol: {
          type: 'OAUTH2.0',
          request: { client_id: input.clientId, grant_type: 'client_credentials', scope: input.scopes.join(' ') },
          issuer: { uri: input.issuer },
          client: { id: input.clientId, name: 'agbac doctor', type: 'CONFIDENTIAL' },
        },
        policy: { id: input.policyId ?? '', rule: { id: input.ruleId ?? '' } },
      },
      access: {
        claims: { ver: 1, iss: input.issuer, ...(input.audience ? { aud: input.audience } : {}), iat: input.now, exp: input.now + 3600, cid: input.clientId, sub: input.clientId, scp: [...input.scopes] },
        token: { lifetime: { expiration: 3600 } },
        scopes: Object.fromEntries(input.scopes.map((scope) => [scope, { action: 'GRANT' }])),
      },
    },
  };
}

/** What an `execute` answer says: a patch adding act (and for whom), an error, or something Okta would not understand. */
export type HookAnswerReading =
  | { readonly kind: 'patch'; readonly act: unknown }
  | { readonly kind: 'error'; readonly summary: string }
  | { readonly kind: 'malformed'; readonly problem: string };

export function readHookAnswer(answer: unknown): HookAnswerReading {
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) return { kind: 'malformed', problem: 'the answer is not a JSON object' };
  const { error, commands } = answer as { error?: unknown; commands?: unknown };
  if (error !== undefined && error !== null) {
    const summary = typeof error === 'object' && typeof (error as { errorSummary?: unknown }).errorSummary === 'string' ? (error as { errorSummary: string }).errorSummary : undefined;
    return summary ? { kind: 'error', summary } : { kind: 'malformed', problem: 'its error object has no errorSummary' };
  }
  if (!Array.isArray(commands)) return { kind: 'malformed', problem: 'it has neither commands nor an error object' };
  for (const command of commands as unknown[]) {
    const { type, value } = (command ?? {}) as { type?: unknown; value?: unknown };
    if (type !== 'com.okta.access.patch' || !Array.isArray(value)) return { kind: 'malformed', problem: `command ${JSON.stringify(type) ?? 'without a type'} is not an access token patch Okta can apply to a client_credentials token` };
    for (const operation of value as unknown[]) {
      const { op, path } = (operation ?? {}) as { op?: unknown; path?: unknown };
      if (!['add', 'replace', 'remove'].includes(String(op)) || typeof path !== 'string' || !path.startsWith('/')) {
        return { kind: 'malformed', problem: `operation ${JSON.stringify(operation)?.slice(0, 80) ?? ''} is not add, replace or remove on a path` };
      }
      if (path === '/claims/act' && op !== 'remove') return { kind: 'patch', act: (operation as { value?: unknown }).value };
    }
  }
  return { kind: 'patch', act: undefined };
}
