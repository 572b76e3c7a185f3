/**
 * The token inline hook as a standard web handler (`Request` → `Response`), for
 * `com.okta.oauth2.tokens.transform`: it authenticates Okta's call, reads the agent's act
 * assertion from the token URL Okta reports (`data.context.request.url.value`, query parameter
 * `act_assertion`), verifies it and the human, and answers `com.okta.access.patch` adding `act`,
 * or an `error` whose `errorSummary` stops issuance. Fail closed: whenever the hook cannot vouch
 * for the human it answers `error`, because Okta issues the token unmodified on anything else.
 *
 * Routes: `GET /health`, and `POST` on any path for the hook (so it can be mounted under a prefix
 * on a serverless platform as it is). Hono does the routing; `app.fetch` is the handler.
 *
 * @example
 * const app = createHookApp({ hookUrl: 'https://hook.example.com/', authentication: [{ kind: 'header', secret }], org, clientSecret });
 * export default { fetch: app.fetch };   // a serverless platform; `serveHook` serves it on Node
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import { jwtVerify, type JWTVerifyGetKey } from 'jose';
import {
  ACT_ASSERTION_PARAMETER,
  isoTime,
  isRecord,
  type JsonRecord,
  messageOf,
  parseUrl,
  type ProfileName,
} from '../core';
import type { OrgApi } from '../okta';
import { AgentKeys } from './agent-keys';
import { HookError, HookRefusal, type RefusalReason } from './errors';
import { checkHuman, type HumanRecord } from './human';
import { MemoryReplayStore, type ReplayStore } from './replay';
import { verifyActAssertion } from './verify';

/** The event type Okta sends for token inline hooks. */
export const TOKEN_HOOK_EVENT_TYPE = 'com.okta.oauth2.tokens.transform';

/** Okta's request is a few KiB; a larger body is not Okta's. */
const MAX_BODY_BYTES = 256 * 1024;

/** How Okta proves it is the caller. */
export type HookAuthentication =
  /** The `authScheme` of an HTTP channel: a header (`Authorization` by default) with a shared secret, compared in constant time. */
  | { readonly kind: 'header'; readonly secret: string; readonly header?: string }
  /**
   * OAuth 2.0 hook authentication: Okta sends `Authorization: Bearer <access token>` from the
   * authorization server configured with the hook; the token must verify with `keys` and carry
   * this issuer, audience and (when given) scope.
   */
  | { readonly kind: 'bearer'; readonly issuer: string; readonly audience: string; readonly keys: JWTVerifyGetKey; readonly scope?: string };

export interface HookConfig {
  /** This hook's URL as Okta calls it; act assertions must carry it as `aud`. */
  readonly hookUrl: string;
  /** At least one; Okta's call is accepted when any of them holds. */
  readonly authentication: readonly HookAuthentication[];
  /** The Management API: the human's record and group, and `private_key_jwt` agents' registered keys. */
  readonly org?: OrgApi;
  /** The client secret of a `client_secret_jwt` agent. */
  readonly clientSecret?: string;
  /** The group the human must be in. */
  readonly group?: string;
  /** `agbac-1.0` also adds `delegation` and `agbac_ver` from the assertion; default `okta-guide`. */
  readonly profile?: ProfileName;
  /** Default: in memory (one instance). Several instances need a shared store. */
  readonly replayStore?: ReplayStore;
  /** Default 60 s. */
  readonly clockSkewSeconds?: number;
  /** The clock in seconds; default the system clock. */
  readonly now?: () => number;
  /** Correlation ids when Okta's `eventId` is unusable; default random UUIDs. */
  readonly newId?: () => string;
  /** Receives one event per decision. */
  readonly audit?: (event: HookAuditEvent) => void;
  /** Per app: how long registered keys are cached (default 300 s) and the least time between look-ups (default 30 s). */
  readonly keyCacheSeconds?: number;
  readonly keyCooldownSeconds?: number;
}

export type HookDecision = 'PATCH' | 'REFUSE' | 'UNAUTHENTICATED';

/** One decision of the hook. People by id only; never an assertion, a header, a token or an email. */
export interface HookAuditEvent {
  readonly timestamp: string;
  readonly event_type: 'AGBAC_HOOK_DECISION';
  readonly correlation_id: string;
  readonly decision: HookDecision;
  /** Why it refused (`replayed`, `inactive-human`, …); null for a patch. */
  readonly reason: RefusalReason | 'unauthenticated' | null;
  /** What the operator should know about a refusal (not sent to Okta). */
  readonly detail: string | null;
  readonly agent_id: string | null;
  readonly human_id: string | null;
  readonly assertion_jti: string | null;
  readonly policy_id: string | null;
  readonly rule_id: string | null;
}

/** The answers Okta understands. */
export type HookAnswer =
  | { readonly commands: readonly { readonly type: 'com.okta.access.patch'; readonly value: readonly { readonly op: 'add'; readonly path: string; readonly value: unknown }[] }[] }
  | { readonly error: { readonly errorSummary: string } };

/** Builds the hook's app; `app.fetch` is the `Request` → `Response` handler. Throws {@link HookError} for an unusable configuration. */
export function createHookApp(config: HookConfig): Hono {
  if (config.authentication.length === 0) {
    throw new HookError('ERR_HOOK_CONFIG', "the hook needs a way to authenticate Okta's call: the shared header secret or OAuth 2.0 (Bearer)");
  }
  for (const auth of config.authentication) {
    if (auth.kind === 'header' && auth.secret.length < 16) {
      throw new HookError('ERR_HOOK_CONFIG', 'the hook secret must be at least 16 characters: it is all that stands between the internet and the act claim');
    }
  }
  if (!parseUrl(config.hookUrl)) throw new HookError('ERR_HOOK_CONFIG', `the hook URL is not a URL: "${config.hookUrl}"`);
  const now = config.now ?? (() => Date.now() / 1000);
  const newId = config.newId ?? (() => crypto.randomUUID());
  const keys = new AgentKeys({
    now,
    ...(config.org ? { org: config.org } : {}),
    ...(config.clientSecret ? { clientSecret: config.clientSecret } : {}),
    ...(config.keyCacheSeconds !== undefined ? { cacheSeconds: config.keyCacheSeconds } : {}),
    ...(config.keyCooldownSeconds !== undefined ? { cooldownSeconds: config.keyCooldownSeconds } : {}),
  });
  const replay = config.replayStore ?? new MemoryReplayStore(now);
  const authenticate = authenticator(config.authentication, now);

  const app = new Hono();
  app.get('/health', (c) => c.json({ status: 'ok' }));
  app.post('*', async (c) => {
    const request = c.req.raw;
    if (!(await authenticate(request))) {
      config.audit?.(auditEvent(now, newId(), 'UNAUTHENTICATED', { reason: 'unauthenticated' }));
      return c.json({ error: 'unauthorized' }, 401);
    }
    const { answer, event } = await decide(request, { config, keys, replay, now, newId });
    config.audit?.(event);
    return c.json(answer, 200);
  });
  app.all('*', (c) => c.json({ error: 'method not allowed: POST the hook request, or GET /health' }, 405, { Allow: 'GET, POST' }));
  app.onError((error, c) => {
    // Reached only by a programming mistake; Okta then issues the token unmodified, without act.
    config.audit?.(auditEvent(now, newId(), 'REFUSE', { reason: 'unavailable', detail: `unexpected error: ${messageOf(error)}` }));
    return c.json({ error: { errorSummary: 'The hook failed unexpectedly and cannot vouch for the human.' } }, 500);
  });
  return app;
}

interface Runtime {
  readonly config: HookConfig;
  readonly keys: AgentKeys;
  readonly replay: ReplayStore;
  readonly now: () => number;
  readonly newId: () => string;
}

/** Okta's request → the answer and its audit event. Every failure is a refusal: fail closed. */
async function decide(request: Request, runtime: Runtime): Promise<{ answer: HookAnswer; event: HookAuditEvent }> {
  const { config, now } = runtime;
  let context: OktaContext | undefined;
  let correlation = runtime.newId();
  let jti: string | null = null;
  let humanId: string | null = null;
  try {
    const body = await readJson(request);
    context = readContext(body);
    correlation = context.eventId ?? correlation;
    const assertion = actAssertionOf(context.url);
    const vouched = await verifyActAssertion(assertion, {
      keys: runtime.keys,
      replay: runtime.replay,
      hookUrl: config.hookUrl,
      clientId: context.clientId,
      now: now(),
      clockSkewSeconds: config.clockSkewSeconds ?? 60,
      profile: config.profile ?? 'okta-guide',
    });
    jti = vouched.jti;
    humanId = vouched.human;
    const record: HumanRecord = config.org ? await checkHuman(config.org, vouched.human, config.group) : { id: vouched.human, email: undefined, name: undefined };
    const act = { sub: record.id, ...(record.email ? { email: record.email } : {}), ...(record.name ? { name: record.name } : {}) };
    const operations = [
      { op: 'add' as const, path: '/claims/act', value: act },
      ...Object.entries(vouched.delegation ?? {}).map(([name, value]) => ({ op: 'add' as const, path: `/claims/${name}`, value })),
    ];
    return {
      answer: { commands: [{ type: 'com.okta.access.patch', value: operations }] },
      event: auditEvent(now, correlation, 'PATCH', { agent: context.clientId, human: record.id, jti, context }),
    };
  } catch (error) {
    const refusal = error instanceof HookRefusal ? error : new HookRefusal('unavailable', 'The hook failed and cannot vouch for the human.', { detail: messageOf(error) });
    return {
      answer: { error: { errorSummary: refusal.message } },
      event: auditEvent(now, correlation, 'REFUSE', {
        reason: refusal.reason,
        detail: refusal.detail ?? null,
        agent: context?.clientId ?? null,
        human: humanId,
        jti,
        ...(context ? { context } : {}),
      }),
    };
  }
}

/** What the hook reads from Okta's request. */
interface OktaContext {
  readonly eventId: string | undefined;
  readonly clientId: string;
  /** The token request's URL, with its query. */
  readonly url: string;
  readonly policyId: string | undefined;
  readonly ruleId: string | undefined;
}

function readContext(body: unknown): OktaContext {
  const bad = (what: string) => new HookRefusal('bad-request', `The hook cannot read Okta's request: ${what}.`);
  if (!isRecord(body)) throw bad('it is not a JSON object');
  if (body.eventType !== TOKEN_HOOK_EVENT_TYPE) throw bad(`eventType is not ${TOKEN_HOOK_EVENT_TYPE}`);
  const context = path(body, 'data', 'context');
  const clientId = path(context, 'protocol', 'client', 'id');
  if (typeof clientId !== 'string' || !clientId) throw bad('data.context.protocol.client.id is missing');
  const url = path(context, 'request', 'url', 'value');
  if (typeof url !== 'string' || !url) throw bad('data.context.request.url.value is missing');
  const eventId = typeof body.eventId === 'string' && /^[\w.:-]{1,128}$/.test(body.eventId) ? body.eventId : undefined;
  const policyId = path(context, 'policy', 'id');
  const ruleId = path(context, 'policy', 'rule', 'id');
  return {
    eventId,
    clientId,
    url,
    policyId: typeof policyId === 'string' ? policyId.slice(0, 64) : undefined,
    ruleId: typeof ruleId === 'string' ? ruleId.slice(0, 64) : undefined,
  };
}

function actAssertionOf(url: string): string {
  const parsed = parseUrl(url);
  if (!parsed) throw new HookRefusal('bad-request', "The hook cannot read Okta's request: the token request URL is not a URL.");
  const values = parsed.searchParams.getAll(ACT_ASSERTION_PARAMETER);
  if (values.length === 0 || !values[0]) {
    throw new HookRefusal('missing-assertion', `The token request carries no act assertion (query parameter ${ACT_ASSERTION_PARAMETER}), so the hook cannot vouch for a human.`);
  }
  if (values.length > 1) throw new HookRefusal('malformed-assertion', `The token request carries more than one ${ACT_ASSERTION_PARAMETER}.`);
  return values[0];
}

function path(value: unknown, ...keys: string[]): unknown {
  return keys.reduce<unknown>((current, key) => (isRecord(current) ? current[key] : undefined), value);
}

/** The body as JSON, read up to {@link MAX_BODY_BYTES}. */
async function readJson(request: Request): Promise<unknown> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > MAX_BODY_BYTES) throw new HookRefusal('bad-request', "The hook cannot read Okta's request: it is too large.");
  const reader = (request.body as ReadableStream<Uint8Array> | null)?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (reader) {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_BODY_BYTES) {
        await reader.cancel();
        throw new HookRefusal('bad-request', "The hook cannot read Okta's request: it is too large.");
      }
      chunks.push(value);
    }
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as unknown;
  } catch {
    throw new HookRefusal('bad-request', "The hook cannot read Okta's request: it is not JSON.");
  }
}

/** A check of Okta's credential, built once. */
function authenticator(methods: readonly HookAuthentication[], now: () => number): (request: Request) => Promise<boolean> {
  const checks = methods.map((method) => {
    if (method.kind === 'header') {
      const expected = digest(method.secret);
      const header = (method.header ?? 'authorization').toLowerCase();
      return async (request: Request) => {
        const value = request.headers.get(header);
        // Digests have one length, so the comparison takes the same time whatever was sent.
        return value !== null && timingSafeEqual(digest(value), expected);
      };
    }
    return async (request: Request) => {
      const token = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get('authorization') ?? '')?.[1];
      if (!token) return false;
      try {
        const { payload } = await jwtVerify(token, method.keys, {
          issuer: method.issuer,
          audience: method.audience,
          currentDate: new Date(now() * 1000),
          requiredClaims: ['exp'],
        });
        return method.scope === undefined || scopesOf(payload).includes(method.scope);
      } catch {
        return false;
      }
    };
  });
  return async (request) => {
    for (const check of checks) if (await check(request)) return true;
    return false;
  };
}

function scopesOf(payload: JsonRecord): string[] {
  const { scp, scope } = payload;
  if (Array.isArray(scp)) return scp.filter((item): item is string => typeof item === 'string');
  return typeof scope === 'string' ? scope.split(/\s+/) : [];
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

function auditEvent(
  now: () => number,
  correlation: string,
  decision: HookDecision,
  fields: {
    reason?: HookAuditEvent['reason'];
    detail?: string | null;
    agent?: string | null;
    human?: string | null;
    jti?: string | null;
    context?: OktaContext;
  },
): HookAuditEvent {
  return {
    timestamp: isoTime(Math.floor(now())),
    event_type: 'AGBAC_HOOK_DECISION',
    correlation_id: correlation,
    decision,
    reason: fields.reason ?? null,
    detail: fields.detail ?? null,
    agent_id: fields.agent ?? null,
    human_id: fields.human ?? null,
    assertion_jti: fields.jti ?? null,
    policy_id: fields.context?.policyId ?? null,
    rule_id: fields.context?.ruleId ?? null,
  };
}
